import { Filter, checkFunction, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

const NO_SEED = Symbol('no seed');

/**
 * Emit the running accumulation `acc = fn(acc, x)` after each event. Without
 * a seed the first event is the first accumulation.
 */
export class ScanFilter<T, A> extends Filter<T, A> {
  protected acc: A | typeof NO_SEED;

  constructor(previous: OutputThing<T>, protected readonly fn: (acc: A, x: T) => A, seed?: A) {
    checkFunction(fn, 'scan', 'fn');
    super(previous);
    this.acc = arguments.length >= 3 ? (seed as A) : NO_SEED;
  }

  override onNext(x: T): void {
    this.acc = this.acc === NO_SEED ? (x as unknown as A) : this.fn(this.acc, x);
    this.out.onNext(this.acc);
  }
}

/**
 * Emit only the final accumulation, when the stream completes (nothing when
 * the stream was empty and there was no seed).
 */
export class ReduceFilter<T, A> extends Filter<T, A> {
  private acc: A | typeof NO_SEED;

  constructor(previous: OutputThing<T>, private readonly fn: (acc: A, x: T) => A, seed?: A) {
    checkFunction(fn, 'reduce', 'fn');
    super(previous);
    this.acc = arguments.length >= 3 ? (seed as A) : NO_SEED;
  }

  override onNext(x: T): void {
    this.acc = this.acc === NO_SEED ? (x as unknown as A) : this.fn(this.acc, x);
  }

  override onCompleted(): void {
    if (this.acc !== NO_SEED) this.dispatchNext(this.acc);
    this.dispatchCompleted();
  }
}

export function scan<T, A>(fn: (acc: A, x: T) => A, ...seed: [A?]): Thunk<T, A> {
  return thunk((source: OutputThing<T>) => new ScanFilter<T, A>(source, fn, ...(seed as [A])));
}
export function reduce<T, A>(fn: (acc: A, x: T) => A, ...seed: [A?]): Thunk<T, A> {
  return thunk((source: OutputThing<T>) => new ReduceFilter<T, A>(source, fn, ...(seed as [A])));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Emit each running accumulation. */
    scan<A>(fn: (acc: A, x: T) => A, seed?: A): Filter<T, A>;
    /** Emit the final accumulation on completion. */
    reduce<A>(fn: (acc: A, x: T) => A, seed?: A): Filter<T, A>;
  }
}
addFluentMethod('scan', function (this: OutputThing<unknown>, ...args: [any, any?]) {
  return new ScanFilter(this, ...args);
});
addFluentMethod('reduce', function (this: OutputThing<unknown>, ...args: [any, any?]) {
  return new ReduceFilter(this, ...args);
});
