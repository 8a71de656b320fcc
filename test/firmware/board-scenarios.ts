/**
 * The lux demo scenario that runs three ways: on Node, in a bare XS machine
 * (xsnap), and as pico firmware on the emulated RP2040 (lux-demo.firmware.test.ts).
 * Node and XS run the app module itself (examples/lux-demo-flow.ts) on the
 * simulated board and a virtual clock; the firmware runs the same module
 * compiled by mcconfig. Each prints the same engine-independent lines from
 * the board side: every I2C transaction (second, address, direction, bytes)
 * and every LED change (second, level), so the three can be compared line by
 * line. Types-only imports (test/xs/xs-scenarios.ts rules).
 */
import type * as Runtime from '../../runtime/index';
import type * as Sim from '../../sim/index';
import type luxDemoModule from '../../examples/lux-demo-flow';

export type LuxRuntime = typeof Runtime & Pick<typeof Sim, 'createSimDevice' | 'BOARD_PINS'> & { luxDemo: typeof luxDemoModule };
export type Out = (line: string) => void;

/** One scenario: where the day starts, how long to run, which faults to inject. */
export interface LuxScenario {
  startHour: number;
  seconds: number;
  seed: number;
  faults: [string, string][];
}

export const LUX_SCENARIOS: { [name: string]: LuxScenario } = {
  'night: the LED comes on at the second light sample': { startHour: 0, seconds: 130, seed: 7, faults: [] },
  'noon: the LED stays off': { startHour: 12, seconds: 130, seed: 7, faults: [] },
  'tsl2591 NACKs from 30 s to 90 s: the light read in between is skipped': { startHour: 0, seconds: 70, seed: 7, faults: [['tsl2591', 'nack@30s-90s']] },
  'noon, the TSL2591 reading stuck from 30 s: the driver reads a frozen illuminance': { startHour: 12, seconds: 130, seed: 7, faults: [['tsl2591', 'stuck@30s']] },
  'the bus hangs from 50 s to 70 s: the light read in between times out and is skipped': { startHour: 0, seconds: 70, seed: 7, faults: [['bus', 'hang@50s-70s']] },
};

/** The lines the board side shows: I2C transactions and LED changes, by second of board time. */
export function transactionLine(t: number, address: number, op: string, bytes: ArrayLike<number>, result: string): string {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += (i > 0 ? ' ' : '') + (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return `${Math.round(t / 1000)}s i2c 0x${address.toString(16)} ${op} [${hex}] ${result}`;
}

export function ledLine(t: number, level: number): string {
  return `${Math.round(t / 1000)}s LED ${level ? 'on' : 'off'}`;
}

function run(tf: LuxRuntime, out: Out, s: LuxScenario): void {
  const clock = new tf.VirtualClock();
  const device = tf.createSimDevice({ clock, seed: s.seed, parts: 'standard', env: { startHour: s.startHour } });
  for (let i = 0; i < s.faults.length; i++) device.board.fault(s.faults[i][0], s.faults[i][1]);
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
  (tf.luxDemo as unknown as (c: typeof ctx) => unknown)(ctx);
  scheduler.run();
  clock.advance(s.seconds * 1000);
  const led = device.board.led(device.pin.led);
  for (let i = 0; i < led.times.length; i++) out(ledLine(led.times[i], led.values[i]));
}

export const scenarios: { [name: string]: (tf: LuxRuntime, out: Out) => void } = {};
for (const name of Object.keys(LUX_SCENARIOS)) scenarios[name] = (tf, out) => run(tf, out, LUX_SCENARIOS[name]);
