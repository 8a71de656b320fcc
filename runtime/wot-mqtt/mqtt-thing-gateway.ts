/**
 * A gateway: it listens to every device that speaks Web Things over MQTT (topics.ts), builds a
 * proxy Web Thing from each device's description, and is itself a thing container that the WoT
 * server serves (`new WebThingServer(gateway, { port })`): a person or node-wot reaches every
 * device through one endpoint, at `/0`, `/1`, ... in the order the devices appeared.
 *
 * ```ts
 * const gateway = new MqttThingGateway(new MqttClient({ host: 'broker' }), { name: 'home' });
 * gateway.client.connect();
 * await new WebThingServer(gateway, { port: 8888 }).start();
 * ```
 * A device that publishes a new description gets a new proxy at the same path. Messages that are
 * malformed, for unknown devices, or beyond `maxThings` are counted and reported, never fatal.
 */
import { reportError } from '../core/report-error';
import type { MqttClient } from '../mqtt/client/mqtt-client';
import { readUtf8 } from '../mqtt/codec/utf8';
import type { ThingContainer } from '../wot/containers';
import type { Thing, WebThingDescription } from '../wot/thing';
import { ProxyThing, type ProxyUplink } from './proxy-thing';
import { DEFAULT_THINGS_PREFIX, parseThingTopic, thingTopics } from './topics';

export interface MqttThingGatewayOptions {
  /** Topic prefix; default `things`. */
  prefix?: string;
  /** The name mDNS advertises; default `thingflow-gateway`. */
  name?: string;
  /** The server's basePath, for the proxies' hrefs; default ''. */
  basePath?: string;
  /** Devices served at most; the next are refused and counted. Default 1000. */
  maxThings?: number;
  /** The gateway's own things (a fleet summary...), served first, before the devices. */
  things?: Thing[];
}

export interface MqttThingGatewayStats {
  /** Messages that were not JSON, not an object, or not a description. */
  malformed: number;
  /** Messages about a device whose description has not arrived (values are kept until it does). */
  early: number;
  /** Devices refused because `maxThings` was reached. */
  overLimit: number;
  /** Errors the devices reported on their error topic. */
  deviceErrors: number;
}

function isObject(x: unknown): x is { [k: string]: any } {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

export class MqttThingGateway implements ThingContainer, ProxyUplink {
  readonly multiple = true;
  readonly stats: MqttThingGatewayStats = { malformed: 0, early: 0, overLimit: 0, deviceErrors: 0 };
  private readonly prefix: string;
  private readonly name: string;
  private readonly basePath: string;
  private readonly maxThings: number;
  /** What is served, in path order: the gateway's own things, then one proxy per device. */
  private readonly served: Thing[] = [];
  private readonly localCount: number;
  private readonly byId = new Map<string, number>();
  private readonly tdText = new Map<string, string>();
  /** The latest values and availability of devices whose description is still to come. */
  private readonly early = new Map<string, { values?: { [k: string]: unknown }; online?: boolean }>();
  private readonly listeners: ((proxy: ProxyThing) => void)[] = [];
  private readonly onMessage = (topic: string, payload: Uint8Array): void => this.handle(topic, payload);

  constructor(readonly client: MqttClient, opts: MqttThingGatewayOptions = {}) {
    this.prefix = opts.prefix ?? DEFAULT_THINGS_PREFIX;
    this.name = opts.name ?? 'thingflow-gateway';
    this.basePath = (opts.basePath ?? '').replace(/\/+$/, '');
    this.maxThings = opts.maxThings ?? 1000;
    const local = opts.things ?? [];
    for (let i = 0; i < local.length; i++) {
      local[i].setHrefPrefix(`${this.basePath}/${i}`);
      this.served.push(local[i]);
    }
    this.localCount = local.length;
    client.on('message', this.onMessage);
    client.subscribe(`${this.prefix}/#`, { qos: 1 });
  }

  getThing(id?: string): Thing | undefined {
    if (id === undefined || !/^\d+$/.test(id)) return undefined;
    return this.served[Number(id)];
  }

  getThings(): Thing[] {
    return this.served;
  }

  /** How many devices are served. */
  get deviceCount(): number {
    return this.served.length - this.localCount;
  }

  getName(): string {
    return this.name;
  }

  /** The proxy of the device with this thing id. */
  proxyFor(thingId: string): ProxyThing | undefined {
    const i = this.byId.get(thingId);
    return i === undefined ? undefined : (this.served[i] as ProxyThing);
  }

  /** Called with each new (or rebuilt) proxy. */
  onProxy(fn: (proxy: ProxyThing) => void): void {
    this.listeners.push(fn);
  }

  requestSet(proxy: ProxyThing, name: string, value: unknown): void {
    this.client.publish(thingTopics(proxy.id, this.prefix).set, JSON.stringify({ [name]: value }), { qos: 1 });
  }

  requestAction(proxy: ProxyThing, name: string, input: unknown, id: string): void {
    const request: { id: string; input?: unknown } = { id };
    if (input !== undefined && input !== null) request.input = input;
    this.client.publish(thingTopics(proxy.id, this.prefix).requestAction, JSON.stringify({ [name]: request }), { qos: 1 });
  }

  private handle(topic: string, payload: Uint8Array): void {
    const t = parseThingTopic(topic, this.prefix);
    if (t === undefined) return;
    if (t.kind === 'set' || t.kind === 'request_action') return; // requests, ours or another gateway's
    const text = readUtf8(payload, 0, payload.length);
    if (text === undefined) return this.malformed(topic, 'not UTF-8');
    if (t.kind === 'availability') return this.availability(t.id, text);
    if (text === '' && t.kind === 'td') return; // a retained description being cleared
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.malformed(topic, 'not JSON');
    }
    if (!isObject(body)) return this.malformed(topic, 'not a JSON object');
    if (t.kind === 'td') return this.description(t.id, body, text);
    const proxy = this.proxyFor(t.id);
    if (t.kind === 'error') {
      this.stats.deviceErrors++;
      reportError(`thingflow gateway: device ${t.id} refused a request:`, new Error(String(body.message)));
      return;
    }
    if (proxy === undefined) {
      this.stats.early++;
      if (t.kind === 'values') this.earlyFor(t.id).values = body;
      return;
    }
    if (t.kind === 'values') proxy.applyValues(body);
    else if (t.kind === 'actions') proxy.applyActionStatus(body);
    else if (t.kind === 'events') proxy.applyEvents(body);
  }

  private description(id: string, td: { [k: string]: any }, text: string): void {
    if (typeof td.id !== 'string' || td.id !== id || typeof td.title !== 'string') {
      return this.malformed(`${this.prefix}/${id}/td`, 'a description needs a string title and the id of its topic');
    }
    if (this.tdText.get(id) === text) return;
    let index = this.byId.get(id);
    if (index === undefined) {
      if (this.deviceCount >= this.maxThings) {
        this.stats.overLimit++;
        reportError('thingflow gateway:', new Error(`device ${id} refused: already serving maxThings = ${this.maxThings}`));
        return;
      }
      index = this.served.length;
    }
    let proxy: ProxyThing;
    try {
      proxy = new ProxyThing(td as WebThingDescription, this);
    } catch (e) {
      return this.malformed(`${this.prefix}/${id}/td`, e instanceof Error ? e.message : String(e));
    }
    const old = this.served[index] as ProxyThing | undefined;
    old?.setOnline(false);
    proxy.setHrefPrefix(`${this.basePath}/${index}`);
    this.served[index] = proxy;
    this.byId.set(id, index);
    this.tdText.set(id, text);
    const early = this.early.get(id);
    this.early.delete(id);
    if (early?.values !== undefined) proxy.applyValues(early.values);
    if (early?.online !== undefined) proxy.setOnline(early.online);
    for (const fn of this.listeners) fn(proxy);
  }

  private availability(id: string, text: string): void {
    const online = text === 'online';
    if (!online && text !== 'offline') return this.malformed(`${this.prefix}/${id}/availability`, `'${text.slice(0, 20)}' is neither online nor offline`);
    const proxy = this.proxyFor(id);
    if (proxy === undefined) this.earlyFor(id).online = online;
    else proxy.setOnline(online);
  }

  private earlyFor(id: string): { values?: { [k: string]: unknown }; online?: boolean } {
    let e = this.early.get(id);
    if (e === undefined) {
      // Bounded like the proxies: a flood of ids with no description cannot grow it past maxThings.
      if (this.early.size >= this.maxThings) this.early.delete(this.early.keys().next().value!);
      e = {};
      this.early.set(id, e);
    }
    return e;
  }

  private malformed(topic: string, why: string): void {
    this.stats.malformed++;
    reportError(`thingflow gateway: ignored a message on ${topic}:`, new Error(why));
  }
}
