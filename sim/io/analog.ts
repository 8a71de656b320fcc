import { SimPinIo } from './pin-io';

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
export class SimAnalog extends SimPinIo {
  readonly resolution: number;

  constructor(options: AnalogOptions) {
    const resolution = options.resolution ?? 12;
    if (!Number.isInteger(resolution) || resolution < 1 || resolution > 16) throw new RangeError(`Analog: invalid resolution ${String(resolution)}`);
    super(options, 'Analog');
    this.resolution = resolution;
  }

  read(): number {
    const level = this.open().analogLevel(this.pinNumber);
    const max = (1 << this.resolution) - 1;
    return Math.round((level < 0 ? 0 : level > 1 ? 1 : level) * max);
  }
}
