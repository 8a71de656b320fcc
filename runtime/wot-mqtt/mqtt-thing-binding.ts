/**
 * A Web Thing on the device, reachable over MQTT (see topics.ts for the layout): its description and
 * values are published retained, its action statuses and events as they happen, and it takes property
 * writes (`set`) and action requests (`request_action`) from a gateway.
 *
 * ```ts
 * const client = new MqttClient({ host, will: thingWill(thing.id) });
 * const binding = new MqttThingBinding(thing, client);
 * client.connect();
 * ```
 * A request the thing refuses (unknown name, a value outside the schema, malformed JSON) is answered
 * on `things/{id}/error` with a short message, once per request, and changes nothing.
 */
import { reportError } from '../core/report-error';
import type { MqttClient } from '../mqtt/client/mqtt-client';
import { readUtf8 } from '../mqtt/codec/utf8';
import type { Action } from '../wot/action';
import { queueAction } from '../wot/action-queue';
import type { Event } from '../wot/event';
import type { Property } from '../wot/property';
import type { Thing, ThingSubscriber } from '../wot/thing';
import { DEFAULT_THINGS_PREFIX, thingTopics, type ThingTopics } from './topics';

export interface MqttThingBindingOptions {
  /** Topic prefix; default `things`. */
  prefix?: string;
  /** QoS of the values, action and event messages; default 1 (the description and availability are always QoS 1). */
  qos?: 0 | 1;
}

/** Action request ids remembered until their action finishes. */
const MAX_PENDING_REQUEST_IDS = 64;

/** How much of a refused request an error message quotes. */
const EXCERPT_CHARS = 80;

function excerpt(text: string): string {
  return text.length <= EXCERPT_CHARS ? text : text.slice(0, EXCERPT_CHARS) + '…';
}

function isPlainObject(x: unknown): x is { [k: string]: unknown } {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

export class MqttThingBinding implements ThingSubscriber {
  readonly topics: ThingTopics;
  /** Requests refused (answered on the error topic). */
  refused = 0;
  private readonly qos: 0 | 1;
  private readonly requestIds = new Map<Action<any>, string>();
  /** The thing's event names, subscribed to at construction and let go at close. */
  private readonly eventNames: string[];
  private closed = false;
  private readonly onConnect = (): void => this.publishState();
  private readonly onMessage = (topic: string, payload: Uint8Array): void => {
    if (topic === this.topics.set) this.applySet(payload);
    else if (topic === this.topics.requestAction) this.applyRequestAction(payload);
  };

  constructor(readonly thing: Thing, readonly client: MqttClient, opts: MqttThingBindingOptions = {}) {
    this.topics = thingTopics(thing.id, opts.prefix ?? DEFAULT_THINGS_PREFIX);
    this.qos = opts.qos ?? 1;
    thing.addSubscriber(this);
    this.eventNames = Object.keys(thing.asThingDescription().events);
    for (const name of this.eventNames) thing.addEventSubscriber(name, this);
    client.on('connect', this.onConnect);
    client.on('message', this.onMessage);
    client.subscribe(this.topics.set, { qos: 1 });
    client.subscribe(this.topics.requestAction, { qos: 1 });
    if (client.state === 'connected') this.publishState();
  }

  /** Stop: say offline (retained), unsubscribe and stop listening to the thing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.thing.removeSubscriber(this);
    for (const name of this.eventNames) this.thing.removeEventSubscriber(name, this);
    this.client.off('connect', this.onConnect);
    this.client.off('message', this.onMessage);
    this.client.unsubscribe(this.topics.set);
    this.client.unsubscribe(this.topics.requestAction);
    this.client.publish(this.topics.availability, 'offline', { qos: 1, retain: true });
  }

  updateProperty(property: Property<any>): void {
    void property;
    this.publishValues();
  }

  updateAction(action: Action<any>): void {
    const d = action.asActionDescription();
    const requestId = this.requestIds.get(action);
    if (requestId !== undefined) {
      (d[action.name] as { requestId?: string }).requestId = requestId;
      if (action.status === 'completed' || action.status === 'failed') this.requestIds.delete(action);
    }
    this.client.publish(this.topics.actions, JSON.stringify(d), { qos: this.qos });
  }

  updateEvent(event: Event<any>): void {
    this.client.publish(this.topics.events, JSON.stringify(event.asEventDescription()), { qos: this.qos });
  }

  private publishState(): void {
    this.client.publish(this.topics.availability, 'online', { qos: 1, retain: true });
    this.client.publish(this.topics.td, JSON.stringify(this.thing.asThingDescription()), { qos: 1, retain: true });
    this.publishValues();
  }

  private publishValues(): void {
    this.client.publish(this.topics.values, JSON.stringify(this.thing.getProperties()), { qos: this.qos, retain: true });
  }

  private parse(payload: Uint8Array, topic: string): { [k: string]: unknown } | undefined {
    const text = readUtf8(payload, 0, payload.length);
    if (text === undefined) {
      this.refuse(topic, 'payload is not UTF-8', '');
      return undefined;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      this.refuse(topic, 'payload is not JSON', text);
      return undefined;
    }
    if (!isPlainObject(body)) {
      this.refuse(topic, 'payload must be a JSON object', text);
      return undefined;
    }
    return body;
  }

  /** `{ name: value, ... }`: every name must be a writable property and every value valid, or nothing changes. */
  private applySet(payload: Uint8Array): void {
    const body = this.parse(payload, this.topics.set);
    if (body === undefined) return;
    const names = Object.keys(body);
    for (const name of names) {
      const p = this.thing.findProperty(name);
      if (p === undefined) return this.refuse(this.topics.set, `no property '${name}' on ${this.thing.title}`, name);
      try {
        p.validateValue(body[name]);
      } catch (e) {
        return this.refuse(this.topics.set, e instanceof Error ? e.message : String(e), name);
      }
    }
    for (const name of names) {
      try {
        this.thing.setProperty(name, body[name]);
      } catch (e) {
        this.refuse(this.topics.set, e instanceof Error ? e.message : String(e), name);
      }
    }
  }

  /** `{ name: { input?, id? } }`, one or more actions. */
  private applyRequestAction(payload: Uint8Array): void {
    const body = this.parse(payload, this.topics.requestAction);
    if (body === undefined) return;
    for (const name of Object.keys(body)) {
      const request = body[name];
      const input = isPlainObject(request) ? request.input : undefined;
      const id = isPlainObject(request) && typeof request.id === 'string' ? request.id : undefined;
      const wrong = this.thing.checkActionRequest(name, input);
      if (wrong !== null) {
        this.refuse(this.topics.requestAction, wrong, name);
        continue;
      }
      const action = this.thing.performAction(name, input)!;
      if (id !== undefined) {
        // Bounded: an action that never finishes must not keep its request id for ever.
        if (this.requestIds.size >= MAX_PENDING_REQUEST_IDS) this.requestIds.delete(this.requestIds.keys().next().value!);
        this.requestIds.set(action, id);
      }
      queueAction(() => action.start());
    }
  }

  private refuse(topic: string, message: string, request: string): void {
    this.refused++;
    const body: { status: string; message: string; topic: string; request?: string } = { status: '400 Bad Request', message, topic };
    if (request !== '') body.request = excerpt(request);
    this.client.publish(this.topics.error, JSON.stringify(body), { qos: this.qos });
    reportError(`thingflow wot-mqtt: ${this.thing.title}: refused a message on ${topic}:`, new Error(message));
  }
}
