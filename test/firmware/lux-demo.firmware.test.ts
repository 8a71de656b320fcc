/**
 * The lux demo three ways: on Node, in a bare XS machine (xsnap), and as
 * Moddable pico firmware booted in rp2040js, whose I2C bus is the simulated
 * board (sim/emulator/rp2040-host.ts). The board side prints the same lines in each way
 * (board-scenarios.ts, run by three-ways.ts): every I2C transaction with its bytes, and every LED
 * change, by second of board time; the three must agree line by line.
 *
 * Node and XS always run. The firmware runs when THINGFLOW_FIRMWARE_DIR and
 * RP2040_BOOTROM are set (firmware-test-env.ts); otherwise one line says
 * what is missing and those tests are skipped. rp2040js runs at 0.1-0.4x
 * real time here; the firmware sleeps between wakes (WFE, the host waits
 * to the next alarm at once), so 130 emulated s take about 2 s of wall time.
 */
import { LUX_SCENARIOS } from './board-scenarios';
import { firmwareFor, i2cLines, ledLines, onNode, xsShowsWhatNodeShows } from './three-ways';
import { firmwareTestEnv } from './firmware-test-env';
import { elfSymbol } from '../../sim/emulator/elf-symbols';

const names = Object.keys(LUX_SCENARIOS);
/** bench:firmware's steady-state event: the LED going off with the running average's window long full. */
const DAWN = 'dawn: the LED comes on at the second light sample and goes off 44 min in, the average\'s window long full';

describe('the lux demo on Node and on XS', () => {
  xsShowsWhatNodeShows(names, 5);

  test('the LED decisions follow the light: on at night at the second sample, off at noon, a sample later when a NACK costs one', () => {
    expect(ledLines(onNode('night: the LED comes on at the second light sample'))).toEqual(['0s LED off', '60s LED on']);
    expect(ledLines(onNode('noon: the LED stays off'))).toEqual(['0s LED off']);
    expect(ledLines(onNode(DAWN))).toEqual(['0s LED off', '60s LED on', '2640s LED off']);
    const faulty = onNode('tsl2591 NACKs from 30 s to 90 s: the light read in between is skipped, the LED comes on a sample later');
    expect(i2cLines(faulty).filter((l) => l.endsWith(' nack'))).toEqual(['60s i2c 0x29 write [b3] nack']);
    expect(ledLines(faulty)).toEqual(['0s LED off', '120s LED on']);
    const hung = onNode('the bus hangs from 50 s to 70 s: the light read in between times out and is skipped, the next one works');
    expect(i2cLines(hung).filter((l) => l.endsWith(' timeout'))).toEqual(['60s i2c 0x29 write [b3] timeout']);
    expect(ledLines(hung)).toEqual(['0s LED off', '120s LED on']);
  });

  test('the TSL2591 NACKing from boot: the demo starts anyway; its driver is tried at start and at each sample until the part answers (120 s), and the LED follows from the first reading after', () => {
    const boot = onNode('the TSL2591 NACKs from boot to 90 s: the demo starts anyway, its light driver is made at the first sample the part answers');
    const light = i2cLines(boot).filter((l) => l.includes(' 0x29 '));
    // The ID check refused at start and at run()'s sample (both at 0 s), at 60 s; it answers at 120 s.
    expect(light.slice(0, 5)).toEqual(['0s i2c 0x29 write [b2] nack', '0s i2c 0x29 write [b2] nack', '60s i2c 0x29 write [b2] nack', '120s i2c 0x29 write [b2] ack', '120s i2c 0x29 read [50] ack']);
    expect(i2cLines(boot).filter((l) => l.includes(' 0x48 ')).length).toBeGreaterThan(0); // the temperature was read all along
    expect(ledLines(boot)).toEqual(['0s LED off', '180s LED on']);
  });
});

const { describe: firmware, boot: onFirmware } = firmwareFor('lux-demo');

/** The night on a build of the lux demo: it boots, reads both sensors over the emulated I2C, and every bus transaction and LED change is Node's. */
async function nightAsOnNode(boot: typeof onFirmware, more?: Parameters<typeof onFirmware>[1]): ReturnType<typeof onFirmware> {
  const name = 'night: the LED comes on at the second light sample';
  const fw = await boot(LUX_SCENARIOS[name], more);
  const node = onNode(name);
  expect(fw.console.some((l) => l.startsWith('lux demo: light every 60 s'))).toBe(true);
  const addresses = new Set(fw.host.bridges.flatMap((b) => b.transactions).map((t) => t.address));
  expect([...addresses].sort()).toEqual([0x29, 0x48]);
  expect(fw.host.bridges.reduce((n, b) => n + b.mismatches, 0)).toBe(0);
  expect(ledLines(fw.lines)).toEqual(ledLines(node));
  expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  return fw;
}

firmware('the lux demo as pico firmware in rp2040js, its I2C bus the simulated board', () => {
  test('night: it boots, reads both sensors over the emulated I2C, and the LED follows the light as on Node and XS', async () => {
    await nightAsOnNode(onFirmware);
  }, 1_200_000);

  test('night on a board up 49.7 days, its 32-bit millisecond count (Time.ticks, Moddable\'s timers, the scheduler\'s clock) wrapping 30 s after reset, between the samples: every transaction and LED change as on Node', async () => {
    const fw = await nightAsOnNode(onFirmware, { timerStartUs: (2 ** 32 - 30_000) * 1000 });
    expect(fw.host.halted).toBeUndefined();
    // The timer (µs) is past 2^32 ms now: the count wrapped during the run.
    const nowMs = fw.host.timerUs / 1000;
    expect(nowMs).toBeGreaterThan(2 ** 32 + 90_000);
    // The samples after the wrap came on time: the light's channels read at 60 s and 120 s of the app's time (the
    // 0 s sample comes before the part's first conversion, as on Node).
    const light = fw.lines.filter((l) => / i2c 0x29 read \[.. .. .. ..\]/.test(l)).map((l) => l.split(' ')[0]);
    expect(light).toEqual(['60s', '120s']);
  }, 300_000);

  test('between samples the core sleeps (WFE until the next timer, manifests/pico-port.json): awake only for the boot and one wake per sample', async () => {
    const fw = await onFirmware(LUX_SCENARIOS['night: the LED comes on at the second light sample']);
    const sampledAt = [...new Set(i2cLines(fw.lines).map((l) => parseInt(l, 10)))];
    expect(sampledAt).toEqual([0, 60, 120]);
    // Moddable's port alone spins in its main loop: 0 % asleep, never a sleep.
    expect(fw.host.sleeps.length).toBe(sampledAt.length); // after the boot's sample and after each sample
    expect(fw.host.waitingNanos / (fw.host.emulatedMs * 1e6)).toBeGreaterThan(0.99);
  }, 1_200_000);

  test('code and read-only data run from flash through the XIP cache: most reads hit, each miss stalls the core 56 cycles (28 QSPI clocks at clk_sys / 2), counted as busy; the XS interpreter\'s loop runs from SRAM', async () => {
    const fw = await onFirmware(LUX_SCENARIOS['night: the LED comes on at the second light sample']);
    // `npm run firmware` links xsRun.c.o into SRAM on an RP2040 (tools/xs-in-sram.ts): fxRunID is not read through the cache.
    const env = firmwareTestEnv('lux-demo', 'pico');
    if (typeof env === 'string') throw new Error(env);
    expect(elfSymbol(env.elf, 'fxRunID')! >>> 28).toBe(0x2);
    const xip = fw.host.xip;
    expect(xip.misses).toBeGreaterThan(1000);
    expect(xip.misses / xip.accesses).toBeLessThan(0.01);
    expect(xip.stallCycles).toBe(xip.misses * 56);
    // The stalls are busy cycles of the wakes they happen in (from one sleep to the next).
    const sleeps = fw.host.sleeps;
    expect(sleeps.length).toBe(3);
    for (let i = 0; i + 1 < sleeps.length; i++) {
      const [from, to] = [sleeps[i].cycles, sleeps[i + 1].cycles];
      const stalled = fw.host.xipStallCycles(from, to);
      expect(stalled).toBeGreaterThan(0.05 * (to - from));
      expect(stalled).toBeLessThan(to - from);
    }
  }, 1_200_000);

  test('dawn: the LED goes off 44 min in, with the average\'s window long full (bench:firmware\'s steady-state event), every transaction and LED change as on Node and XS', async () => {
    const fw = await onFirmware(LUX_SCENARIOS[DAWN]);
    const node = onNode(DAWN);
    expect(ledLines(fw.lines)).toEqual(['0s LED off', '60s LED on', '2640s LED off']);
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
    expect(fw.host.bridges.reduce((n, b) => n + b.mismatches, 0)).toBe(0);
  }, 1_200_000);

  test('a NACK from the simulated TSL2591 reaches the firmware through the emulated bus: that sample is skipped and the next read works, as on Node', async () => {
    const name = 'tsl2591 NACKs from 30 s to 90 s: the light read in between is skipped, the LED comes on a sample later';
    const fw = await onFirmware(LUX_SCENARIOS[name]);
    const node = onNode(name);
    expect(i2cLines(fw.lines).filter((l) => l.endsWith(' nack')).length).toBeGreaterThan(0);
    expect(ledLines(fw.lines)).toEqual(ledLines(node));
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);

  test('a hung bus (a device holding SDA) reaches the firmware: its transfer stalls, the read fails and is skipped, and the next read works (hosts/moddable/pico/i2c-stale-abort.c), as on Node', async () => {
    const name = 'the bus hangs from 50 s to 70 s: the light read in between times out and is skipped, the next one works';
    const fw = await onFirmware(LUX_SCENARIOS[name]);
    const node = onNode(name);
    expect(i2cLines(fw.lines).filter((l) => l.endsWith(' timeout'))).toEqual(['60s i2c 0x29 write [b3] timeout']);
    expect(ledLines(fw.lines)).toEqual(ledLines(node));
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);

  test('a stuck TSL2591 reaches the firmware: the frozen illuminance, read at the gains the driver steps to, is the same bytes as on Node', async () => {
    const name = 'noon, the TSL2591 reading stuck from 30 s: the driver reads a frozen illuminance';
    const fw = await onFirmware(LUX_SCENARIOS[name]);
    const node = onNode(name);
    expect(i2cLines(fw.lines).filter((l) => / i2c 0x29 read \[.. .. .. ..\]/.test(l))).toHaveLength(2);
    expect(ledLines(fw.lines)).toEqual(ledLines(node));
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);

  test('the TSL2591 NACKing from boot: the firmware starts anyway (no "the app failed to start"), makes the driver when the part answers, and the LED follows, as on Node', async () => {
    const name = 'the TSL2591 NACKs from boot to 90 s: the demo starts anyway, its light driver is made at the first sample the part answers';
    const fw = await onFirmware(LUX_SCENARIOS[name]);
    const node = onNode(name);
    expect(fw.console.some((l) => l.includes('failed to start'))).toBe(false);
    expect(fw.console.some((l) => l.startsWith('lux demo: light every 60 s'))).toBe(true);
    expect(ledLines(fw.lines)).toEqual(['0s LED off', '180s LED on']);
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);
});

const { describe: onXiao, boot: onXiaoFirmware } = firmwareFor('lux-demo', 'pico/xiao_rp2040');

onXiao('the lux demo built for another RP2040 board of the SDK, the Seeed XIAO RP2040 (npm run firmware -- pico/xiao_rp2040)', () => {
  test('night: its own device\'s bus (I2C1 on GP6/GP7, not boards.json\'s I2C0) and LED (GP25); every transaction and LED change is what Node shows', async () => {
    const fw = await nightAsOnNode(onXiaoFirmware);
    expect(fw.host.bridges[0].transactions).toHaveLength(0);
    expect(fw.host.bridges[1].transactions.length).toBeGreaterThan(10);
    expect(fw.host.sleeps.length).toBe(3);
  }, 1_200_000);
});

const { describe: fromSource, boot: onFirmwareFromSource } = firmwareFor('app-lux-demo-flow');

fromSource('the lux demo built from its source alone (npm run firmware -- pico examples/lux-demo-flow.ts: tools/app-firmware.ts writes its entry and manifest)', () => {
  test('night: it boots and reads both sensors; every I2C transaction and LED change is what Node shows', async () => {
    const fw = await nightAsOnNode(onFirmwareFromSource);
    expect(ledLines(fw.lines)).toEqual(['0s LED off', '60s LED on']);
    expect(fw.host.sleeps.length).toBe(3); // it sleeps between wakes too (manifests/pico-port.json, through thingflow.json)
  }, 1_200_000);
});
