/**
 * A gateway's stand-in for a device's Web Thing, built from the description the device published:
 * reads answer the last values the device reported, a client's property write becomes a `set`
 * request, an action becomes a `request_action` that completes when the device reports it done,
 * and the device's events are replayed as the proxy's own. A read-only `connected` property says
 * whether the device is online (its will sets it false).
 */
import { reportError } from '../core/report-error';
import { Action } from '../wot/action';
import { newActionId } from '../wot/action-id';
import { Event } from '../wot/event';
import { Property, type PropertyMetadata } from '../wot/property';
import { Thing, type InteractionMetadata, type WebThingDescription } from '../wot/thing';
import { Value } from '../wot/value';

/** What the proxy asks of the gateway: publish a request to its device. */
export interface ProxyUplink {
  requestSet(proxy: ProxyThing, name: string, value: unknown): void;
  requestAction(proxy: ProxyThing, name: string, input: unknown, id: string): void;
}

export const CONNECTED_PROPERTY = 'connected';

interface PendingAction { resolve: () => void; reject: (e: Error) => void }

function withoutLinks<T extends { links?: unknown }>(m: T): T {
  const copy = { ...m };
  delete copy.links;
  return copy;
}

export class ProxyThing extends Thing {
  /** Values or events from the device that broke the description's schema. */
  rejectedUpdates = 0;
  private readonly pending = new Map<string, PendingAction>();
  private readonly connectedValue: Value<boolean> | undefined;

  constructor(readonly deviceDescription: WebThingDescription, private readonly uplink: ProxyUplink) {
    super(deviceDescription.id, deviceDescription.title, deviceDescription["@type"], deviceDescription.description);
    const description = deviceDescription;
    const properties = description.properties ?? {};
    for (const name of Object.keys(properties)) {
      const metadata = withoutLinks(properties[name]) as PropertyMetadata;
      this.addProperty(new Property(this, name, new Value<unknown>(null, (v) => uplink.requestSet(this, name, v)), metadata));
    }
    if (properties[CONNECTED_PROPERTY] === undefined) {
      this.connectedValue = new Value(true);
      this.addProperty(new Property(this, CONNECTED_PROPERTY, this.connectedValue, {
        type: 'boolean', readOnly: true, title: 'Connected', description: 'Whether the device is online (set by the gateway)',
      }));
    }
    const actions = description.actions ?? {};
    const proxy = this;
    for (const name of Object.keys(actions)) {
      this.addAvailableAction(name, withoutLinks(actions[name]) as InteractionMetadata, class extends Action<unknown> {
        constructor(thing: Thing, input: unknown) {
          super(newActionId(), thing, name, input);
        }
        override performAction(): Promise<void> {
          return proxy.forward(this);
        }
        override cancel(): void {
          proxy.pending.delete(this.id);
        }
      });
    }
    const events = description.events ?? {};
    for (const name of Object.keys(events)) this.addAvailableEvent(name, withoutLinks(events[name]) as InteractionMetadata);
  }

  get online(): boolean {
    return this.connectedValue === undefined || this.connectedValue.get();
  }

  /** The device's `values` message: `{ name: value, ... }`. */
  applyValues(values: { [name: string]: unknown }): void {
    for (const name of Object.keys(values)) {
      if (name === CONNECTED_PROPERTY && this.connectedValue !== undefined) continue;
      if (this.findProperty(name) === undefined) continue;
      try {
        this.syncProperty(name, values[name]);
      } catch (e) {
        this.rejectedUpdates++;
        reportError(`thingflow gateway: ${this.title}: value of '${name}' refused:`, e);
      }
    }
  }

  /** The device's `actions` message: settle the proxy action that asked for it. */
  applyActionStatus(status: { [name: string]: { status?: string; requestId?: string; error?: string } }): void {
    for (const name of Object.keys(status)) {
      const s = status[name];
      if (s === null || typeof s !== 'object' || typeof s.requestId !== 'string') continue;
      const waiting = this.pending.get(s.requestId);
      if (waiting === undefined) continue;
      if (s.status === 'completed') {
        this.pending.delete(s.requestId);
        waiting.resolve();
      } else if (s.status === 'failed') {
        this.pending.delete(s.requestId);
        waiting.reject(new Error(s.error ?? 'the device reported the action failed'));
      }
    }
  }

  /** The device's `events` message: `{ name: { timestamp, data? } }`. */
  applyEvents(events: { [name: string]: { data?: unknown } }): void {
    for (const name of Object.keys(events)) {
      if (!this.hasAvailableEvent(name)) {
        this.rejectedUpdates++;
        continue;
      }
      const e = events[name];
      this.addEvent(new Event(this, name, e !== null && typeof e === 'object' ? e.data : undefined));
    }
  }

  /** The device went offline (its will) or came back; actions waiting on it fail when it goes. */
  setOnline(online: boolean): void {
    this.connectedValue?.set(online, { withAction: false });
    if (online) return;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(new Error(`${this.title} is offline`));
  }

  private forward(action: Action<unknown>): Promise<void> {
    if (!this.online) return Promise.reject(new Error(`${this.title} is offline`));
    return new Promise<void>((resolve, reject) => {
      this.pending.set(action.id, { resolve, reject });
      this.uplink.requestAction(this, action.name, action.input, action.id);
    });
  }
}
