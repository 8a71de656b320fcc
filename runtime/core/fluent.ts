import { OutputThing } from './output-thing';

/**
 * Install a fluent method on every output thing (ThingFlow's `@filtermethod`).
 * Each filter module calls this for its own name, so an app that imports only
 * `map` and `runningAvg` carries only those two filters.
 */
export function addFluentMethod(name: string, method: (this: OutputThing<any>, ...args: any[]) => unknown): void {
  Object.defineProperty(OutputThing.prototype, name, { value: method, writable: true, configurable: true });
}
