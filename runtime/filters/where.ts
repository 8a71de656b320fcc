import { Filter, checkFunction, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/** Pass only the events for which `predicate` is true. */
export class WhereFilter<T> extends Filter<T, T> {
  constructor(previous: OutputThing<T>, private readonly predicate: (x: T) => boolean) {
    checkFunction(predicate, 'where', 'predicate');
    super(previous);
  }

  override onNext(x: T): void {
    if (this.predicate(x)) this.out.onNext(x);
  }
}

export function where<T>(predicate: (x: T) => boolean): Thunk<T, T> {
  return thunk((source: OutputThing<T>) => new WhereFilter(source, predicate));
}
export { where as filter };

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Pass only the events for which `predicate` is true. */
    where(predicate: (x: T) => boolean): Filter<T, T>;
    /** Alias of `where`. */
    filter(predicate: (x: T) => boolean): Filter<T, T>;
  }
}
function fluentWhere<T>(this: OutputThing<T>, predicate: (x: T) => boolean) {
  return new WhereFilter(this, predicate);
}
addFluentMethod('where', fluentWhere);
addFluentMethod('filter', fluentWhere);
