/**
 * The board apps' scenarios that run three ways: on Node, in a bare XS machine
 * (xsnap), and as pico firmware on the emulated RP2040 (lux-demo.firmware.test.ts,
 * door-detector.firmware.test.ts). Node and XS run the app module itself
 * (examples/lux-demo-flow.ts, examples/door-detector-flow.ts) on the
 * simulated board and a virtual clock; the firmware runs the same module
 * compiled by mcconfig, on a board `scenarioDevice` makes the same way. Each
 * prints the same engine-independent lines from the board side: every I2C
 * transaction (second, address, direction, bytes) and every LED change
 * (second, level), so the three can be compared line by line. Types-only
 * imports (test/xs/xs-scenarios.ts rules).
 */
import type * as Runtime from '../../runtime/index';
import type * as Sim from '../../sim/index';
import type * as Door from '../../sim/scenarios/door';
import type luxDemoModule from '../../examples/lux-demo-flow';
import type doorDetectorModule from '../../examples/door-detector-flow';
import type buttonToggleModule from '../../examples/button-toggle';
import type growLightModule from '../../examples/grow-light';

export type BoardRuntime = typeof Runtime & Pick<typeof Sim, 'createSimDevice' | 'BOARD_PINS'> & Pick<typeof Door, 'doorWeek' | 'mountOnDoor'> & {
  luxDemo: typeof luxDemoModule;
  doorDetector: typeof doorDetectorModule;
  buttonToggle: typeof buttonToggleModule;
  growLight: typeof growLightModule;
};
export type Out = (line: string) => void;

/**
 * One scenario: the app, where the day starts (board time 0 is that hour of
 * day 0), how long to run, which faults to inject. The door detector's board
 * is mounted on the door of `seed`'s week (sim/scenarios/door.ts), the week
 * shifted so that its hours line up with the weather's.
 */
export interface BoardScenario {
  app: 'lux-demo' | 'door-detector' | 'button-toggle' | 'grow-light';
  startHour: number;
  seconds: number;
  seed: number;
  faults: [string, string][];
  /** What a finger does to the board's button, by board ms: 0 pressed (to ground), undefined released. */
  button?: [number, 0 | undefined][];
  /** LED lines in these units (default 1000: seconds). */
  ledUnitMs?: number;
}

/** The dawn board's first hour of day (bench:firmware's steady-state event): 45 minutes before sunrise, dark enough for the LED at first. */
export const DAWN_START_HOUR = 5.75;

export const LUX_SCENARIOS: { [name: string]: BoardScenario } = {
  'night: the LED comes on at the second light sample': { app: 'lux-demo', startHour: 0, seconds: 130, seed: 7, faults: [] },
  'dawn: the LED comes on at the second light sample and goes off 44 min in, the average\'s window long full': { app: 'lux-demo', startHour: DAWN_START_HOUR, seconds: 2700, seed: 7, faults: [] },
  'noon: the LED stays off': { app: 'lux-demo', startHour: 12, seconds: 130, seed: 7, faults: [] },
  'tsl2591 NACKs from 30 s to 90 s: the light read in between is skipped, the LED comes on a sample later': { app: 'lux-demo', startHour: 0, seconds: 130, seed: 7, faults: [['tsl2591', 'nack@30s-90s']] },
  'noon, the TSL2591 reading stuck from 30 s: the driver reads a frozen illuminance': { app: 'lux-demo', startHour: 12, seconds: 130, seed: 7, faults: [['tsl2591', 'stuck@30s']] },
  'the bus hangs from 50 s to 70 s: the light read in between times out and is skipped, the next one works': { app: 'lux-demo', startHour: 0, seconds: 130, seed: 7, faults: [['bus', 'hang@50s-70s']] },
  'the TSL2591 NACKs from boot to 90 s: the demo starts anyway, its light driver is made at the first sample the part answers': { app: 'lux-demo', startHour: 0, seconds: 250, seed: 7, faults: [['tsl2591', 'nack@0s-90s']] },
};

/** The lines the board side shows: I2C transactions and LED changes, by second of board time. */
export function transactionLine(t: number, address: number, op: string, bytes: ArrayLike<number>, result: string): string {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += (i > 0 ? ' ' : '') + (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return `${Math.round(t / 1000)}s i2c 0x${address.toString(16)} ${op} [${hex}] ${result}`;
}

export function ledLine(t: number, level: number, unitMs = 1000): string {
  return unitMs === 1000 ? `${Math.round(t / 1000)}s LED ${level ? 'on' : 'off'}` : `${Math.round(t / unitMs) * unitMs}ms LED ${level ? 'on' : 'off'}`;
}

const HOUR_MS = 3_600_000;

export const DOOR_SCENARIOS: { [name: string]: BoardScenario } = {
  'door, seed 1, 14:30 to 16:45: aired 89 minutes from 14:54, the LED on at its 10th open minute and off when it shuts': { app: 'door-detector', startHour: 14.5, seconds: 8100, seed: 1, faults: [] },
  'door, seed 1, 08:00 to 08:30: out by car, open 3 minutes, the LED stays off': { app: 'door-detector', startHour: 8, seconds: 1800, seed: 1, faults: [] },
  'door, seed 1, 14:30 to 15:30, the ADXL345 NACKs from 14:57 to 15:00: three tilt reads are skipped, and the LED comes on three samples later': { app: 'door-detector', startHour: 14.5, seconds: 3600, seed: 1, faults: [['adxl345', 'nack@1620s-1800s']] },
};

/** A press of `ms` with `bounces` chatters of 1 ms each way first, at `at`; the release bounces too. */
function press(at: number, ms: number, bounces: number): [number, 0 | undefined][] {
  const out: [number, 0 | undefined][] = [];
  for (let i = 0; i < bounces; i++) out.push([at + 2 * i, 0], [at + 2 * i + 1, undefined]);
  out.push([at + 2 * bounces, 0]);
  const up = at + ms;
  for (let i = 0; i < bounces; i++) out.push([up + 2 * i, undefined], [up + 2 * i + 1, 0]);
  out.push([up + 2 * bounces, undefined]);
  return out;
}

export const BUTTON_SCENARIOS: { [name: string]: BoardScenario } = {
  'button: three bouncing presses toggle the LED on, off, on': {
    app: 'button-toggle', startHour: 12, seconds: 5, seed: 1, faults: [], ledUnitMs: 10,
    button: [...press(1000, 300, 3), ...press(2000, 300, 3), ...press(3000, 300, 3)],
  },
  'button: a 5 ms tap inside the debounce window still counts, and so does the press after it': {
    app: 'button-toggle', startHour: 12, seconds: 4, seed: 1, faults: [], ledUnitMs: 10,
    button: [...press(1000, 5, 0), ...press(2000, 300, 2)],
  },
};

/** The simulated board of scenario `s`, on `clock` (the emulated Pico's host keeps its own when none is given). */
export function scenarioDevice(tf: BoardRuntime, s: BoardScenario, clock?: Runtime.VirtualClock): Sim.SimDevice {
  const device = tf.createSimDevice({ clock, seed: s.seed, parts: 'standard', env: { startHour: s.startHour } });
  for (let i = 0; i < s.faults.length; i++) device.board.fault(s.faults[i][0], s.faults[i][1]);
  if (s.app === 'door-detector') {
    // The door's week from midnight, moved so that board time 0 is `startHour` on its day 0, as for the weather.
    const shift = s.startHour * HOUR_MS;
    const week = tf.doorWeek(s.seed, 1 + Math.ceil((shift + s.seconds * 1000) / (24 * HOUR_MS)));
    const spans: { from: number; to: number }[] = [...week.openings, ...week.lamp];
    for (let i = 0; i < spans.length; i++) {
      spans[i].from -= shift;
      spans[i].to -= shift;
    }
    tf.mountOnDoor(device.board, week);
  }
  return device;
}

function run(tf: BoardRuntime, out: Out, s: BoardScenario): void {
  const clock = new tf.VirtualClock();
  const device = scenarioDevice(tf, s, clock);
  const bus = device.board.i2c;
  const read = bus.read.bind(bus);
  const write = bus.write.bind(bus);
  bus.read = (address: number, into: Uint8Array, stop: boolean) => {
    try {
      read(address, into, stop);
    } catch (e) {
      out(transactionLine(device.board.now(), address, 'read', [], (e as { code?: string }).code ?? 'error'));
      throw e;
    }
    out(transactionLine(device.board.now(), address, 'read', into, 'ack'));
  };
  bus.write = (address: number, data: Uint8Array, stop: boolean) => {
    let ok: boolean;
    try {
      ok = write(address, data, stop);
    } catch (e) {
      out(transactionLine(device.board.now(), address, 'write', data, (e as { code?: string }).code ?? 'error'));
      throw e;
    }
    out(transactionLine(device.board.now(), address, 'write', data, ok ? 'ack' : 'nack'));
    return ok;
  };
  const scheduler = new tf.Scheduler(clock);
  const noPlot = { track() {}, threshold() {} };
  const ctx = { device, scheduler, clock, board: device.board, plot: noPlot, options: {}, durationMs: s.seconds * 1000, log: (m: string) => out(`log ${m}`) };
  const app = s.app === 'lux-demo' ? tf.luxDemo : s.app === 'door-detector' ? tf.doorDetector : s.app === 'grow-light' ? tf.growLight : tf.buttonToggle;
  (app as unknown as (c: typeof ctx) => unknown)(ctx);
  scheduler.run();
  const button = s.button ?? [];
  for (let i = 0; i < button.length; i++) {
    clock.advance(button[i][0] - clock.elapsed);
    device.board.pins.drive(device.pin.button, button[i][1]);
  }
  clock.advance(s.seconds * 1000 - clock.elapsed);
  const led = device.board.led(device.pin.led);
  for (let i = 0; i < led.times.length; i++) out(ledLine(led.times[i], led.values[i], s.ledUnitMs));
}

/** The grow light (examples/grow-light.ts): the BH1750 on plain I2C every 30 s, the MCP9808 every minute, at dusk. */
export const GROW_SCENARIOS: { [name: string]: BoardScenario } = {
  'grow light, seed 7, 19:00 to 20:45: on when dusk dims the sill, off when the sill cools below 19 °C': { app: 'grow-light', startHour: 19, seconds: 6300, seed: 7, faults: [] },
  'grow light, the MCP9808 NACKs from 20:10 to 20:25: the temperature reads in between are skipped, so the light goes off only at the first read after': { app: 'grow-light', startHour: 19, seconds: 6300, seed: 7, faults: [['mcp9808', 'nack@4200s-5100s']] },
  'grow light, the BH1750 NACKs from 19:10 to 19:20 (plain I2C reads): those light reads are skipped, and the light comes on later': { app: 'grow-light', startHour: 19, seconds: 2400, seed: 7, faults: [['bh1750', 'nack@600s-1200s']] },
};

export const SCENARIOS: { [name: string]: BoardScenario } = { ...LUX_SCENARIOS, ...DOOR_SCENARIOS, ...BUTTON_SCENARIOS, ...GROW_SCENARIOS };
export const scenarios: { [name: string]: (tf: BoardRuntime, out: Out) => void } = {};
for (const name of Object.keys(SCENARIOS)) scenarios[name] = (tf, out) => run(tf, out, SCENARIOS[name]);
