import { checkFormat, closedError, pinOption, type IoBoard } from './io-board';

/**
 * What every ECMA-419 IO class on one simulated pin shares (Digital, PWM, Analog): it is made from
 * the class a board binds (`device.io.Digital`), takes its pin at construction (one instance a pin,
 * ECMA-419 "in use") and gives it back at `close()`; a closed instance throws on every call, and
 * `close()` twice does not; `format` is `'number'`. A subclass checks its own options before
 * `super()`, so a refused one takes no pin.
 */
export class SimPinIo {
  /** Set on the class a board binds; a bare class has no board. */
  static board: IoBoard | undefined;

  target: unknown;
  #board: IoBoard | undefined;
  /** The pin this instance holds. */
  protected readonly pinNumber: number;
  readonly #className: string;

  constructor(options: { pin?: unknown; format?: unknown; target?: unknown }, className: string) {
    const board = (new.target as typeof SimPinIo).board;
    if (!board) throw new Error(`${className}: use the class bound to a board (device.io.${className})`);
    const pin = pinOption(options, 'pin', className);
    if (options.format !== undefined) checkFormat(options.format, 'number', className);
    board.pins.claim(pin, this);
    this.#board = board;
    this.pinNumber = pin;
    this.#className = className;
    this.target = options.target;
  }

  close(): void {
    if (!this.#board) return;
    this.#board.pins.release(this.pinNumber, this);
    this.#board = undefined;
  }

  get format(): 'number' {
    this.open();
    return 'number';
  }

  set format(value: 'number') {
    this.open();
    checkFormat(value, 'number', this.#className);
  }

  /** The board, or the ECMA-419 error for a closed instance. */
  protected open(): IoBoard {
    if (!this.#board) throw closedError(this.#className);
    return this.#board;
  }

  /** Whether `close()` has not been called: callbacks from the board stop at close. */
  protected get isOpen(): boolean {
    return this.#board !== undefined;
  }
}
