/**
 * A push source on firmware: the button toggle (examples/button-toggle.ts,
 * manifests/button-toggle) three ways: on Node, in a bare XS machine
 * (xsnap), and as Moddable pico firmware booted in rp2040js, where the
 * simulated board's button drives GP15 (with the pull-up the firmware sets
 * on its pad) and each edge reaches the app through Moddable's Digital
 * `onReadable`, from a GPIO interrupt. Nothing is polled or scheduled: the
 * debounce timer runs the scheduler when a bounce needs it. The LED changes
 * must agree to 10 ms in the three ways.
 *
 * Node and XS always run. The firmware runs when THINGFLOW_FIRMWARE_DIR holds
 * button-toggle.pico.uf2 (`npm run firmware -- pico manifests/button-toggle/manifest.json`)
 * and RP2040_BOOTROM is set; otherwise one line says what is missing and those tests are skipped.
 */
import { BUTTON_SCENARIOS } from './board-scenarios';
import { firmwareFor, ledLines, onNode, xsShowsWhatNodeShows } from './three-ways';

const names = Object.keys(BUTTON_SCENARIOS);
const [PRESSES, TAP] = names;

describe('the button toggle on Node and on XS', () => {
  xsShowsWhatNodeShows(names, -1);

  test('each press toggles the LED at its first edge; a tap shorter than the debounce counts, and so does the next press', () => {
    expect(ledLines(onNode(PRESSES))).toEqual(['0ms LED off', '1000ms LED on', '2000ms LED off', '3000ms LED on']);
    expect(ledLines(onNode(TAP))).toEqual(['0ms LED off', '1000ms LED on', '2000ms LED off']);
  });
});

const { describe: firmware, boot: bootScenario } = firmwareFor('button-toggle');

firmware('the button toggle as pico firmware in rp2040js, the simulated button on GP15', () => {
  const boot = (name: string) => bootScenario(BUTTON_SCENARIOS[name]);

  test.each(names)('%s: as on Node', async (name) => {
    const fw = await boot(name);
    expect(fw.console.some((l) => l.startsWith('button toggle: a press on pin 15 toggles the LED on pin 25'))).toBe(true);
    expect(ledLines(fw.lines)).toEqual(ledLines(onNode(name)));
  }, 600_000);

  test('nothing scheduled: the core sleeps (WFE, manifests/pico-port.json) but for each edge of the button and its debounce', async () => {
    const fw = await boot(PRESSES);
    const host = fw.host;
    const edges = BUTTON_SCENARIOS[PRESSES].button!.map(([ms]) => fw.startMs + ms); // the finger's times count from the app's start
    const later = host.sleeps.filter((s) => s.t >= edges[0]); // the sleeps once it started, from the first press on
    // Moddable's port alone spins in its main loop: it would never sleep at all. Here it sleeps after each burst of
    // chatter (a press, a release) and after its debounce at least; chatter 1 ms apart may come while it is still
    // awake for the edge before (a wake takes ~0.5 ms with the flash cache cold after a sleep).
    const bursts = edges.filter((e, k) => k === 0 || e - edges[k - 1] > 25).length;
    expect(bursts).toBe(6);
    expect(later.length).toBeGreaterThanOrEqual(2 * bursts);
    expect((host.waitingNanos / 1e6) / (host.emulatedMs - host.sleeps[0].t)).toBeGreaterThan(0.99);
    // Every time it went back to sleep was within the debounce (20 ms) of an edge, and just after it.
    expect(later.filter((s) => !edges.some((e) => s.t >= e && s.t < e + 25)).map((s) => s.t - fw.startMs)).toEqual([]);
  }, 600_000);
});

const { describe: fromSource, boot: bootFromSource } = firmwareFor('app-button-toggle');

fromSource('the button toggle built from its source alone (npm run firmware -- pico examples/button-toggle.ts: tools/app-firmware.ts writes its entry and manifest)', () => {
  test.each(names)('%s: as on Node', async (name) => {
    const fw = await bootFromSource(BUTTON_SCENARIOS[name]);
    expect(fw.console.some((l) => l.startsWith('button toggle: a press on pin 15 toggles the LED on pin 25'))).toBe(true);
    expect(ledLines(fw.lines)).toEqual(ledLines(onNode(name)));
  }, 600_000);
});
