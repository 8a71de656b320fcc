import { isFatal } from './errors';
import { OutputThing } from './output-thing';

/**
 * Emits one value each time the scheduler observes it, then completes
 * (ThingFlow's `IterableAsOutputThing`). Arrays are walked by index, so
 * replaying a recorded trace allocates nothing per event.
 */
export class IterableAsOutputThing<T> extends OutputThing<T> {
  private readonly array: readonly T[] | undefined;
  private readonly iterator: Iterator<T> | undefined;
  private index = 0;

  constructor(values: Iterable<T>) {
    super();
    if (Array.isArray(values)) this.array = values;
    else this.iterator = values[Symbol.iterator]();
  }

  override observe(): void {
    let value: T;
    try {
      if (this.array) {
        if (this.index >= this.array.length) {
          this.dispatchCompleted();
          return;
        }
        value = this.array[this.index++];
      } else {
        const step = this.iterator!.next();
        if (step.done) {
          this.dispatchCompleted();
          return;
        }
        value = step.value;
      }
    } catch (e) {
      if (isFatal(e)) throw e;
      this.dispatchError(e);
      return;
    }
    try {
      this.out.onNext(value);
    } catch (e) {
      this.outFailed(e);
    }
  }
}

/** One value per scheduler sample, then `onCompleted`. */
export function fromIterable<T>(values: Iterable<T>): OutputThing<T> {
  return new IterableAsOutputThing(values);
}
