/**
 * A board app's scenario (board-scenarios.ts) run each of the three ways,
 * returning the board-side lines it prints: on Node (the TypeScript runtime),
 * in a bare XS machine (xsnap, the runtime bundled by esbuild), and as pico
 * firmware booted in rp2040js on a board made the same way (sim/emulator/rp2040-host.ts).
 */
import { join } from 'node:path';
import { BOARD_PINS } from '../../sim/index';
import { runOnXsBundled } from '../xs/xs-scenarios';
import { firmwareTestEnv, type FirmwareTestEnv } from './firmware-test-env';
import { ledLine, scenarioDevice, scenarios, transactionLine, type BoardRuntime, type BoardScenario } from './board-scenarios';
import { Rp2040Host, type Rp2040HostOptions } from '../../sim/emulator/rp2040-host';
import * as board from './xs/board-bundle';

/** The plain pico's LED (its `device` provider's pin.led). */
const PICO_LED = 25;
/** The GPIOs the board's TMP102 ALERT and button reach (manifests' `config.alert`, `config.button` for pico). */
const PICO_ALERT = 6;
const PICO_BUTTON = 15;
/** Emulated time the firmware takes to reach its first I2C transaction: boot, USB enumeration and the 500 ms console wait (measured: 532 ms). */
const BOOT_ALLOWANCE_MS = 1500;

/** The runtime, the simulated board and the apps, as the scenarios take them on Node: the XS bundle's own entry, so both ways get the same names. */
export const nodeRuntime = board as unknown as BoardRuntime;

export const i2cLines = (lines: string[]) => lines.filter((l) => /^\d+s i2c /.test(l));
export const ledLines = (lines: string[]) => lines.filter((l) => /^\d+m?s LED /.test(l));

export function onNode(name: string): string[] {
  const lines: string[] = [];
  try {
    scenarios[name](nodeRuntime, (l) => lines.push(l));
  } catch (e: any) {
    lines.push(`THREW ${e && e.name}: ${e && e.message}`);
  }
  return lines;
}

/** The named scenarios in fresh bare XS machines, one each. */
export function onXs(names: string[]): Record<string, string[]> {
  return runOnXsBundled(join(__dirname, 'xs/board-bundle.ts'), join(__dirname, 'board-scenarios.ts'), names);
}

/** In a `describe`: each named scenario on XS prints exactly what it prints on Node, which shows more than `minI2cLines` I2C transactions. */
export function xsShowsWhatNodeShows(names: string[], minI2cLines: number): void {
  let xs: Record<string, string[]>;
  beforeAll(() => { xs = onXs(names); }, 120_000);

  test.each(names)('%s: XS shows exactly what Node shows', (name) => {
    const node = onNode(name);
    expect(node.some((l) => l.startsWith('THREW'))).toBe(false);
    expect(i2cLines(node).length).toBeGreaterThan(minI2cLines);
    expect(xs[name]).toEqual(node);
  });
}

/**
 * Boot the pico firmware in `env` on a board set up as `s` says; the board-side lines, as the scenario prints them,
 * counted from `startMs` (emulated ms: the app's first I2C transaction, or its first LED write in a button scenario).
 */
export async function onFirmware(env: FirmwareTestEnv, s: BoardScenario, more: Pick<Rp2040HostOptions, 'timerStartUs'> = {}): Promise<{ lines: string[]; console: string[]; host: Rp2040Host; startMs: number }> {
  const device = scenarioDevice(nodeRuntime, s);
  const inputs: { [boardPin: number]: number } = { [BOARD_PINS.alert]: PICO_ALERT };
  if (s.button !== undefined) inputs[BOARD_PINS.button] = PICO_BUTTON;
  const host = new Rp2040Host({
    uf2: env.uf2, bootrom: env.bootrom, board: device.board, inputs,
    boardStartsWithApp: s.button === undefined, ...more,
  });
  let t0: number;
  if (s.button === undefined) {
    // Board time starts when the app does (its first I2C transaction), as on Node where both start at 0.
    // The fault windows are in board time too.
    await host.runUntil(s.seconds * 1000 + BOOT_ALLOWANCE_MS);
    const first = host.bridges.flatMap((b) => b.transactions).sort((a, b) => a.t - b.t);
    t0 = first.length > 0 ? first[0].t : 0;
  } else {
    // An app with no bus traffic starts, for this count, when it first sets its LED; the finger follows from there.
    const ledSet = () => host.gpioChanges.some((g) => g.pin === PICO_LED);
    while (!ledSet() && host.emulatedMs < BOOT_ALLOWANCE_MS * 4) await host.runUntil(host.emulatedMs + 10);
    t0 = host.gpioChanges.find((g) => g.pin === PICO_LED)?.t ?? 0;
    for (const [ms, level] of s.button) {
      await host.runUntil(t0 + ms);
      device.board.pins.drive(BOARD_PINS.button, level);
    }
    await host.runUntil(t0 + s.seconds * 1000);
  }
  const lines: string[] = [];
  for (const tx of host.bridges.flatMap((b) => b.transactions).sort((a, b) => a.t - b.t)) {
    lines.push(transactionLine(tx.t - t0, tx.address, tx.op, tx.bytes, tx.result === 'hang' ? 'timeout' : tx.result));
  }
  for (const g of host.gpioChanges) if (g.pin === PICO_LED) lines.push(ledLine(Math.max(0, g.t - t0), g.level, s.ledUnitMs));
  return { lines, console: host.consoleLines.map((c) => c.line), host, startMs: t0 };
}

/**
 * The firmware half of an app's test: `describe` when `app`'s firmware for `target` (an RP2040 board)
 * and the bootrom are there, else `describe.skip` after one line saying what
 * is missing; `boot` runs one of its scenarios on the firmware.
 */
export function firmwareFor(app: string, target = 'pico'): { describe: jest.Describe; boot: (s: BoardScenario, more?: Parameters<typeof onFirmware>[2]) => ReturnType<typeof onFirmware> } {
  const env = firmwareTestEnv(app, target);
  if (typeof env === 'string') console.log(env);
  return {
    describe: typeof env === 'string' ? describe.skip : describe,
    boot: (s, more) => (typeof env === 'string' ? Promise.reject(new Error(env)) : onFirmware(env, s, more)),
  };
}
