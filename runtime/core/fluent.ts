import { OutputThing } from './output-thing';

/**
 * Install a fluent method on every output thing (ThingFlow's `@filtermethod`).
 * Each filter module calls this for its own name, so an app that imports only
 * `map` and `runningAvg` carries only those two filters.
 */
export function addFluentMethod(name: string, method: (this: OutputThing<any>, ...args: any[]) => unknown): void {
  try {
    Object.defineProperty(OutputThing.prototype, name, { value: method, writable: true, configurable: true });
  } catch {
    // A Moddable preload froze the prototype: the module that adds this method was evaluated after it, at run time.
    // (Caught, not tested first with isExtensible and hasOwnProperty: built-ins every board app would link for this.)
    throw new Error(`thingflow: cannot add .${name}() to OutputThing at run time: its prototype is frozen (preloaded); preload the module that defines ${name} (the app's generated modules.json preloads the runtime's)`);
  }
}
