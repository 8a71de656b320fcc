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
    super(previous);
  }

  override onNext(x: I): void {
    const y = this.transducer.step(x);
    if (y !== undefined && y !== null) this.dispatchNext(y);
  }

  override onCompleted(): void {
    this.flush();
    this.dispatchCompleted();
  }

  override onError(e: unknown): void {
    this.flush();
    this.dispatchError(e);
  }

  private flush(): void {
    const y = this.transducer.complete?.();
    if (y !== undefined && y !== null) this.dispatchNext(y);
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
