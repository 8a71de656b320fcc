import { checkFormat, closedError, pinOption, type IoBoard } from './io-board';

export interface PWMOptions {
  pin: number;
  hz?: number;
  resolution?: number;
  format?: 'number';
  target?: unknown;
  [other: string]: unknown;
}

/**
 * ECMA-419 PWM output (`embedded:io/pwm`). `write(value)` takes 0..2^resolution-1;
 * the pin's recorded history holds the duty cycle as a fraction (a dimmed LED).
 */
export class SimPWM {
  static board: IoBoard | undefined;
  target: unknown;
  readonly hz: number;
  readonly resolution: number;
  #board: IoBoard | undefined;
  readonly #pin: number;

  constructor(options: PWMOptions) {
    const board = (new.target as typeof SimPWM).board;
    if (!board) throw new Error('PWM: use the class bound to a board (device.io.PWM)');
    const pin = pinOption(options, 'pin', 'PWM');
    const hz = options.hz ?? 1000;
    const resolution = options.resolution ?? 10;
    if (!(hz > 0)) throw new RangeError(`PWM: invalid hz ${String(hz)}`);
    if (!Number.isInteger(resolution) || resolution < 1 || resolution > 16) throw new RangeError(`PWM: invalid resolution ${String(resolution)}`);
    if (options.format !== undefined) checkFormat(options.format, 'number', 'PWM');
    board.pins.claim(pin, this);
    this.#board = board;
    this.#pin = pin;
    this.hz = hz;
    this.resolution = resolution;
    this.target = options.target;
  }

  write(value: number): void {
    const board = this.#open();
    const max = (1 << this.resolution) - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`PWM: value ${String(value)} outside 0..${max}`);
    board.pins.setOutput(this.#pin, value / max);
  }

  close(): void {
    if (!this.#board) return;
    this.#board.pins.release(this.#pin, this);
    this.#board = undefined;
  }

  get format(): 'number' {
    this.#open();
    return 'number';
  }

  set format(value: 'number') {
    this.#open();
    checkFormat(value, 'number', 'PWM');
  }

  #open(): IoBoard {
    if (!this.#board) throw closedError('PWM');
    return this.#board;
  }
}
