import { checkFormat, closedError, pinOption, type IoBoard } from './io-board';

export interface AnalogOptions {
  pin: number;
  resolution?: number;
  format?: 'number';
  target?: unknown;
  [other: string]: unknown;
}

/**
 * ECMA-419 Analog input (`embedded:io/analog`): `read()` returns the pin's
 * level (set with `board.setAnalog(pin, fn)`) as 0..2^resolution-1.
 */
export class SimAnalog {
  static board: IoBoard | undefined;
  target: unknown;
  readonly resolution: number;
  #board: IoBoard | undefined;
  readonly #pin: number;

  constructor(options: AnalogOptions) {
    const board = (new.target as typeof SimAnalog).board;
    if (!board) throw new Error('Analog: use the class bound to a board (device.io.Analog)');
    const pin = pinOption(options, 'pin', 'Analog');
    const resolution = options.resolution ?? 12;
    if (!Number.isInteger(resolution) || resolution < 1 || resolution > 16) throw new RangeError(`Analog: invalid resolution ${String(resolution)}`);
    if (options.format !== undefined) checkFormat(options.format, 'number', 'Analog');
    board.pins.claim(pin, this);
    this.#board = board;
    this.#pin = pin;
    this.resolution = resolution;
    this.target = options.target;
  }

  read(): number {
    const board = this.#open();
    const level = board.analogLevel(this.#pin);
    const max = (1 << this.resolution) - 1;
    return Math.round((level < 0 ? 0 : level > 1 ? 1 : level) * max);
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
    checkFormat(value, 'number', 'Analog');
  }

  #open(): IoBoard {
    if (!this.#board) throw closedError('Analog');
    return this.#board;
  }
}
