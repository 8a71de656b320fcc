import { OutputThing } from '../core/output-thing';
import { DEFAULT_PORT, type InputThing } from '../core/input-thing';
import { checkFunction, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';

/** `[predicate, port]`: events for which `predicate` holds go to `port`. */
export type DispatchRule<T> = readonly [(x: T) => boolean, string];

/**
 * Route each event to the port of the first rule whose predicate holds, or to
 * `default` when none does. Completion and errors go to every port.
 *
 * ```ts
 * const d = temps.dispatch([[(e) => e.val > 30, 'hot'], [(e) => e.val < 5, 'cold']]);
 * d.connect(alarm, { portMapping: ['hot', 'default'] });
 * d.connect(log); // everything else
 * ```
 */
export class Dispatcher<T> extends OutputThing<T> implements InputThing<T> {
  readonly disconnectFromUpstream: () => void;
  private readonly rules: readonly DispatchRule<T>[];

  constructor(previous: OutputThing<T>, rules: readonly DispatchRule<T>[]) {
    for (let i = 0; i < rules.length; i++) {
      const [predicate, port] = rules[i];
      checkFunction(predicate, 'dispatch', `rule ${i}'s predicate`);
      if (typeof port !== 'string') throw new TypeError(`dispatch(${String(port)}): rule ${i}'s port must be a string`);
    }
    super(rules.map((r) => r[1]).concat(DEFAULT_PORT));
    this.rules = rules.slice();
    this.disconnectFromUpstream = previous.connect(this);
  }

  onNext(x: T): void {
    // A predicate that throws unwinds to the guard upstream, which ends every port with the error.
    const rules = this.rules;
    let port: string | undefined;
    for (let i = 0; i < rules.length; i++) {
      if (rules[i][0](x)) {
        port = rules[i][1];
        break;
      }
    }
    // Guarded on every port, the default one included: a dispatcher is a branching point, so an
    // error thrown down one port's branch must stop here and not end the other ports' branches.
    this.dispatchNext(x, port);
  }

  onCompleted(): void {
    for (const port of this.ports) this.dispatchCompleted(port);
  }

  onError(e: unknown): void {
    for (const port of this.ports) this.dispatchError(e, port);
  }

  protected override onAbandoned(): void {
    this.disconnectFromUpstream();
  }
}

export function dispatch<T>(rules: readonly DispatchRule<T>[]): Thunk<T, T> {
  return thunk((source: OutputThing<T>) => new Dispatcher(source, rules));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Route each event to the port of the first matching rule, else `default`. */
    dispatch(rules: readonly DispatchRule<T>[]): Dispatcher<T>;
  }
}
addFluentMethod('dispatch', function (this: OutputThing<unknown>, rules: readonly DispatchRule<unknown>[]) {
  return new Dispatcher(this, rules);
});
