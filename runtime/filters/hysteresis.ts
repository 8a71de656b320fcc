import { Filter, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

export interface HysteresisOptions {
  /** At or below this the state turns `false`. */
  low: number;
  /** At or above this the state turns `true`. */
  high: number;
  /** State before the first crossing (default: decided by the first value against the midpoint). */
  initial?: boolean;
  /** Emit only when the state changes (default: emit the state for every input, like `map(v => v > t)`). */
  onlyChanges?: boolean;
}

/**
 * A threshold with memory: `true` once a value reaches `high`, `false` once it
 * falls to `low`, unchanged in between, so a value hovering around one
 * threshold does not make an LED flicker.
 */
export class Hysteresis extends Filter<number, boolean> {
  private state: boolean | undefined;
  private readonly low: number;
  private readonly high: number;
  private readonly onlyChanges: boolean;

  constructor(previous: OutputThing<number>, opts: HysteresisOptions) {
    if (!(opts.low <= opts.high)) throw new RangeError(`hysteresis: low (${opts.low}) must not exceed high (${opts.high})`);
    super(previous);
    this.low = opts.low;
    this.high = opts.high;
    this.state = opts.initial;
    this.onlyChanges = opts.onlyChanges ?? false;
  }

  override onNext(x: number): void {
    const before = this.state;
    if (x >= this.high) this.state = true;
    else if (x <= this.low) this.state = false;
    else if (this.state === undefined) this.state = x >= (this.low + this.high) / 2;
    if (this.onlyChanges && before === this.state) return;
    this.out.onNext(this.state);
  }
}

export function hysteresis(opts: HysteresisOptions): Thunk<number, boolean> {
  return thunk((source: OutputThing<number>) => new Hysteresis(source, opts));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** `true` at or above `high`, `false` at or below `low`, unchanged in between. */
    hysteresis(this: OutputThing<number>, opts: HysteresisOptions): Filter<number, boolean>;
  }
}
addFluentMethod('hysteresis', function (this: OutputThing<number>, opts: HysteresisOptions) {
  return new Hysteresis(this, opts);
});
