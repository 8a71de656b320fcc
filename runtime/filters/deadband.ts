import { Filter, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/**
 * Report a number only when it moved more than `band` from the last value
 * reported (the first is always reported): a radio that sends only real
 * changes sleeps longer.
 */
export class Deadband extends Filter<number, number> {
  private reported = NaN;

  constructor(previous: OutputThing<number>, private readonly band: number) {
    if (!(band >= 0)) throw new RangeError(`deadband(${band}): band must be >= 0`);
    super(previous);
  }

  override onNext(x: number): void {
    if (this.reported === this.reported && Math.abs(x - this.reported) <= this.band) return; // NaN until the first report
    this.reported = x;
    this.out.onNext(x);
  }
}

export function deadband(band: number): Thunk<number, number> {
  return thunk((source: OutputThing<number>) => new Deadband(source, band));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Pass a number only when it differs from the last one passed by more than `band`. */
    deadband(this: OutputThing<number>, band: number): Filter<number, number>;
  }
}
addFluentMethod('deadband', function (this: OutputThing<number>, band: number) {
  return new Deadband(this, band);
});
