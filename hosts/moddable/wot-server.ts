/**
 * WebThingServer on a Moddable board: the portable WotRequestHandler
 * (runtime/wot) on TCP connections from Moddable's `socket` Listener, the
 * WebSocket protocol from Moddable's `websocket` Server, discovery with
 * Moddable's `mdns` (`_webthing._tcp` with TXT `path`, `_wot._tcp` with TXT
 * `td`, `type`, `scheme`), as hosts/node/wot-server.ts does on Node.
 *
 * Why not Moddable's `http` Server: it decides the response synchronously
 * (`prepareResponse`), so it cannot wait for an action to finish
 * (`WotResponse.later`) nor hold a server-sent event stream open; and it can
 * hand a connection to the WebSocket server only after the request line,
 * before the headers the handler needs (Host, Authorization) are read. The
 * ECMA-419 `embedded:network/http/server` is only an example in SDK 8.2
 * (examples/io/listener/httpserver), not a module. So http-connection.ts
 * reads the request itself (HTTP/1.1, one request per connection,
 * `Connection: close`, as Moddable's `http` Server does) and gives upgrade
 * requests to `websocket`'s Server through `attach` on a replay-socket.ts,
 * which replays the header lines it read.
 *
 * ```ts
 * const server = new WebThingServer(new SingleThing(thing), { port: 80, mdns: { hostName: 'lamp' } });
 * server.start();
 * ```
 */
import MDNS from 'mdns';
import Time from 'time';
import Timer from 'timer';
import { Listener, Socket } from 'socket';
import { Server as WebSocketServer } from 'websocket';
import type { ThingContainer } from '../../runtime/wot/containers';
import { STALL_SWEEP_MS, sweepStalledShares } from './in-flight';
import { CLOSE_GOING_AWAY } from './client-frames';
import { HttpConnection } from './http-connection';
import type { RawSocket } from './raw-socket';
import type { ReplaySocket, WsConnection, WsServer } from './replay-socket';
import {
  WotRequestHandler, handlerOptionsFrom, type WotAuthOptions, type WotMiddleware, type WotResponse, type WotRoute,
} from '../../runtime/wot/request-handler';
import type { HistoryLimits } from '../../runtime/wot/thing';
import type { WotCounters } from '../../runtime/wot/counters';
import { BOARD_CONNECTION_LIMITS, ConnectionGuard, PHASE_CLOSING, type ConnectionEntry, type ConnectionPhase } from '../../runtime/wot/connection-guard';
import type { WotServerLimitOptions } from '../../runtime/wot/server-limits';

export interface ModdableWebThingServerOptions extends WotServerLimitOptions {
  /** Default 80. */
  port?: number;
  basePath?: string;
  additionalRoutes?: WotRoute[];
  middlewares?: WotMiddleware[];
  auth?: WotAuthOptions;
  historyLimits?: Partial<HistoryLimits>;
  /** Largest request body, in bytes; default 16 KiB (a board may want less). */
  maxBodyBytes?: number;
  htmlPage?: boolean;
  /**
   * Accepted `Host` header values (`name`, `name:port`); default: any. A
   * board's address comes from DHCP, so there is no fixed list to build as
   * Node does; give one to guard against DNS rebinding.
   */
  allowedHosts?: string[];
  /** mDNS: the host name to claim (`<hostName>.local`); `false` (default) for none. */
  mdns?: false | { hostName: string };
}

/** WebSocket sessions on a board, by default: each holds a socket and a subscriber. */
const BOARD_MAX_SESSIONS = 2;
/** A board's byte budget per WebSocket/SSE client. */
const BOARD_MAX_BUFFERED_BYTES = 4 * 1024;

/**
 * A TXT record's strings as DNS sends them (a length byte, then `key=value`), which Moddable's
 * `mdns` passes through as they are. Given an object it serializes it wrong (SDK 8.2.3,
 * dnsserializer.js loops `for (let [property, value] in data)`, which cuts each key to its first
 * two letters: `td=/.well-known/wot` went out as `t=d`, `path=/` as `p=a`), so a WoT client that
 * found the board could not read where its Thing Description is.
 */
function txtRecord(entries: { [key: string]: string }): Record<string, string> {
  const strings: ArrayBuffer[] = [];
  let length = 0;
  for (const key in entries) {
    const s = ArrayBuffer.fromString(`${key}=${entries[key]}`);
    strings.push(s);
    length += 1 + s.byteLength;
  }
  const record = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < strings.length; i++) {
    record[at++] = strings[i].byteLength;
    record.set(new Uint8Array(strings[i]), at);
    at += strings[i].byteLength;
  }
  // Bytes where the typings say strings: the serializer sends anything with a byteLength as it is.
  return record as unknown as Record<string, string>;
}

/** Serves things over HTTP, WebSocket and (optionally) mDNS on a Moddable board. */
export class WebThingServer {
  readonly things: ThingContainer;
  readonly handler: WotRequestHandler;
  private readonly opts: ModdableWebThingServerOptions;
  private listener: Listener | undefined;
  private readonly ws: WsServer;
  private readonly connections: HttpConnection[] = [];
  private readonly sockets: WsConnection[] = [];
  private mdns: MDNS | undefined;
  private readonly guard: ConnectionGuard;
  private sweeper: Timer | undefined;
  /** The pending turn that gives a freed place to a waiting connection. */
  private admitter: Timer | undefined;
  /** @internal */
  readonly maxDiscardBytes: number;

  constructor(things: ThingContainer, opts?: ModdableWebThingServerOptions) {
    this.things = things;
    this.opts = opts ?? {};
    const handlerOptions = handlerOptionsFrom(this.opts, this.opts.allowedHosts);
    handlerOptions.maxSessions = this.opts.maxSessions ?? BOARD_MAX_SESSIONS;
    handlerOptions.outbound = { maxBufferedBytes: BOARD_MAX_BUFFERED_BYTES, ...this.opts.outbound };
    this.handler = new WotRequestHandler(things, handlerOptions);
    this.guard = new ConnectionGuard(this.opts.connections, BOARD_CONNECTION_LIMITS, this.handler.counters);
    this.maxDiscardBytes = this.opts.maxDiscardBytes ?? 4 * this.handler.maxBodyBytes;
    // No listener of its own (port null): connections come from `attachWebSocket`.
    this.ws = new WebSocketServer({ port: null } as unknown as { port: number }) as WsServer;
    const server = this;
    this.ws.callback = function (this: WsConnection, message: number, value?: unknown) {
      server.onWebSocket(this, message, value);
    };
  }

  get port(): number {
    return this.opts.port ?? 80;
  }

  /** Listen, and claim the mDNS name and advertise the services when asked to. */
  start(): void {
    if (this.listener !== undefined) return;
    let listener: Listener;
    try {
      listener = new Listener({ port: this.port });
    } catch (e) {
      // lwIP's bind refused: Moddable closes a listener in a later turn of its loop, so a stop() and a start() in one turn find the port taken.
      if (!(e instanceof Error) || e.message !== 'socket bind') throw e;
      throw new Error(`WebThingServer: cannot listen on port ${this.port} (socket bind): in use, or still closing after stop() (a board closes a listener in a later turn: start it then)`);
    }
    this.listener = listener;
    listener.callback = () => {
      const socket = new Socket({ listener } as never) as unknown as RawSocket;
      // No room: no connection behind it. When lwIP has no pcb for a client's SYN it still calls Moddable's
      // accept (ERR_MEM, no pcb), which queues a socket without one: taken for a client, it held a place
      // (or a place in line) until the headers timeout, and real clients were refused. The client's SYN
      // comes again; it is answered once lwIP has a pcb for it. (A Pico W's listener is handed no such
      // accept, pico/lwip-lock.c; an ESP32's, built from the same modSocket.c, still is.)
      if (socket.write() === 0) {
        socket.close();
        return;
      }
      const connection = new HttpConnection(this, socket);
      // Full: the oldest idle connection is closed to make room, or else this one waits for a place, its
      // request left unread in the socket (a burst of clients is accepted before any of them is read).
      const entry = this.guard.addOrWait(() => connection.finish(), () => connection.admitted(), Time.ticks);
      if (entry === undefined) {
        connection.finish();
        return;
      }
      connection.entry = entry;
      this.connections.push(connection);
    };
    this.sweeper = Timer.repeat(() => {
      this.guard.sweep(Time.ticks);
      sweepStalledShares();
    }, STALL_SWEEP_MS);
    const m = this.opts.mdns;
    if (m !== undefined && m !== false) {
      const port = this.port;
      const path = this.handler.basePath === '' ? '/' : this.handler.basePath;
      const type = this.things.multiple ? 'Directory' : 'Thing';
      try {
        const mdns = new MDNS({ hostName: m.hostName }, (message: number, value?: string) => {
          // 1: the host name is claimed (value is the name); services can be added now.
          if (message === 1 && value !== undefined && value !== '') {
            mdns.add({ name: 'webthing', protocol: 'tcp', port, txt: txtRecord({ path }) });
            mdns.add({ name: 'wot', protocol: 'tcp', port, txt: txtRecord({ td: '/.well-known/wot', type, scheme: 'http' }) });
          }
        });
        this.mdns = mdns;
      } catch (e) {
        // mDNS's port taken ("socket bind failed"): a start that fails starts nothing, so that the app's next start does it all.
        this.stop();
        throw e;
      }
    }
  }

  /** Stop listening and advertising; close every connection. Running actions go on (they belong to their thing; `thing.removeAction` cancels one). */
  stop(): void {
    if (this.sweeper !== undefined) Timer.clear(this.sweeper);
    this.sweeper = undefined;
    if (this.admitter !== undefined) Timer.clear(this.admitter);
    this.admitter = undefined;
    if (this.mdns !== undefined) {
      // Says goodbye (TTL 0) for each service it added, stops probing, and lets go of UDP port 5353: left open, a start
      // again could not bind its own. (`remove` with a name, as @moddable/typings offers it, ends a query this side
      // made, not a service; and the typings omit `close`, which mdns.js has.)
      (this.mdns as MDNS & { close(): void }).close();
      this.mdns = undefined;
    }
    const listener = this.listener as (Listener & { close?(): void }) | undefined;
    this.listener = undefined;
    if (listener?.close !== undefined) listener.close();
    while (this.connections.length > 0) this.connections[this.connections.length - 1].finish();
    while (this.sockets.length > 0) this.closeWebSocket(this.sockets[this.sockets.length - 1], CLOSE_GOING_AWAY);
  }

  /** @internal hand an upgraded connection to the WebSocket server. */
  attachWebSocket(socket: ReplaySocket): void {
    this.ws.attach(socket);
  }

  /** What was refused, held back or shed, by cause (docs/bounds.md). */
  get counters(): WotCounters {
    return this.handler.counters;
  }

  /** @internal a connection moves to another phase (its timeout changes). */
  enter(c: HttpConnection, phase: ConnectionPhase): void {
    if (c.entry === undefined) return;
    this.guard.enter(c.entry, phase, Time.ticks);
    if (phase === PHASE_CLOSING) this.admitSoon(); // answered: its place is free while it waits for the ACK
  }

  /** @internal a connection (or WebSocket) closed: its place is free, for a waiting one next (not from inside this close). */
  release(entry: ConnectionEntry | undefined): void {
    if (entry === undefined) return;
    this.guard.remove(entry);
    this.admitSoon();
  }

  /** A place came free: give it to a waiting connection, from a turn of its own (an admitted connection reads at once). */
  private admitSoon(): void {
    if (this.guard.waitingCount > 0 && this.admitter === undefined) {
      this.admitter = Timer.set(() => {
        this.admitter = undefined;
        this.guard.admitWaiting(Time.ticks);
      }, 0);
    }
  }

  /** @internal a connection closed or was handed over. */
  forget(c: HttpConnection): void {
    const i = this.connections.indexOf(c);
    if (i >= 0) this.connections.splice(i, 1);
  }

  private onWebSocket(c: WsConnection, message: number, value: unknown): void {
    if (message === WebSocketServer.connect) {
      const link = (c.socket as ReplaySocket | undefined)?.link;
      if (link === undefined || link.session === undefined) {
        this.closeWebSocket(c);
        return;
      }
      c.link = link;
      link.connection = c;
      this.sockets.push(c);
    } else if (message === WebSocketServer.handshake) {
      if (c.link !== undefined) c.link.ready = true;
    } else if (message === WebSocketServer.receive) {
      const session = c.link?.session;
      if (typeof value !== 'string') {
        session?.receiveBinary(value instanceof ArrayBuffer ? value.byteLength : 0);
        return;
      }
      // Not over the limit: its frame's bytes were not (ReplaySocket), and a text has no more characters than bytes.
      session?.receive(value);
    } else if (message === WebSocketServer.disconnect) {
      this.endWebSocket(c);
    }
  }

  /**
   * @internal the server ends a WebSocket itself (refused, too slow, stopping), with a close frame
   * saying why when there is a `code` (`websocket` closes the socket without one). Moddable's
   * `websocket` reports no disconnect for a close it was asked for.
   */
  closeWebSocket(c: WsConnection, code = 0): void {
    if (code !== 0) (c.socket as ReplaySocket | undefined)?.sendClose(code);
    this.endWebSocket(c);
    c.close();
  }

  /**
   * A WebSocket is over, whoever ended it: its session closes and its place (maxSessions, the
   * connection guard's entry) is free again, once. A refused message that ended a session without
   * this held its place for good: two 1009s and every later WebSocket was refused with 503.
   */
  private endWebSocket(c: WsConnection): void {
    const link = c.link ?? (c.socket as ReplaySocket | undefined)?.link;
    c.link = undefined;
    if (link !== undefined) {
      link.ready = false;
      link.connection = undefined;
      const session = link.session;
      link.session = undefined;
      session?.close();
      this.release(link.entry);
      link.entry = undefined;
    }
    const i = this.sockets.indexOf(c);
    if (i >= 0) this.sockets.splice(i, 1);
  }
}
