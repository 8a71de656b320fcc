import { isFatal } from '../core/errors';
import type { InputThing } from '../core/input-thing';
import { reportError } from '../core/report-error';

/** The slice of ECMA-419's `embedded:io/digital` an output needs. */
export interface DigitalIo {
  write(value: number): void;
  close(): void;
}

/** The Digital class (`device.io.Digital`), with its `Output` mode constant. */
export interface DigitalClass {
  new (options: any): DigitalIo;
  readonly Output: unknown;
}

export interface DigitalOutputOptions {
  io: DigitalClass;
  pin: number;
  /** Drive the pin low for "on" (an LED wired to the supply). */
  invert?: boolean;
  /** Level to leave on `onCompleted`/`onError` (default 0: off). */
  finalValue?: 0 | 1;
}

/**
 * An input thing that drives a GPIO pin (an LED, a relay): truthy events turn
 * it on, falsy ones off. A `SensorEvent` is judged by its `val`. The pin is
 * written only when the level changes. On `onCompleted` or `onError` the pin
 * goes to `finalValue` and is released; an error is also reported.
 *
 * ```ts
 * lux.map((e) => e.val < 100).connect(new DigitalOutput({ io: device.io.Digital, pin: device.pin.led }));
 * ```
 */
export class DigitalOutput<T = unknown> implements InputThing<T> {
  /** Level changes written to the pin. */
  switchings = 0;
  #io: DigitalIo | undefined;
  #level = -1;
  readonly #invert: boolean;
  readonly #finalValue: 0 | 1;

  constructor(options: DigitalOutputOptions) {
    this.#io = new options.io({ pin: options.pin, mode: options.io.Output });
    this.#invert = options.invert === true;
    this.#finalValue = options.finalValue ?? 0;
    this.#set(0);
    this.switchings = 0;
  }

  /** Current logical level (before inversion): 1 on, 0 off. */
  get value(): number {
    return this.#level;
  }

  onNext(x: T): void {
    // A boolean, the usual input, is its level as it is: `typeof` makes a string and compares it (~1,500
    // cycles on a board), so only anything else is asked whether it is an event carrying `val`.
    const v: unknown = x === true || x === false || x === null || typeof x !== 'object' || !('val' in (x as object)) ? x : (x as unknown as { val: unknown }).val;
    // `#set` inline: this runs for every event of a flow and mostly finds the level unchanged.
    const level = v ? 1 : 0;
    if (level === this.#level) return;
    const io = this.#io;
    if (!io) return;
    io.write(this.#invert ? 1 - level : level);
    this.#level = level;
    this.switchings++;
  }

  onCompleted(): void {
    this.#finish();
  }

  onError(e: unknown): void {
    if (isFatal(e)) throw e;
    reportError('thingflow: DigitalOutput received onError; output set to its final value', e);
    this.#finish();
  }

  #set(level: 0 | 1): void {
    if (level === this.#level || !this.#io) return;
    this.#io.write(this.#invert ? 1 - level : level);
    this.#level = level;
    this.switchings++;
  }

  #finish(): void {
    if (!this.#io) return;
    this.#set(this.#finalValue);
    this.#io.close();
    this.#io = undefined;
  }
}
