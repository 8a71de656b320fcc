import { OutputThing } from './output-thing';

/**
 * Install a fluent method on every output thing (ThingFlow's `@filtermethod`).
 * Each filter module calls this for its own name, so an app that imports only
 * `map` and `runningAvg` carries only those two filters.
 */
export function addFluentMethod(name: string, method: (this: OutputThing<any>, ...args: any[]) => unknown): void {
  if (!Object.isExtensible(OutputThing.prototype) && !Object.prototype.hasOwnProperty.call(OutputThing.prototype, name)) {
    // A Moddable preload froze the prototype: the module that adds this method was evaluated after it, at run time.
    throw new Error(`thingflow: cannot add .${name}() to OutputThing at run time: its prototype is frozen (preloaded); preload the module that defines ${name} (the app's generated modules.json preloads the runtime's)`);
  }
  Object.defineProperty(OutputThing.prototype, name, { value: method, writable: true, configurable: true });
}
