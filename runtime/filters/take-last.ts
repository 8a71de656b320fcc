import { Filter, checkCount, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/** Keep the last `count` events in a ring and emit them, oldest first, when the stream completes. */
export class TakeLastFilter<T> extends Filter<T, T> {
  private readonly ring: T[];
  private next = 0;
  private size = 0;

  constructor(previous: OutputThing<T>, private readonly count: number) {
    checkCount(count, 'takeLast', 'count', 0);
    super(previous);
    this.ring = new Array<T>(count);
  }

  override onNext(x: T): void {
    if (this.count === 0) return;
    this.ring[this.next] = x;
    this.next = (this.next + 1) % this.count;
    if (this.size < this.count) this.size++;
  }

  override onCompleted(): void {
    const start = (this.next - this.size + this.count) % Math.max(this.count, 1);
    for (let i = 0; i < this.size; i++) this.dispatchNext(this.ring[(start + i) % this.count]);
    this.dispatchCompleted();
  }
}

/** Emit the last event (or `defaultValue`, if given, for an empty stream) on completion. */
export class LastFilter<T> extends Filter<T, T> {
  private seen: boolean;
  private value: T | undefined;

  constructor(previous: OutputThing<T>, ...defaultValue: [T?]) {
    super(previous);
    this.seen = defaultValue.length > 0;
    this.value = defaultValue[0];
  }

  override onNext(x: T): void {
    this.seen = true;
    this.value = x;
  }

  override onCompleted(): void {
    if (this.seen) this.dispatchNext(this.value as T);
    this.dispatchCompleted();
  }
}

export function takeLast(count: number) {
  return thunk(<T>(source: OutputThing<T>) => new TakeLastFilter(source, count));
}
export function last<D = never>(...defaultValue: [D?]) {
  return thunk(<T>(source: OutputThing<T | D>) => new LastFilter<T | D>(source, ...defaultValue));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Emit the last `count` events when the stream completes. */
    takeLast(count: number): Filter<T, T>;
    /** Emit the last event (or `defaultValue` for an empty stream) when the stream completes. */
    last(defaultValue?: T): Filter<T, T>;
  }
}
addFluentMethod('takeLast', function (this: OutputThing<unknown>, count: number) {
  return new TakeLastFilter(this, count);
});
addFluentMethod('last', function (this: OutputThing<unknown>, ...defaultValue: [unknown?]) {
  return new LastFilter(this, ...defaultValue);
});
