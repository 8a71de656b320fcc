import { isFatal } from './errors';
import type { InputThing } from './input-thing';
import { OutputThing } from './output-thing';

/**
 * A thing with one default input and (by default) one default output port:
 * the building block of every transformation. It connects itself to
 * `previous` when constructed. The base implementation passes everything
 * through; subclasses override `onNext`, and `onCompleted`/`onError` when they
 * hold state that must be flushed first.
 *
 * A filter whose `onNext` throws is cut off from upstream and receives the
 * error as `onError`, which it passes downstream (see `OutputThing`).
 */
export class Filter<I, O = I> extends OutputThing<O> implements InputThing<I> {
  /** Undoes the connection to the upstream thing. */
  readonly disconnectFromUpstream: () => void;

  constructor(previous: OutputThing<I>, ports?: readonly string[]) {
    super(ports);
    this.disconnectFromUpstream = previous.connect(this);
  }

  onNext(x: I): void {
    this.out.onNext(x as unknown as O);
  }

  onCompleted(): void {
    this.dispatchCompleted();
  }

  /**
   * This filter's own code failed on an event (a user function threw): cut it
   * off from upstream and end its stream with the error, so the failure stays
   * in this branch. Fatal errors keep unwinding.
   */
  protected failed(e: unknown): void {
    if (isFatal(e)) throw e;
    this.disconnectFromUpstream();
    this.dispatchError(e);
  }

  onError(e: unknown): void {
    this.dispatchError(e);
  }

  protected override onAbandoned(): void {
    this.disconnectFromUpstream();
  }
}

/**
 * Refuse a count that is not a whole number of at least `min` (or `Infinity`, where `infinite`
 * says it means "never"): `take(2.5)` would take three events. A filter checks its options
 * before `super()`, which connects it to its source: refused, it leaves the source as it was.
 * `% 1`, not `Number.isInteger`: a built-in a board would link for this check alone.
 */
export function checkCount(n: number, call: string, what: string, min: number, infinite = false): void {
  if (typeof n === 'number' && n >= min && (n % 1 === 0 || (infinite && n === Infinity))) return;
  throw new RangeError(`${call}(${String(n)}): ${what} must be a whole number >= ${min}${infinite ? ' or Infinity' : ''}`);
}

/**
 * Refuse what a filter would call as a function (a mapping, a predicate, a printer) when it is not
 * one, `undefined` being taken where `optional` says the filter has a default: made with `map(5)`,
 * a filter would otherwise fail at its first event with "this.fn is not a function", long after
 * the flow was built. Checked before `super()`, as counts are.
 */
export function checkFunction(f: unknown, call: string, what: string, optional = false): void {
  if (typeof f === 'function' || (optional && f === void 0)) return;
  throw new TypeError(`${call}(${String(f)}): ${what} must be a function${optional ? ' or undefined' : ''}`);
}

/**
 * A filter step that has not been attached yet: ThingFlow's "thunk". The
 * standalone form of every filter (`map(f)`, `runningAvg(5)`) returns one, so
 * steps can be composed before there is a source: `compose(map(f), take(3))(src)`.
 */
export type Thunk<I, O> = (source: OutputThing<I>) => OutputThing<O>;

/** Something a chain can be continued with: a thunk, an input thing, or a plain callback. */
export type ChainStep<T> = Thunk<T, any> | InputThing<T> | ((x: T) => void);

/** A thunk is a function of arity 1 flagged by `thunk()`; a plain callback is a sink. */
const THUNK = Symbol('thingflow.thunk');

/** Mark `fn` as a thunk so `connectStep` attaches it instead of treating it as a callback sink. */
export function thunk<F extends (source: OutputThing<any>) => OutputThing<any>>(fn: F): F {
  (fn as any)[THUNK] = true;
  return fn;
}

export function isThunk(step: unknown): step is Thunk<any, any> {
  return typeof step === 'function' && (step as any)[THUNK] === true;
}

/**
 * Continue a chain from `prev` with `step`. Returns the new end of the chain,
 * or `undefined` when the step was a terminal input thing or callback.
 */
export function connectStep<T>(prev: OutputThing<T>, step: ChainStep<T>): OutputThing<any> | undefined {
  if (isThunk(step)) return step(prev);
  prev.connect(step as InputThing<T>);
  return step instanceof OutputThing ? step : undefined;
}
