import { VirtualClock } from '../runtime/scheduler/virtual-clock';
import { Environment, type EnvironmentOptions } from './environment';
import { DeviceFaults, parseFault, type FaultSpec } from './faults';
import { I2cBus, type I2cDeviceModel } from './i2c-bus';
import type { IoBoard } from './io/io-board';
import type { PinHistory } from './pin-history';
import { PinBank } from './pins';
import { SeededRandom } from './seeded-random';

/** Named pins of the simulated board (an ESP32 dev board's usual wiring). */
export const BOARD_PINS = Object.freeze({
  led: 2,
  button: 0,
  /** TMP102 ALERT line. */
  alert: 4,
  /** I2C data (SDA) and clock (SCL). */
  sda: 21,
  scl: 22,
  /** An analog input (a potentiometer, a photoresistor). */
  analog: 34,
});

export interface SimBoardOptions {
  clock?: VirtualClock;
  seed?: number;
  env?: EnvironmentOptions;
}

/**
 * The simulated hardware: GPIO pins, one I2C bus, the device models on it and
 * the environment they measure. Time is the virtual clock's.
 *
 * ```ts
 * board.attach(new Tmp102Model(board.env), { address: 0x48 });
 * board.fault('tmp102', 'nack@6h-7h');
 * board.led(BOARD_PINS.led).switchings;
 * ```
 */
export class SimBoard implements IoBoard {
  readonly clock: VirtualClock;
  readonly env: Environment;
  readonly pins: PinBank;
  readonly i2c: I2cBus;
  readonly random: SeededRandom;
  /** Milliseconds spent in blocking delays (a driver's `Timer.delay`). */
  delayedMs = 0;
  private readonly startMs: number;
  private readonly analog = new Map<number, (ms: number) => number>();
  private readonly nowFn = (): number => this.clock.elapsed - this.startMs;

  constructor(opts: SimBoardOptions = {}) {
    this.clock = opts.clock ?? new VirtualClock();
    this.startMs = this.clock.elapsed;
    const seed = opts.seed ?? 1;
    this.random = new SeededRandom(seed);
    this.env = new Environment({ seed, ...opts.env });
    this.pins = new PinBank(this.nowFn);
    this.i2c = new I2cBus(BOARD_PINS.sda, BOARD_PINS.scl, this.nowFn, this.env, this.random, (pin, level) => this.pins.drive(pin, level));
  }

  /** Simulated milliseconds since the board was made. */
  now(): number {
    return this.nowFn();
  }

  busOn(data: number, clock: number): I2cBus | undefined {
    return data === this.i2c.data && clock === this.i2c.clock ? this.i2c : undefined;
  }

  /** Put a device model on the I2C bus (at its usual address unless told). Returns its fault controls. */
  attach(model: I2cDeviceModel, opts: { address?: number } = {}): DeviceFaults {
    return this.i2c.attach(model, opts.address ?? model.defaultAddress);
  }

  /**
   * Inject a fault into a device (by address or part name) or the bus (`'bus'`):
   * `fault(0x48, { kind: 'nack', fromMs: 0, toMs: 60_000 })` or `fault('tmp102', 'stuck@2h+30m')`.
   * A `hang` always affects the whole bus. Returns the faults it was added to.
   */
  fault(target: number | string, spec: FaultSpec | string): DeviceFaults {
    const s = typeof spec === 'string' ? parseFault(`${String(target)}:${spec}`).spec : spec;
    if (s.kind === 'hang' || target === 'bus') {
      if (s.kind !== 'hang') throw new RangeError(`the bus itself can only hang; give a device for '${s.kind}'`);
      this.i2c.faults.add(s);
      return this.i2c.faults;
    }
    const key = typeof target === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(target) ? Number(target) : target;
    const faults = this.i2c.faultsOf(key);
    if (!faults) {
      const known = this.i2c.entries().map((e) => `${e.model.name} (0x${e.address.toString(16)})`).join(', ') || 'none';
      throw new RangeError(`no device '${String(target)}' on the bus to inject a fault into; attached: ${known}`);
    }
    faults.add(s);
    return faults;
  }

  /** The recorded level history of an output pin (an LED). */
  led(pin: number): PinHistory {
    return this.pins.history(pin);
  }

  /** Give an analog pin a level (0..1 of the reference) as a function of simulated time. */
  setAnalog(pin: number, level: (ms: number) => number): void {
    this.analog.set(pin, level);
  }

  analogLevel(pin: number): number {
    const f = this.analog.get(pin);
    return f ? f(this.now()) : 0;
  }

  /** A blocking wait on the board (Moddable's `Timer.delay`): simulated time moves on. */
  delay(ms: number): void {
    if (!(ms > 0)) return;
    this.delayedMs += ms;
    this.clock.advance(ms);
  }
}
