import type { PinListener } from '../pins';
import { SimPinIo } from './pin-io';

export interface DigitalOptions {
  pin: number;
  mode: number;
  edge?: number;
  onReadable?: (this: SimDigital) => void;
  format?: 'number';
  target?: unknown;
  [other: string]: unknown;
}

/**
 * ECMA-419 Digital IO on a simulated pin (`embedded:io/digital`). Inputs read
 * the level driven from outside (`board.pins.drive`) or their pull resistor;
 * outputs record each level they write, which is how LEDs are observed. With
 * `edge` and `onReadable`, a matching level change calls `onReadable` with
 * `this` the instance. Any call after `close()` throws; `close()` twice does not.
 *
 * Use the class bound to a board: `new device.io.Digital({ pin, mode })`.
 */
export class SimDigital extends SimPinIo implements PinListener {
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly InputPullDown = 2;
  static readonly InputPullUpDown = 3;
  static readonly Output = 8;
  static readonly OutputOpenDrain = 9;
  static readonly Rising = 1;
  static readonly Falling = 2;
  readonly #mode: number;
  readonly #edge: number;
  readonly #onReadable: ((this: SimDigital) => void) | undefined;

  constructor(options: DigitalOptions) {
    const mode = options.mode;
    const isInput = mode === SimDigital.Input || mode === SimDigital.InputPullUp || mode === SimDigital.InputPullDown || mode === SimDigital.InputPullUpDown;
    const isOutput = mode === SimDigital.Output || mode === SimDigital.OutputOpenDrain;
    if (!isInput && !isOutput) throw new RangeError(`Digital: invalid mode ${String(mode)}`);
    // `edge` matters only with `onReadable` (and is ignored otherwise), which only inputs can have.
    const edge = options.onReadable ? options.edge ?? 0 : 0;
    if (options.onReadable !== undefined && typeof options.onReadable !== 'function') throw new TypeError('Digital: onReadable must be a function');
    if (options.onReadable && !isInput) throw new RangeError('Digital: onReadable needs an input mode');
    if (options.onReadable && !edge) throw new RangeError('Digital: onReadable requires edge');
    if ((edge & ~3) !== 0) throw new RangeError(`Digital: invalid edge ${String(edge)}`);
    super(options, 'Digital');
    this.#mode = mode;
    this.#edge = edge;
    this.#onReadable = options.onReadable;
    if (isInput) {
      const pull = mode === SimDigital.InputPullUp ? 1 : mode === SimDigital.InputPullDown ? 0 : undefined;
      this.open().pins.configureInput(this.pinNumber, pull, this);
    }
  }

  read(): 0 | 1 {
    return this.open().pins.level(this.pinNumber);
  }

  write(value: number): void {
    const board = this.open();
    if (this.#mode !== SimDigital.Output && this.#mode !== SimDigital.OutputOpenDrain) {
      throw new Error(`Digital: pin ${this.pinNumber} is an input; write needs an output mode`);
    }
    board.pins.setOutput(this.pinNumber, value ? 1 : 0);
  }

  /** @internal called by the pin bank on a level change */
  levelChanged(level: 0 | 1, previous: 0 | 1): void {
    if (!this.isOpen || !this.#onReadable) return;
    const rising = previous === 0 && level === 1;
    if ((rising && this.#edge & SimDigital.Rising) || (!rising && this.#edge & SimDigital.Falling)) this.#onReadable.call(this);
  }
}
