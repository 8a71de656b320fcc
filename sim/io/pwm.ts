import { SimPinIo } from './pin-io';

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
export class SimPWM extends SimPinIo {
  readonly hz: number;
  readonly resolution: number;

  constructor(options: PWMOptions) {
    const hz = options.hz ?? 1000;
    const resolution = options.resolution ?? 10;
    if (!(hz > 0)) throw new RangeError(`PWM: invalid hz ${String(hz)}`);
    if (!Number.isInteger(resolution) || resolution < 1 || resolution > 16) throw new RangeError(`PWM: invalid resolution ${String(resolution)}`);
    super(options, 'PWM');
    this.hz = hz;
    this.resolution = resolution;
  }

  write(value: number): void {
    const board = this.open();
    const max = (1 << this.resolution) - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`PWM: value ${String(value)} outside 0..${max}`);
    board.pins.setOutput(this.pinNumber, value / max);
  }
}
