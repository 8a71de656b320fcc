import { Filter, checkCount, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/**
 * Emit events in arrays of `count`. What is left when the stream ends (by
 * completion or error) is emitted first, unless it is empty. One array is
 * allocated per batch, since the receiver keeps it.
 */
export class BufferWithCount<T> extends Filter<T, T[]> {
  private batch: T[] = [];

  constructor(previous: OutputThing<T>, private readonly count: number) {
    checkCount(count, 'bufferWithCount', 'count', 1);
    super(previous);
  }

  override onNext(x: T): void {
    this.batch.push(x);
    if (this.batch.length === this.count) this.flush();
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
    if (this.batch.length === 0) return;
    const full = this.batch;
    this.batch = [];
    this.dispatchNext(full);
  }
}

export function bufferWithCount(count: number) {
  return thunk(<T>(source: OutputThing<T>) => new BufferWithCount(source, count));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Emit arrays of `count` events (the remainder when the stream ends). */
    bufferWithCount(count: number): Filter<T, T[]>;
  }
}
addFluentMethod('bufferWithCount', function (this: OutputThing<unknown>, count: number) {
  return new BufferWithCount(this, count);
});
