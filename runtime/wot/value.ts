import { sameJsonValue } from './same-json-value';

/**
 * An observable, settable value: the link between a Thing's property and the
 * real device (webthing-python's `Value`, with ThingTalk's `sync`).
 *
 * - `set(v)` is a write from a client: it calls the forwarder (which drives the
 *   hardware) and then records the value and emits `'update'`.
 * - `set(v, { withAction: false })` is a sync from elsewhere (the cloud, an MQTT
 *   broker): the forwarder is NOT called, and `'sync'` is emitted instead.
 * - `notifyOfExternalUpdate(v)` is the device reporting a new reading.
 *
 * As in webthing-python, `null`/`undefined` and unchanged values (compared by
 * content, as Python's `==` does) emit nothing.
 *
 * ```ts
 * const on = new Value(true, (v) => led.write(v ? 1 : 0));
 * on.on('update', (v) => trace(`on is now ${v}\n`));
 * ```
 */
export type ValueListener<T> = (value: T) => void;
export type ValueEventName = 'update' | 'sync';

export interface SetOptions {
  /** false: a sync from elsewhere; the device action (forwarder, propertyAction) does not run. Default true. */
  withAction?: boolean;
}

export class Value<T = unknown> {
  private lastValue: T;
  private readonly forwarder: ((value: T) => void) | undefined;
  private updateListeners: ValueListener<T>[] = [];
  private syncListeners: ValueListener<T>[] = [];

  constructor(initialValue: T, valueForwarder?: (value: T) => void) {
    this.lastValue = initialValue;
    this.forwarder = valueForwarder;
  }

  /** The last known value. */
  get(): T {
    return this.lastValue;
  }

  /** A new value requested by a client (or, with `withAction: false`, synced from elsewhere). */
  set(value: T, opts?: SetOptions): void {
    const withAction = opts?.withAction !== false;
    if (withAction && this.forwarder !== undefined) this.forwarder(value);
    this.notifyOfExternalUpdate(value, withAction);
  }

  /** The device has a new value: record it and tell the observers. */
  notifyOfExternalUpdate(value: T, withAction = true): void {
    if (value === null || value === undefined || sameJsonValue(value, this.lastValue)) return;
    this.lastValue = value;
    const list = withAction ? this.updateListeners : this.syncListeners;
    for (let i = 0; i < list.length; i++) list[i](value);
  }

  /** Observe `'update'` (writes and device readings) or `'sync'` (values synced with `withAction: false`). */
  on(event: ValueEventName, fn: ValueListener<T>): this {
    if (event === 'update') this.updateListeners = this.updateListeners.concat([fn]);
    else if (event === 'sync') this.syncListeners = this.syncListeners.concat([fn]);
    else throw new TypeError(`Value has no event '${String(event)}' (use 'update' or 'sync')`);
    return this;
  }

  /** Stop observing. */
  off(event: ValueEventName, fn: ValueListener<T>): this {
    if (event === 'update') this.updateListeners = this.updateListeners.filter((f) => f !== fn);
    else if (event === 'sync') this.syncListeners = this.syncListeners.filter((f) => f !== fn);
    return this;
  }
}
