import { Filter, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/**
 * A stateful step function (a Mealy machine): `step` returns the output for
 * an input, or `undefined`/`null` for none; `complete` may return one last
 * output when the stream ends.
 */
export interface Transducer<I, O> {
  step(x: I): O | undefined | null;
  complete?(): O | undefined | null;
}

/** Run a transducer over the stream (ThingFlow's `transduce`). */
export class Transduce<I, O> extends Filter<I, O> {
  constructor(previous: OutputThing<I>, private readonly transducer: Transducer<I, O>) {
    if (typeof transducer?.step !== 'function') throw new TypeError(`transduce(${String(transducer)}): the transducer's step must be a function`);
    super(previous);
  }

  override onNext(x: I): void {
    const y = this.transducer.step(x);
    if (y != null) this.out.onNext(y);
  }

  override onCompleted(): void {
    if (this.flush()) this.dispatchCompleted();
  }

  override onError(e: unknown): void {
    if (this.flush()) this.dispatchError(e);
  }

  /** Emit the transducer's final output; false when `complete` itself failed (the stream then ended with that error). */
  private flush(): boolean {
    let y: O | undefined | null;
    try {
      y = this.transducer.complete?.();
    } catch (e) {
      this.failed(e);
      return false;
    }
    if (y !== undefined && y !== null) this.dispatchNext(y); // called while closing, outside onNext: guarded path
    return true;
  }
}

export function transduce<I, O>(transducer: Transducer<I, O>): Thunk<I, O> {
  return thunk((source: OutputThing<I>) => new Transduce(source, transducer));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Run a stateful transducer over the stream. */
    transduce<O>(transducer: Transducer<T, O>): Filter<T, O>;
  }
}
addFluentMethod('transduce', function (this: OutputThing<unknown>, transducer: Transducer<unknown, unknown>) {
  return new Transduce(this, transducer);
});
