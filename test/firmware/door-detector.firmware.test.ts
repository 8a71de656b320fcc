/**
 * The garage door detector, the project's second board app, three ways: on
 * Node, in a bare XS machine (xsnap), and as Moddable pico firmware
 * (manifests/door-detector) booted in rp2040js, its I2C bus the simulated
 * board mounted on the door of a seeded week (board-scenarios.ts): the
 * TSL2591 and the ADXL345 read over the emulated I2C once a minute, the
 * exported decision tree, scan and distinctUntilChanged compiled by mcconfig.
 * The board side prints every I2C transaction and LED change by second of
 * board time; the three must agree line by line.
 *
 * Node and XS always run. The firmware runs when THINGFLOW_FIRMWARE_DIR holds
 * door-detector.pico.uf2 (`npm run firmware -- pico manifests/door-detector/manifest.json`)
 * and RP2040_BOOTROM is set; otherwise one line says what is missing and those tests are skipped.
 */
import { DOOR_SCENARIOS } from './board-scenarios';
import { firmwareFor, i2cLines, ledLines, onNode, xsShowsWhatNodeShows } from './three-ways';

const names = Object.keys(DOOR_SCENARIOS);
const [AIRED, OUT_BY_CAR, TILT_NACKS] = names;

describe('the door detector on Node and on XS', () => {
  xsShowsWhatNodeShows(names, 100);

  test('the LED says "left open": on at the 10th open minute, off when the door shuts; a short opening leaves it off; skipped tilt reads delay it', () => {
    // Aired from 14:54 (board time 1440 s) for 89 minutes: samples at 1440 ... 1980 s are its first ten.
    expect(ledLines(onNode(AIRED))).toEqual(['0s LED off', '1980s LED on', '6780s LED off']);
    expect(ledLines(onNode(OUT_BY_CAR))).toEqual(['0s LED off']);
    const nacks = onNode(TILT_NACKS);
    expect(i2cLines(nacks).filter((l) => l.endsWith(' nack'))).toEqual(['1620s i2c 0x53 write [32] nack', '1680s i2c 0x53 write [32] nack', '1740s i2c 0x53 write [32] nack']);
    expect(ledLines(nacks)).toEqual(['0s LED off', '2160s LED on']);
  });
});

const { describe: firmware, boot: bootScenario } = firmwareFor('door-detector');

firmware('the door detector as pico firmware in rp2040js, its I2C bus the simulated board on the door', () => {
  const boot = (name: string) => bootScenario(DOOR_SCENARIOS[name]);

  test('aired for 89 minutes: it boots, reads light and tilt over the emulated I2C every minute, and the LED says "left open" as on Node and XS', async () => {
    const fw = await boot(AIRED);
    const node = onNode(AIRED);
    expect(fw.console.some((l) => l.startsWith('door detector: light and tilt every 60 s'))).toBe(true);
    const addresses = new Set(fw.host.bridges.flatMap((b) => b.transactions).map((t) => t.address));
    expect([...addresses].sort()).toEqual([0x29, 0x53]);
    expect(fw.host.bridges.reduce((n, b) => n + b.mismatches, 0)).toBe(0);
    expect(ledLines(fw.lines)).toEqual(['0s LED off', '1980s LED on', '6780s LED off']);
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);

  test('out by car for 3 minutes: the LED stays off, every read as on Node', async () => {
    const fw = await boot(OUT_BY_CAR);
    const node = onNode(OUT_BY_CAR);
    expect(ledLines(fw.lines)).toEqual(ledLines(node));
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);

  test('NACKs from the simulated ADXL345 reach the firmware through the emulated bus: those tilt reads are skipped, as on Node', async () => {
    const fw = await boot(TILT_NACKS);
    const node = onNode(TILT_NACKS);
    expect(i2cLines(fw.lines).filter((l) => l.endsWith(' nack'))).toHaveLength(3);
    expect(ledLines(fw.lines)).toEqual(ledLines(node));
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);
});
