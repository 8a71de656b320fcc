import { reportError } from '../core/report-error';
import { Action } from './action';
import { Event } from './event';
import { checkValue, type ValueSchema } from './schema';
import { DEFAULT_MAX_JSON_DEPTH } from './json-depth';
import { PropertyError } from './property-error';
import type { Property, PropertyMetadata } from './property';
import { PropertyInput, EventInput, PropertyChanges } from './thing-flows';

/** What a thing tells its WebSocket (or other) subscribers; each message is also given pre-serialized. */
export interface ThingSubscriber {
  updateProperty?(property: Property<any>, message: string): void;
  updateAction?(action: Action<any>, message: string): void;
  updateEvent?(event: Event<any>, message: string): void;
}

export interface InteractionMetadata {
  title?: string;
  description?: string;
  '@type'?: string;
  input?: ValueSchema;
  links?: { rel?: string; href: string; mediaType?: string }[];
  [key: string]: unknown;
}

export type ActionClass = new (thing: Thing, input: any) => Action<any>;

interface AvailableAction { metadata: InteractionMetadata; cls: ActionClass }
interface AvailableEvent { metadata: InteractionMetadata; subscribers: ThingSubscriber[] }

export interface Link { rel: string; href: string; mediaType?: string }

/** A WebThings thing description, as `Thing.asThingDescription` builds it. */
export interface WebThingDescription {
  id: string;
  title: string;
  '@context': string;
  '@type'?: string[];
  description?: string;
  properties: { [name: string]: PropertyMetadata };
  actions: { [name: string]: InteractionMetadata };
  events: { [name: string]: InteractionMetadata };
  links: Link[];
  [key: string]: unknown;
}

/** How many finished actions (per action name) and events a thing remembers. */
export interface HistoryLimits { actions: number; events: number }
/** Actions a thing runs at once, by default (each may hold a timer or a device). */
export const DEFAULT_MAX_RUNNING_ACTIONS = 16;
export const DEFAULT_HISTORY_LIMITS: HistoryLimits = Object.freeze({ actions: 32, events: 32 });

function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/**
 * A Web Thing (webthing-python's `Thing`, camelCased), plus ThingTalk's
 * `syncProperty`/`propertyAction` and flow adapters that join it to a dataflow:
 *
 * ```ts
 * const thing = new Thing('urn:dev:ops:my-lamp-1234', 'My Lamp', ['OnOffSwitch', 'Light'], 'A web connected lamp');
 * thing.addProperty(new Property(thing, 'on', new Value(true), { type: 'boolean', title: 'On/Off' }));
 * sensor.map((e) => e.val).connect(thing.propertyInput('temperature')); // a flow drives a property
 * thing.propertyChanges('on').connect(led);                             // client writes drive a flow
 * ```
 *
 * Unlike webthing-python, the action and event histories are bounded
 * (`historyLimits`), and a WebSocket message is serialized once per change,
 * not once per subscriber.
 */
export class Thing {
  readonly id: string;
  readonly title: string;
  readonly context = 'https://webthings.io/schemas';
  readonly type: string[];
  readonly description: string;
  /** Bounds of the action and event histories; the server may set them. */
  historyLimits: HistoryLimits = { actions: DEFAULT_HISTORY_LIMITS.actions, events: DEFAULT_HISTORY_LIMITS.events };
  /** How many actions may be created or pending at once; the server answers 503 past it. */
  maxRunningActions = DEFAULT_MAX_RUNNING_ACTIONS;
  /** How deep a property value or action input may nest (the server may set it; see json-depth.ts). */
  maxValueDepth = DEFAULT_MAX_JSON_DEPTH;
  private readonly properties: { [name: string]: Property<any> } = Object.create(null);
  private readonly availableActions: { [name: string]: AvailableAction } = Object.create(null);
  private readonly availableEvents: { [name: string]: AvailableEvent } = Object.create(null);
  private readonly actions: { [name: string]: Action<any>[] } = Object.create(null);
  private events: Event<any>[] = [];
  private subscribers: ThingSubscriber[] = [];
  private hrefPrefix = '';
  private uiHref: string | undefined;
  private readonly changeStreams: { [name: string]: PropertyChanges<any> } = Object.create(null);

  constructor(id: string, title: string, type?: string | string[], description?: string) {
    this.id = id;
    this.title = title;
    this.type = type === undefined ? [] : Array.isArray(type) ? type.slice() : [type];
    this.description = description ?? '';
  }

  /** The WebThings description: properties, actions and events with their links. */
  asThingDescription(): WebThingDescription {
    const p = this.hrefPrefix;
    const thing: WebThingDescription = {
      id: this.id,
      title: this.title,
      '@context': this.context,
      properties: this.getPropertyDescriptions(),
      actions: {},
      events: {},
      links: [
        { rel: 'properties', href: `${p}/properties` },
        { rel: 'actions', href: `${p}/actions` },
        { rel: 'events', href: `${p}/events` },
      ],
    };
    const actionNames = Object.keys(this.availableActions);
    for (let i = 0; i < actionNames.length; i++) {
      const name = actionNames[i];
      const m: InteractionMetadata = JSON.parse(JSON.stringify(this.availableActions[name].metadata));
      m.links = [{ rel: 'action', href: `${p}/actions/${encodeURIComponent(name)}` }];
      thing.actions[name] = m;
    }
    const eventNames = Object.keys(this.availableEvents);
    for (let i = 0; i < eventNames.length; i++) {
      const name = eventNames[i];
      const m: InteractionMetadata = JSON.parse(JSON.stringify(this.availableEvents[name].metadata));
      m.links = [{ rel: 'event', href: `${p}/events/${encodeURIComponent(name)}` }];
      thing.events[name] = m;
    }
    if (this.uiHref !== undefined) thing.links.push({ rel: 'alternate', mediaType: 'text/html', href: this.uiHref });
    if (this.description) thing.description = this.description;
    if (this.type.length > 0) thing['@type'] = this.type.slice();
    return thing;
  }

  /** This thing's path on the server: `'/'` alone, `'/0'` among several. */
  getHref(): string {
    return this.hrefPrefix ? this.hrefPrefix : '/';
  }

  getHrefPrefix(): string {
    return this.hrefPrefix;
  }

  getUiHref(): string | undefined {
    return this.uiHref;
  }

  setHrefPrefix(prefix: string): void {
    this.hrefPrefix = prefix;
    const names = Object.keys(this.properties);
    for (let i = 0; i < names.length; i++) this.properties[names[i]].setHrefPrefix(prefix);
    const actionNames = Object.keys(this.actions);
    for (let i = 0; i < actionNames.length; i++) {
      const list = this.actions[actionNames[i]];
      for (let j = 0; j < list.length; j++) list[j].setHrefPrefix(prefix);
    }
  }

  setUiHref(href: string): void {
    this.uiHref = href;
  }

  getId(): string { return this.id; }
  getTitle(): string { return this.title; }
  getContext(): string { return this.context; }
  getType(): string[] { return this.type; }
  getDescription(): string { return this.description; }

  getPropertyDescriptions(): { [name: string]: PropertyMetadata } {
    const out: { [name: string]: PropertyMetadata } = {};
    const names = Object.keys(this.properties);
    for (let i = 0; i < names.length; i++) out[names[i]] = this.properties[names[i]].asPropertyDescription();
    return out;
  }

  /** Every action in the history (or those named `actionName`), oldest first. */
  getActionDescriptions(actionName?: string): { [name: string]: unknown }[] {
    const out: { [name: string]: unknown }[] = [];
    const names = actionName === undefined ? Object.keys(this.actions) : hasOwn(this.actions, actionName) ? [actionName] : [];
    for (let i = 0; i < names.length; i++) {
      const list = this.actions[names[i]];
      for (let j = 0; j < list.length; j++) out.push(list[j].asActionDescription());
    }
    return out;
  }

  /** Every event in the history (or those named `eventName`), oldest first. */
  getEventDescriptions(eventName?: string): { [name: string]: unknown }[] {
    const out: { [name: string]: unknown }[] = [];
    for (let i = 0; i < this.events.length; i++) {
      const e = this.events[i];
      if (eventName === undefined || e.name === eventName) out.push(e.asEventDescription());
    }
    return out;
  }

  addProperty(property: Property<any>): void {
    property.setHrefPrefix(this.hrefPrefix);
    this.properties[property.name] = property;
  }

  removeProperty(property: Property<any>): void {
    if (this.properties[property.name] === property) delete this.properties[property.name];
  }

  findProperty(name: string): Property<any> | undefined {
    return hasOwn(this.properties, name) ? this.properties[name] : undefined;
  }

  /** The property's value, or `undefined` when there is no such property. */
  getProperty(name: string): unknown {
    const p = this.findProperty(name);
    return p === undefined ? undefined : p.getValue();
  }

  /** `{ name: value }` for every property. */
  getProperties(): { [name: string]: unknown } {
    const out: { [name: string]: unknown } = {};
    const names = Object.keys(this.properties);
    for (let i = 0; i < names.length; i++) out[names[i]] = this.properties[names[i]].getValue();
    return out;
  }

  getPropertyNames(): string[] {
    return Object.keys(this.properties);
  }

  hasProperty(name: string): boolean {
    return hasOwn(this.properties, name);
  }

  /**
   * A client writes a property: validate, set (runs the forwarder), then
   * `propertyAction`. Throws `PropertyError` when refused; an unknown name is
   * ignored, as in webthing-python.
   */
  setProperty(name: string, value: unknown): void {
    const p = this.findProperty(name);
    if (p === undefined) return;
    p.setValue(value);
    this.propertyAction(p);
  }

  /**
   * Take a value that came from elsewhere (the cloud, an MQTT broker) without
   * running the device action (ThingTalk's `sync_property`): the schema is
   * checked, read-only does not apply, the forwarder and `propertyAction` do
   * not run, subscribers are told and `'sync'` observers called.
   */
  syncProperty(name: string, value: unknown): void {
    const p = this.findProperty(name);
    if (p === undefined) throw new PropertyError(`no property '${name}' on ${this.title}`);
    const wrong = checkValue(value, p.metadata, name, this.maxValueDepth);
    if (wrong !== null) throw new PropertyError(`invalid value for property '${name}': ${wrong}`);
    p.value.set(value, { withAction: false });
  }

  /** Override: what else to do after a client changed `property` (ThingTalk's `property_action`). */
  propertyAction(property: Property<any>): void {
    void property;
  }

  getAction(actionName: string, actionId: string): Action<any> | undefined {
    if (!hasOwn(this.actions, actionName)) return undefined;
    const list = this.actions[actionName];
    for (let i = 0; i < list.length; i++) if (list[i].id === actionId) return list[i];
    return undefined;
  }

  hasAvailableAction(name: string): boolean {
    return hasOwn(this.availableActions, name);
  }

  hasAvailableEvent(name: string): boolean {
    return hasOwn(this.availableEvents, name);
  }

  getAvailableActionNames(): string[] { return Object.keys(this.availableActions); }
  getAvailableEventNames(): string[] { return Object.keys(this.availableEvents); }
  getAvailableActionMetadata(name: string): InteractionMetadata | undefined {
    return hasOwn(this.availableActions, name) ? this.availableActions[name].metadata : undefined;
  }
  getAvailableEventMetadata(name: string): InteractionMetadata | undefined {
    return hasOwn(this.availableEvents, name) ? this.availableEvents[name].metadata : undefined;
  }

  /** Record an event, tell its subscribers, and forget the oldest beyond `historyLimits.events`. */
  addEvent(event: Event<any>): void {
    this.events.push(event);
    const extra = this.events.length - Math.max(0, this.historyLimits.events);
    if (extra > 0) this.events.splice(0, extra);
    this.eventNotify(event);
  }

  addAvailableEvent(name: string, metadata?: InteractionMetadata): void {
    this.availableEvents[name] = { metadata: metadata ?? {}, subscribers: [] };
  }

  /** Why a request for `actionName` with `input` cannot be accepted, or `null` when it can. */
  checkActionRequest(actionName: string, input: unknown): string | null {
    if (!hasOwn(this.availableActions, actionName)) return `no action '${actionName}' on ${this.title}`;
    // Checked with or without a schema: the input is kept in the history and written back in every description.
    const schema = this.availableActions[actionName].metadata.input;
    const wrong = schema === undefined && input === undefined ? null : checkValue(input, schema, 'input', this.maxValueDepth);
    return wrong === null ? null : `invalid input for action '${actionName}': ${wrong}`;
  }

  /**
   * Create an action (status `created`) and add it to the history; the caller
   * starts it (the server queues `action.start()`). `null` when the name is
   * unknown or the input does not fit the action's input schema.
   */
  performAction(actionName: string, input?: unknown): Action<any> | null {
    if (this.checkActionRequest(actionName, input) !== null) return null;
    const action = new this.availableActions[actionName].cls(this, input);
    action.setHrefPrefix(this.hrefPrefix);
    this.actionNotify(action);
    const list = this.actions[actionName];
    list.push(action);
    this.trimActions(list);
    return action;
  }

  /** Cancel and forget an action (whoever waits for it hears now); false when there is none with that id. */
  removeAction(actionName: string, actionId: string): boolean {
    const action = this.getAction(actionName, actionId);
    if (action === undefined) return false;
    const list = this.actions[actionName];
    list.splice(list.indexOf(action), 1);
    action.abandon();
    return true;
  }

  /** Actions created or pending, over every action name (bounded by `maxRunningActions` at the server). */
  runningActionCount(): number {
    let n = 0;
    const names = Object.keys(this.actions);
    for (let i = 0; i < names.length; i++) {
      const list = this.actions[names[i]];
      for (let j = 0; j < list.length; j++) if (list[j].isRunning()) n++;
    }
    return n;
  }

  addAvailableAction(name: string, metadata: InteractionMetadata | undefined, cls: ActionClass): void {
    this.availableActions[name] = { metadata: metadata ?? {}, cls };
    if (!hasOwn(this.actions, name)) this.actions[name] = [];
  }

  addSubscriber(subscriber: ThingSubscriber): void {
    if (this.subscribers.indexOf(subscriber) < 0) this.subscribers = this.subscribers.concat([subscriber]);
  }

  removeSubscriber(subscriber: ThingSubscriber): void {
    this.subscribers = this.subscribers.filter((s) => s !== subscriber);
    const names = Object.keys(this.availableEvents);
    for (let i = 0; i < names.length; i++) this.removeEventSubscriber(names[i], subscriber);
  }

  get subscriberCount(): number {
    return this.subscribers.length;
  }

  /** Subscribe to one event; false when the thing has no such event. */
  addEventSubscriber(name: string, subscriber: ThingSubscriber): boolean {
    if (!hasOwn(this.availableEvents, name)) return false;
    const e = this.availableEvents[name];
    if (e.subscribers.indexOf(subscriber) < 0) e.subscribers = e.subscribers.concat([subscriber]);
    return true;
  }

  removeEventSubscriber(name: string, subscriber: ThingSubscriber): void {
    if (!hasOwn(this.availableEvents, name)) return;
    const e = this.availableEvents[name];
    e.subscribers = e.subscribers.filter((s) => s !== subscriber);
  }

  /** Tell every subscriber that `property` changed (one `propertyStatus` message, serialized once). */
  propertyNotify(property: Property<any>): void {
    const list = this.subscribers;
    if (list.length === 0) return;
    const message = `{"messageType":"propertyStatus","data":{${JSON.stringify(property.name)}:${JSON.stringify(property.getValue())}}}`;
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (s.updateProperty !== undefined) this.deliver(s, 'updateProperty', property, message);
    }
  }

  actionNotify(action: Action<any>): void {
    const list = this.subscribers;
    if (list.length === 0) return;
    const message = JSON.stringify({ messageType: 'actionStatus', data: action.asActionDescription() });
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (s.updateAction !== undefined) this.deliver(s, 'updateAction', action, message);
    }
  }

  eventNotify(event: Event<any>): void {
    if (!hasOwn(this.availableEvents, event.name)) return;
    const list = this.availableEvents[event.name].subscribers;
    if (list.length === 0) return;
    const message = JSON.stringify({ messageType: 'event', data: event.asEventDescription() });
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (s.updateEvent !== undefined) this.deliver(s, 'updateEvent', event, message);
    }
  }

  /**
   * A flow drives this property: each event's value (a `SensorEvent`'s `val`,
   * or the event itself) becomes the property's value, as a device reading
   * (`notifyOfExternalUpdate`). Values that break the schema are reported and
   * dropped. `sensorFlow.connect(thing.propertyInput('temperature'))`
   */
  propertyInput(name: string): PropertyInput {
    const p = this.findProperty(name);
    if (p === undefined) throw new PropertyError(`no property '${name}' on ${this.title}`);
    return new PropertyInput(p);
  }

  /** A flow raises this event: each value becomes the event's data. `alarms.connect(thing.eventInput('overheated'))` */
  eventInput(name: string): EventInput {
    if (!hasOwn(this.availableEvents, name)) throw new PropertyError(`no event '${name}' on ${this.title}`);
    return new EventInput(this, name);
  }

  /**
   * The values this property takes (client writes and device readings, not
   * syncs) as an output thing a flow can consume: `thing.propertyChanges('on').connect(led)`.
   */
  propertyChanges<T = unknown>(name: string): PropertyChanges<T> {
    const existing = this.changeStreams[name];
    if (existing !== undefined) return existing;
    const p = this.findProperty(name);
    if (p === undefined) throw new PropertyError(`no property '${name}' on ${this.title}`);
    const stream = new PropertyChanges<T>(p);
    this.changeStreams[name] = stream;
    return stream;
  }

  /** @internal remove actions beyond the limit, finished ones first. */
  private trimActions(list: Action<any>[]): void {
    const limit = Math.max(1, this.historyLimits.actions);
    while (list.length > limit) {
      let victim = -1;
      for (let i = 0; i < list.length && victim < 0; i++) {
        if (list[i].status === 'completed' || list[i].status === 'failed') victim = i;
      }
      if (victim < 0) victim = 0;
      const evicted = list[victim];
      list.splice(victim, 1);
      evicted.abandon(); // a running action evicted is stopped, not left acting unseen

    }
  }

  /** A subscriber that throws (a closed socket) is dropped; the others still hear. */
  private deliver(s: ThingSubscriber, method: 'updateProperty' | 'updateAction' | 'updateEvent', item: any, message: string): void {
    try {
      (s as any)[method](item, message);
    } catch (e) {
      reportError('thingflow wot: a subscriber threw and was removed:', e);
      this.removeSubscriber(s);
    }
  }
}
