/**
 * A slim MQTT 3.1.1 client for boards and for Node, over a host-provided
 * transport (`MqttNetwork`).
 *
 * ```ts
 * const client = new MqttClient({ host: '127.0.0.1', keepalive: 30, queueLimit: 200 });
 * client.on('connect', () => client.subscribe('cmd/#', { qos: 1 }));
 * client.on('message', (topic, payload) => ...);
 * client.connect();
 * client.publish('dev/1/temp', '21.5', { qos: 1 }); // queued until connected
 * ```
 *
 * What it promises:
 * - QoS 0 and 1 both ways (QoS 2 messages from the broker are acknowledged
 *   and delivered, possibly twice). QoS 1 messages stay in flight until
 *   PUBACK and are resent with DUP, in their order, after a reconnect.
 * - Reconnects with exponential back-off and jitter; the back-off keeps
 *   growing until a connection has stayed up for `reconnect.stableMs`, so a
 *   broker that accepts and then drops the client is not redialled in a storm.
 *   Resubscribes when the broker kept no session; with a kept session, sends
 *   only the subscribe/unsubscribe changes made while offline.
 * - `connectTimeoutMs` bounds a whole attempt: DNS, TCP connect and CONNACK.
 * - While offline (or while the in-flight window is full) publishes wait in a
 *   bounded queue; what the drop policy pushes out is counted and reported as
 *   a 'dropped' event; a retained publish supersedes the queued retained
 *   one to its topic (the broker would keep only the last; `stats.superseded`).
 *   While the transport holds more than `maxBufferedBytes`
 *   unsent (a broker that stops reading), QoS 0 publishes are dropped and
 *   counted (`stats.overBudget`); QoS 1 is bounded by the in-flight window and
 *   the queue.
 * - A broker that goes silent is noticed within 1.5 × keep-alive.
 * - A PUBLISH over `maxPacketSize` is reported ('error', `MqttPacketTooLarge`
 *   naming its topic), acknowledged, and skipped as its bytes arrive: a
 *   poisoned retained message cannot make the client redial for ever.
 * - Malformed bytes from the broker close the connection with a
 *   `MqttProtocolError` ('error' event) and the client reconnects; nothing
 *   throws out of the host's data callback.
 * - A refusal (bad user name or password, not authorized, bad client id,
 *   bad protocol) is an `MqttConnectionRefused` 'error' and stops the client:
 *   retrying cannot fix it.
 *
 * Events: 'connect' (connack), 'close' (error?), 'reconnect' (attempt, delayMs),
 * 'message' (topic, payload: Uint8Array, packet), 'error' (error),
 * 'dropped' (message, reason: 'queue-full' | 'ended' | 'over-budget').
 *
 * Each job (attempt deadline, keep-alive, back-off) has its own timer (JobTimer).
 */
import { encode, encodePublishFields } from '../codec/encode';
import { PacketDecoder, type PacketHandler } from '../codec/decode';
import { CONNACK_MESSAGES, type ConnackPacket, type Packet, type PublishPacket, type QoS, type Subscription } from '../codec/packet';
import { utf8Bytes } from '../codec/utf8';
import { MqttConnectionRefused, MqttPacketTooLarge, MqttProtocolError } from '../errors';
import { OUTBOUND_SEND, OutboundBudget } from '../../outbound/outbound-budget';
import { topicFilterProblem, topicNameProblem } from '../topic-filter';
import { EventListeners } from './event-listeners';
import { KEEPALIVE_DEAD, KEEPALIVE_PING, KeepAliveMonitor } from './keep-alive';
import { JobTimer } from './job-timer';
import { defaultMqttNetwork, type MqttNetwork, type Transport, type TransportHandler } from './network';
import { OutgoingQueue, type DropPolicy, type OutgoingMessage } from './outgoing-queue';

export interface MqttWill {
  topic: string;
  payload: string | Uint8Array;
  qos?: 0 | 1;
  retain?: boolean;
}

export interface MqttClientOptions {
  host: string;
  /** Default 1883. */
  port?: number;
  /** Default: `thingflow-` and 8 random hex digits. */
  clientId?: string;
  /** Seconds; 0 turns keep-alive off. Default 60. */
  keepalive?: number;
  /** Start a clean session. Default true. */
  clean?: boolean;
  username?: string;
  password?: string | Uint8Array;
  will?: MqttWill;
  /**
   * Back-off between attempts: doubles from `minMs` (default 500) up to `maxMs` (default 30000), with
   * jitter, and starts again from `minMs` only after a connection stayed up `stableMs` (default 10000).
   * `false`: no reconnect.
   */
  reconnect?: { minMs?: number; maxMs?: number; stableMs?: number } | false;
  /** Messages kept while offline. Default 100. */
  queueLimit?: number;
  /** Bytes of topics and payloads kept while offline. Default: the host's, else 1 MiB (a board: 16 KiB). */
  queueMaxBytes?: number;
  /** Who is dropped when the queue is full: 'oldest' (default) or 'newest'. */
  dropPolicy?: DropPolicy;
  /**
   * A queued retained message gives way to a newer retained one to its topic (of at least its QoS), as the
   * broker would keep only the last. Default true; false keeps each (a stream whose history matters).
   */
  supersedeRetained?: boolean;
  /** QoS 1 messages awaiting PUBACK at once, 1 to 65535. Default 32. */
  maxInflight?: number;
  /** Give up on a connection attempt (DNS, TCP connect and CONNACK together) after this long. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** Largest packet accepted from the broker, bytes. Default: the host's (`network.limits`), else 1 MiB (a board: 16 KiB). */
  maxPacketSize?: number;
  /** Bytes the transport may hold unsent before QoS 0 publishes are dropped. Default: the host's, else 64 KiB (a board: 8 KiB). */
  maxBufferedBytes?: number;
  /** The host binding; default: the one the host registered (`net` on Node). */
  network?: MqttNetwork;
  /** A source of [0, 1) numbers for jitter and client ids. Default Math.random. */
  random?: () => number;
}

export type MqttClientEvent = 'connect' | 'close' | 'reconnect' | 'message' | 'error' | 'dropped';

export type MqttClientState = 'idle' | 'opening' | 'handshake' | 'connected' | 'waiting' | 'ended';

/** Counters for tests, benchmarks and device dashboards. */
export interface MqttClientStats {
  published: number;
  received: number;
  dropped: number;
  resent: number;
  connects: number;
  /** QoS 0 publishes dropped because the transport held more than `maxBufferedBytes` (also in `dropped`). */
  overBudget: number;
  /** PUBLISHes from the broker over `maxPacketSize`, skipped (each also an 'error' event naming its topic). */
  oversize: number;
  /** Queued retained messages a newer retained one to their topic replaced (not in `dropped`: the topic's state is still queued). */
  superseded: number;
}

export type MqttDropReason = 'queue-full' | 'ended' | 'over-budget';

const DEFAULT_MAX_PACKET_SIZE = 1_048_576;
const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024;
const DEFAULT_MAX_QUEUED_BYTES = 1_048_576;
/** MQTT never closes a connection for being slow to read: keep-alive judges whether the broker is alive. */
const NEVER_CLOSE = 0x7fffffff;

/** Refusals that no retry can fix (CONNACK codes 1, 2, 4, 5). */
function isPermanentRefusal(code: number): boolean {
  return code === 1 || code === 2 || code === 4 || code === 5;
}

/** The shared empty stand-ins of the client's tables: read freely, never written (see `own`). */
const NO_ENTRIES = new Map<any, any>();
const NO_MEMBERS = new Set<any>();

/** A table of this client's own, to write to: the stand-in is replaced by a fresh Map the first time. */
function own<K, V>(m: Map<K, V>): Map<K, V> {
  return m === NO_ENTRIES ? new Map<K, V>() : m;
}

function ownSet<T>(s: Set<T>): Set<T> {
  return s === NO_MEMBERS ? new Set<T>() : s;
}

/**
 * Delete `key` from a table that may be a stand-in. The stand-ins are always
 * empty and, on a board, read-only (a preloaded module's tables are: even
 * deleting an absent key throws "read-only Map instance"), so an empty table
 * is never touched. Every delete and clear of the client's tables goes
 * through here or `emptied`.
 */
function deleteFrom<K>(table: { readonly size: number; delete(key: K): boolean }, key: K): boolean {
  return table.size !== 0 && table.delete(key);
}

/** Empty a table that may be a stand-in (see `deleteFrom`). */
function emptied(table: { readonly size: number; clear(): void }): void {
  if (table.size !== 0) table.clear();
}

/** One attempt's callbacks; stale ones (from a connection already given up) are ignored. */
class Connection implements TransportHandler, PacketHandler {
  transport: Transport | undefined;
  live = true;
  constructor(private readonly client: MqttClient) {}
  onOpen(): void {
    if (this.live) this.client.handleOpen();
  }
  onData(chunk: Uint8Array): void {
    if (this.live) this.client.handleData(chunk);
  }
  onClose(error?: unknown): void {
    if (this.live) this.client.connectionLost(error ?? undefined);
  }
  onPacket(packet: Packet): void {
    if (this.live) this.client.handlePacket(packet);
  }
  onProtocolError(error: MqttProtocolError): void {
    if (this.live) this.client.handleProtocolError(error);
  }
  onOversizePublish(topic: string, size: number, qos: QoS, messageId: number | undefined): void {
    if (this.live) this.client.handleOversizePublish(topic, size, qos, messageId);
  }
}

export class MqttClient {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  readonly keepalive: number;
  readonly stats: MqttClientStats = { published: 0, received: 0, dropped: 0, resent: 0, connects: 0, overBudget: 0, oversize: 0, superseded: 0 };
  readonly maxPacketSize: number;
  private readonly opts: MqttClientOptions;
  private readonly network: MqttNetwork;
  private readonly random: () => number;
  private readonly listeners = new EventListeners<MqttClientEvent>();
  private filterUsers: Map<string, number> | undefined;
  private readonly queue: OutgoingQueue;
  private readonly maxInflight: number;
  // The tables below start as one shared empty stand-in and get their own Map or Set when first
  // written (`own`): most clients of a fleet never use most of them, and an empty Map costs ~200 bytes.
  /** QoS 1 messages awaiting PUBACK, encoded, in the order they were first sent. */
  private inflight: Map<number, Uint8Array> = NO_ENTRIES;
  private subscriptions: Map<string, 0 | 1> = NO_ENTRIES;
  private topicCache: Map<string, Uint8Array> = NO_ENTRIES;
  /** SUBSCRIBE message ids awaiting SUBACK, with their filters, to report refusals. */
  private pendingSubacks: Map<number, string[]> = NO_ENTRIES;
  /** UNSUBSCRIBE message ids awaiting UNSUBACK, with their filters. */
  private pendingUnsubacks: Map<number, string[]> = NO_ENTRIES;
  /** Filters subscribed or unsubscribed without the broker's acknowledgement: sent again to a kept session. */
  private unsynced: Set<string> = NO_MEMBERS;
  private readonly monitor: KeepAliveMonitor | undefined;
  /** Made the first time the transport is over budget: most clients never are. */
  private budget: OutboundBudget | undefined;
  /** `budget.maxBufferedBytes`, and whether the last admit held back, as plain fields for the publish path. */
  private readonly maxBuffered: number;
  private holdingBack = false;
  private readonly connectTimeoutMs: number;
  private decoder: PacketDecoder | undefined;
  private connection: Connection | undefined;
  private stateValue: MqttClientState = 'idle';
  private readonly attemptTimer: JobTimer<MqttClient>;
  private readonly keepAliveTimer: JobTimer<MqttClient>;
  private readonly backoffTimer: JobTimer<MqttClient>;
  private attempt = 0;
  /** When the current connection got its CONNACK (`network.now()`), for the stable period. */
  private connectedAt = 0;
  private nextMessageId = 1;

  constructor(opts: MqttClientOptions) {
    if (!opts || typeof opts.host !== 'string' || opts.host === '') throw new TypeError('MqttClient: opts.host must be a host name or address');
    this.opts = opts;
    this.network = opts.network ?? defaultMqttNetwork();
    this.random = opts.random ?? Math.random;
    this.host = opts.host;
    this.port = opts.port ?? 1883;
    this.keepalive = opts.keepalive ?? 60;
    this.clientId = opts.clientId ?? `thingflow-${Math.floor(this.random() * 0xffffffff).toString(16).padStart(8, '0')}`;
    this.queue = new OutgoingQueue(opts.queueLimit ?? 100, opts.dropPolicy ?? 'oldest',
      opts.queueMaxBytes ?? this.network.limits?.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES);
    const maxInflight = opts.maxInflight ?? 32;
    // 0 would stall every QoS 1 message for ever; 65535 is every packet identifier there is.
    if (!(Number.isInteger(maxInflight) && maxInflight >= 1 && maxInflight <= 65535)) {
      throw new RangeError(`MqttClient: maxInflight must be an integer from 1 to 65535, got ${String(maxInflight)}`);
    }
    this.maxInflight = maxInflight;
    const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    if (!(connectTimeoutMs > 0 && connectTimeoutMs <= 0x7fffffff)) {
      throw new RangeError(`MqttClient: connectTimeoutMs must be between 1 and 2^31-1 ms, got ${String(connectTimeoutMs)}`);
    }
    this.connectTimeoutMs = connectTimeoutMs;
    const limits = this.network.limits;
    const maxPacketSize = opts.maxPacketSize ?? limits?.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE;
    if (!(Number.isInteger(maxPacketSize) && maxPacketSize >= 64)) {
      throw new RangeError(`MqttClient: maxPacketSize must be an integer >= 64 bytes, got ${String(maxPacketSize)}`);
    }
    this.maxPacketSize = maxPacketSize;
    // Checked here (OutboundBudget refuses a bad budget); the budget itself is made when first needed.
    this.maxBuffered = new OutboundBudget({
      maxBufferedBytes: opts.maxBufferedBytes ?? limits?.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      closeAfterMs: NEVER_CLOSE,
    }).maxBufferedBytes;
    this.attemptTimer = new JobTimer<MqttClient>(this.network, this, this.attemptTimedOut);
    this.keepAliveTimer = new JobTimer<MqttClient>(this.network, this, this.keepAliveCheck);
    this.backoffTimer = new JobTimer<MqttClient>(this.network, this, this.retry);
    if (this.keepalive > 0) this.monitor = new KeepAliveMonitor(this.keepalive * 1000);
    if (opts.will) {
      const problem = topicNameProblem(opts.will.topic);
      if (problem) throw new TypeError(`MqttClient: will: ${problem}`);
    }
  }

  get state(): MqttClientState {
    return this.stateValue;
  }

  get connected(): boolean {
    return this.stateValue === 'connected';
  }

  /** Messages waiting in the offline queue. */
  get queued(): number {
    return this.queue.length;
  }

  /** Bytes (topics and payloads) waiting in the offline queue. */
  get queuedBytes(): number {
    return this.queue.bytes;
  }

  /** SUBSCRIBE packets sent and not yet acknowledged (SUBACK). */
  get awaitingSuback(): number {
    return this.pendingSubacks.size;
  }

  /** QoS 1 messages sent and not yet acknowledged. */
  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Bytes the transport holds unsent (0 when offline or when the transport cannot tell). */
  get bufferedBytes(): number {
    const t = this.connection?.transport;
    return t !== undefined && t.bufferedBytes !== undefined ? t.bufferedBytes() : 0;
  }

  /** The byte budget QoS 0 publishes are held to. */
  get maxBufferedBytes(): number {
    return this.maxBuffered;
  }

  on(ev: MqttClientEvent, fn: (...args: any[]) => void): void {
    this.listeners.on(ev, fn);
  }

  off(ev: MqttClientEvent, fn: (...args: any[]) => void): void {
    this.listeners.off(ev, fn);
  }

  /** Start connecting; returns at once. Also restarts a client after `end()`. */
  connect(): void {
    if (this.stateValue !== 'idle' && this.stateValue !== 'ended') return;
    this.attempt = 0;
    this.open();
  }

  /**
   * Send (or queue) a message. Throws a TypeError for an invalid topic or
   * QoS: that is the caller's bug, and nothing is sent.
   */
  publish(topic: string, payload: string | Uint8Array, opts?: { qos?: 0 | 1; retain?: boolean }): void {
    const topicBytes = this.topicBytes(topic);
    const qos = opts?.qos ?? 0;
    if (qos !== 0 && qos !== 1) throw new TypeError(`MqttClient.publish: qos must be 0 or 1, got ${String(qos)}`);
    if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
      throw new TypeError('MqttClient.publish: payload must be a string or a Uint8Array');
    }
    const retain = opts?.retain === true;
    // The common case on a board: connected, nothing waiting, QoS 0: straight to the wire, no message object.
    if (qos === 0 && this.stateValue === 'connected' && this.queue.length === 0) {
      if (this.overBudget()) {
        this.dropOverBudget(topic, topicBytes, payload, retain);
        return;
      }
      this.stats.published++;
      this.write(encodePublishFields(topicBytes, payload, 0, retain, false, undefined));
      return;
    }
    const m: OutgoingMessage = {
      topic, topicBytes, payload: typeof payload === 'string' ? utf8Bytes(payload) : payload, qos, retain,
    };
    if (this.stateValue === 'ended') {
      this.drop(m, 'ended');
      return;
    }
    if (this.stateValue === 'connected' && this.queue.length === 0 && (qos === 0 || this.inflight.size < this.maxInflight)) {
      this.send(m);
      return;
    }
    const q = this.queue;
    // Not a drop: the topic's newer state is queued in its place (counted apart, no 'dropped' event).
    if (this.opts.supersedeRetained !== false && q.supersededBy(m) !== undefined) this.stats.superseded++;
    for (let old = q.evictFor(m); old !== undefined; old = q.evictFor(m)) this.drop(old, 'queue-full');
    const dropped = q.push(m);
    if (dropped) this.drop(dropped, 'queue-full');
  }

  /** A topic's UTF-8 bytes, validated once and cached: devices publish to a handful of topics. */
  private topicBytes(topic: string): Uint8Array {
    let bytes = this.topicCache.get(topic);
    if (bytes === undefined) {
      const problem = topicNameProblem(topic);
      if (problem !== undefined) throw new TypeError(`MqttClient.publish: ${problem}`);
      bytes = utf8Bytes(topic);
      if (this.topicCache.size >= 64) emptied(this.topicCache);
      (this.topicCache = own(this.topicCache)).set(topic, bytes);
    }
    return bytes;
  }

  /** Subscribe now or at the next connect; kept across reconnects. */
  subscribe(filter: string, opts?: { qos?: 0 | 1 }): void {
    const problem = topicFilterProblem(filter);
    if (problem) throw new TypeError(`MqttClient.subscribe: ${problem}`);
    const qos = opts?.qos ?? 0;
    if (qos !== 0 && qos !== 1) throw new TypeError(`MqttClient.subscribe: qos must be 0 or 1, got ${String(qos)}`);
    (this.subscriptions = own(this.subscriptions)).set(filter, qos);
    if (this.stateValue === 'connected') this.sendSubscribe([{ topic: filter, qos }]);
    else (this.unsynced = ownSet(this.unsynced)).add(filter);
  }

  /**
   * Count one more user of `filter` (an `MqttReader`), so that closing one
   * reader does not unsubscribe another on the same filter. The counts live on
   * the client, not in a module-level table: a module preloaded into flash on a
   * board cannot change a table it created.
   */
  addFilterUser(filter: string): void {
    const users = (this.filterUsers ??= new Map());
    users.set(filter, (users.get(filter) ?? 0) + 1);
  }

  /** One user of `filter` is done; true when it was the last one. */
  removeFilterUser(filter: string): boolean {
    const left = (this.filterUsers?.get(filter) ?? 1) - 1;
    if (left > 0) this.filterUsers!.set(filter, left);
    else this.filterUsers?.delete(filter);
    return left <= 0;
  }

  /** Unsubscribe now or, for a kept session, at the next connect. */
  unsubscribe(filter: string): void {
    if (!deleteFrom(this.subscriptions, filter)) return;
    if (this.stateValue === 'connected') this.sendUnsubscribe([filter]);
    else (this.unsynced = ownSet(this.unsynced)).add(filter);
  }

  /**
   * Disconnect cleanly: whatever is queued is sent first when connected
   * (ignoring the in-flight window), then DISCONNECT. When not connected the
   * queue is dropped and reported. No reconnect follows.
   */
  end(): void {
    if (this.stateValue === 'ended') return;
    const wasConnected = this.stateValue === 'connected';
    this.stateValue = 'ended';
    this.cancelTimers();
    if (wasConnected) {
      for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) this.send(m);
      this.write(encode({ cmd: 'disconnect' }));
    } else {
      for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) this.drop(m, 'ended');
    }
    const c = this.connection;
    if (c) {
      this.connection = undefined;
      c.live = false;
      c.transport?.close();
      this.listeners.emit('close', undefined);
    }
  }

  // ---- connection lifecycle (called by Connection) ----

  private open(): void {
    this.stateValue = 'opening';
    const c = new Connection(this);
    this.connection = c;
    this.decoder = new PacketDecoder(c, { maxPacketSize: this.maxPacketSize });
    // The deadline covers the whole attempt: a DNS lookup or TCP connect that never answers included.
    this.attemptTimer.arm(this.connectTimeoutMs);
    try {
      c.transport = this.network.open(this.host, this.port, c);
    } catch (e) {
      this.connectionLost(e);
    }
  }

  /** @internal */
  handleOpen(): void {
    this.stateValue = 'handshake';
    const o = this.opts;
    this.write(encode({
      cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: this.clientId, clean: o.clean ?? true,
      keepalive: this.keepalive, username: o.username, password: o.password,
      will: o.will ? { topic: o.will.topic, payload: o.will.payload, qos: o.will.qos ?? 0, retain: o.will.retain === true } : undefined,
    }));
  }

  /** @internal */
  handleData(chunk: Uint8Array): void {
    try {
      this.decoder!.push(chunk);
    } catch (e) {
      // A bug of ours or an 'internal' listener: never let it out into the host's socket callback.
      this.listeners.emit('error', e);
      this.abort(e);
    }
  }

  /** @internal */
  handleProtocolError(error: MqttProtocolError): void {
    this.listeners.emit('error', error);
    this.abort(error);
  }

  /** @internal A PUBLISH over `maxPacketSize`: acknowledged (so it is not sent again), reported, skipped. */
  handleOversizePublish(topic: string, size: number, qos: QoS, messageId: number | undefined): void {
    if (this.monitor) this.monitor.received(this.network.now());
    this.stats.oversize++;
    if (qos === 1) this.write(encode({ cmd: 'puback', messageId: messageId! }));
    else if (qos === 2) this.write(encode({ cmd: 'pubrec', messageId: messageId! }));
    this.listeners.emit('error', new MqttPacketTooLarge(topic, size, this.maxPacketSize));
  }

  /** @internal */
  handlePacket(p: Packet): void {
    if (this.monitor) this.monitor.received(this.network.now());
    switch (p.cmd) {
      case 'publish': return this.handlePublish(p);
      case 'puback':
        if (deleteFrom(this.inflight, p.messageId)) this.pump();
        return;
      case 'connack': return this.handleConnack(p);
      case 'suback': {
        const filters = this.pendingSubacks.get(p.messageId);
        deleteFrom(this.pendingSubacks, p.messageId);
        for (let i = 0; i < p.granted.length; i++) {
          if (p.granted[i] === 0x80) {
            this.listeners.emit('error', new Error(`the broker refused the subscription to '${filters?.[i] ?? '?'}'`));
          }
        }
        return;
      }
      case 'unsuback':
        deleteFrom(this.pendingUnsubacks, p.messageId);
        return;
      case 'pubrel':
        this.write(encode({ cmd: 'pubcomp', messageId: p.messageId }));
        return;
      case 'pingresp': case 'pubrec': case 'pubcomp':
        return;
      default:
        this.handleProtocolError(new MqttProtocolError(`a broker must not send ${p.cmd}`));
    }
  }

  private handleConnack(p: ConnackPacket): void {
    if (this.stateValue !== 'handshake') {
      this.handleProtocolError(new MqttProtocolError('CONNACK outside the handshake'));
      return;
    }
    this.attemptTimer.cancel();
    if (p.returnCode !== 0) {
      const text = CONNACK_MESSAGES[p.returnCode] ?? `connection refused: code ${p.returnCode}`;
      const error = new MqttConnectionRefused(`${this.host}:${this.port}: ${text} (${p.returnCode})`, p.returnCode);
      this.listeners.emit('error', error);
      if (isPermanentRefusal(p.returnCode)) {
        this.stateValue = 'ended'; // retrying cannot fix a refusal
        this.abort(error);
        for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) this.drop(m, 'ended');
      } else {
        this.abort(error);
      }
      return;
    }
    this.stateValue = 'connected';
    // The back-off is not reset here: only a connection that stays up `stableMs` resets it (connectionLost).
    this.stats.connects++;
    const now = this.network.now();
    this.connectedAt = now;
    if (this.monitor) {
      this.monitor.start(now);
      this.armKeepAlive();
    }
    this.syncSubscriptions(p.sessionPresent);
    // Unacknowledged QoS 1 messages first, in their order, flagged DUP (MQTT-4.4.0-1).
    this.inflight.forEach((bytes) => {
      bytes[0] |= 0x08;
      this.stats.resent++;
      this.write(bytes);
    });
    // What waited goes out before the 'connect' listeners run: what they publish (a Thing saying it is online)
    // then queues behind the in-flight window's rest and pushes none of it out of a full queue.
    this.pump();
    // A transport that closed as it was written to has already said 'close': no 'connect' after it.
    if (this.stateValue === 'connected') this.listeners.emit('connect', p);
  }

  private handlePublish(p: PublishPacket): void {
    this.stats.received++;
    if (p.qos === 1) this.write(encode({ cmd: 'puback', messageId: p.messageId! }));
    else if (p.qos === 2) this.write(encode({ cmd: 'pubrec', messageId: p.messageId! }));
    this.listeners.emit('message', p.topic, p.payload, p);
  }

  /**
   * Bring the broker's subscriptions in line with ours after CONNACK: everything when it kept no
   * session; with a kept session, only what changed without its acknowledgement (MQTT 3.1.1 §3.2.2.2).
   */
  private syncSubscriptions(sessionPresent: boolean): void {
    if (!sessionPresent) {
      emptied(this.unsynced);
      if (this.subscriptions.size === 0) return;
      const subs: Subscription[] = [];
      this.subscriptions.forEach((qos, topic) => subs.push({ topic, qos }));
      this.sendSubscribe(subs);
      return;
    }
    if (this.unsynced.size === 0) return;
    const subs: Subscription[] = [];
    const unsubs: string[] = [];
    this.unsynced.forEach((filter) => {
      const qos = this.subscriptions.get(filter);
      if (qos === undefined) unsubs.push(filter);
      else subs.push({ topic: filter, qos });
    });
    emptied(this.unsynced);
    if (subs.length > 0) this.sendSubscribe(subs);
    if (unsubs.length > 0) this.sendUnsubscribe(unsubs);
  }

  /**
   * Give up on the current connection (it stays given up even if the transport never reports
   * closing). The connection is detached before the transport is closed: a transport that closes
   * synchronously (Moddable's) then cannot report `undefined` in place of `error`.
   */
  private abort(error: unknown): void {
    const c = this.connection;
    if (!c) return;
    this.connectionLost(error);
    c.transport?.close();
  }

  /** @internal The current connection is gone: report, then back off and retry unless ended. */
  connectionLost(error: unknown): void {
    const c = this.connection;
    if (!c) return;
    c.live = false;
    this.connection = undefined;
    this.cancelTimers();
    // Subscription changes the broker never acknowledged are sent again to a kept session.
    this.pendingSubacks.forEach(this.markUnsynced, this);
    emptied(this.pendingSubacks);
    this.pendingUnsubacks.forEach(this.markUnsynced, this);
    emptied(this.pendingUnsubacks);
    const wasConnected = this.stateValue === 'connected';
    if (this.stateValue !== 'ended') this.stateValue = 'waiting';
    this.listeners.emit('close', error);
    if (this.stateValue === 'ended') return;
    const r = this.opts.reconnect;
    if (r === false) {
      this.stateValue = 'idle';
      return;
    }
    const minMs = r?.minMs ?? 500;
    const maxMs = r?.maxMs ?? 30_000;
    // A connection that did not stay up (a broker that accepts, then drops us) keeps the back-off growing.
    if (wasConnected && this.network.now() - this.connectedAt >= (r?.stableMs ?? 10_000)) this.attempt = 0;
    let base = minMs * Math.pow(2, this.attempt);
    if (base > maxMs) base = maxMs;
    // "Equal jitter": between half and all of the back-off, so clients restarted together spread out.
    const delay = Math.round(base / 2 + this.random() * (base / 2));
    this.attempt++;
    this.listeners.emit('reconnect', this.attempt, delay);
    this.backoffTimer.arm(delay);
  }

  private markUnsynced(filters: string[]): void {
    if (filters.length > 0) this.unsynced = ownSet(this.unsynced);
    for (let i = 0; i < filters.length; i++) this.unsynced.add(filters[i]);
  }

  // ---- sending ----

  /** Is the transport holding more than the budget? (QoS 0 publishes are then dropped.) */
  private overBudget(): boolean {
    const t = this.connection?.transport;
    if (t === undefined || t.bufferedBytes === undefined) return false;
    const buffered = t.bufferedBytes();
    // Under budget and not coming back from over it: what admit() would answer, without reading the clock
    // (a plain field, not the budget's getter: this runs for every QoS 0 publish on a board).
    if (buffered <= this.maxBuffered && !this.holdingBack) return false;
    this.budget ??= new OutboundBudget({ maxBufferedBytes: this.maxBuffered, closeAfterMs: NEVER_CLOSE });
    this.holdingBack = this.budget.admit(buffered, this.network.now()) !== OUTBOUND_SEND;
    return this.holdingBack;
  }

  /** Count and report a QoS 0 publish held back by the budget; the message object is built only for a listener. */
  private dropOverBudget(topic: string, topicBytes: Uint8Array, payload: string | Uint8Array, retain: boolean): void {
    this.stats.overBudget++;
    this.stats.dropped++;
    if (this.listeners.has('dropped')) {
      const m: OutgoingMessage = { topic, topicBytes, payload: typeof payload === 'string' ? utf8Bytes(payload) : payload, qos: 0, retain };
      this.listeners.emit('dropped', m, 'over-budget');
    }
  }

  private write(bytes: Uint8Array): void {
    const c = this.connection;
    if (!c || !c.transport) return;
    c.transport.write(bytes);
    if (this.monitor) this.monitor.sent(this.network.now());
  }

  private send(m: OutgoingMessage): void {
    if (m.qos === 0) {
      if (this.overBudget()) {
        this.dropOverBudget(m.topic, m.topicBytes, m.payload, m.retain);
        return;
      }
      this.stats.published++;
      this.write(encodePublishFields(m.topicBytes, m.payload, 0, m.retain, false, undefined));
      return;
    }
    this.stats.published++;
    const id = this.allocateMessageId();
    const bytes = encodePublishFields(m.topicBytes, m.payload, 1, m.retain, false, id);
    (this.inflight = own(this.inflight)).set(id, bytes);
    this.write(bytes);
  }

  /** Move queued messages out while connected and the in-flight window has room. */
  private pump(): void {
    while (this.stateValue === 'connected') {
      const m = this.queue.peek();
      if (m === undefined || (m.qos === 1 && this.inflight.size >= this.maxInflight)) return;
      this.queue.shift();
      this.send(m);
    }
  }

  private sendSubscribe(subs: Subscription[]): void {
    const messageId = this.allocateMessageId();
    const filters: string[] = [];
    for (let i = 0; i < subs.length; i++) filters.push(subs[i].topic);
    (this.pendingSubacks = own(this.pendingSubacks)).set(messageId, filters);
    this.write(encode({ cmd: 'subscribe', messageId, subscriptions: subs }));
  }

  private sendUnsubscribe(filters: string[]): void {
    const messageId = this.allocateMessageId();
    (this.pendingUnsubacks = own(this.pendingUnsubacks)).set(messageId, filters);
    this.write(encode({ cmd: 'unsubscribe', messageId, unsubscriptions: filters }));
  }

  private allocateMessageId(): number {
    for (;;) {
      const id = this.nextMessageId;
      this.nextMessageId = id === 65535 ? 1 : id + 1;
      if (!this.inflight.has(id) && !this.pendingSubacks.has(id) && !this.pendingUnsubacks.has(id)) return id;
    }
  }

  private drop(m: OutgoingMessage, reason: MqttDropReason): void {
    this.stats.dropped++;
    this.listeners.emit('dropped', m, reason);
  }

  // ---- the jobs' timers: attempt deadline, keep-alive, back-off ----

  private cancelTimers(): void {
    this.attemptTimer.cancel();
    this.keepAliveTimer.cancel();
    this.backoffTimer.cancel();
  }

  private attemptTimedOut(): void {
    const where = `${this.host}:${this.port}`;
    this.abort(new Error(this.stateValue === 'opening'
      ? `could not open a connection to ${where} within ${this.connectTimeoutMs} ms`
      : `no CONNACK from ${where} within ${this.connectTimeoutMs} ms`));
  }

  private retry(): void {
    if (this.stateValue === 'waiting') this.open();
  }

  private armKeepAlive(): void {
    const m = this.monitor!;
    this.keepAliveTimer.arm(m.nextCheckAt - this.network.now());
  }

  private keepAliveCheck(): void {
    if (this.stateValue !== 'connected') return;
    const m = this.monitor!;
    const action = m.check(this.network.now());
    if (action === KEEPALIVE_DEAD) {
      this.abort(new Error(`keepalive timeout: nothing heard from ${this.host}:${this.port} for 1.5 x ${this.keepalive} s`));
      return;
    }
    if (action === KEEPALIVE_PING) this.write(encode({ cmd: 'pingreq' }));
    this.armKeepAlive();
  }
}
