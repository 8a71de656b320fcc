/**
 * WebThingServer for Node: the portable WotRequestHandler (runtime/wot) on
 * node:http, WebSocket on `ws`, discovery with multicast-dns. Mirrors
 * webthing-python's `WebThingServer(things, port, hostname, …)` plus
 * ThingTalk's `additionalRoutes`, `middlewares`, `onStartup`, `onShutdown`.
 *
 * ```ts
 * const server = new WebThingServer(new SingleThing(thing), { port: 8888 });
 * await server.start();   // listening, advertised over mDNS
 * await server.stop();
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { networkInterfaces, hostname as osHostname } from 'node:os';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, WebSocket } from 'ws';
import { setActionQueue } from '../../runtime/wot/action-queue';
import type { ThingContainer } from '../../runtime/wot/containers';
import { STATUS_TEXT } from '../../runtime/wot/http-status';
import type { WotCounters } from '../../runtime/wot/counters';
import {
  WotRequestHandler, handlerOptionsFrom, type WotAuthOptions, type WotMiddleware, type WotRequest, type WotResponse, type WotRoute,
} from '../../runtime/wot/request-handler';
import type { HistoryLimits } from '../../runtime/wot/thing';
import type { OutboundLink } from '../../runtime/wot/client-outbound';
import {
  ConnectionGuard, NODE_CONNECTION_LIMITS, PHASE_BODY, PHASE_IDLE, PHASE_RESPONDING, PHASE_SENDING, PHASE_STREAM,
  type ConnectionEntry, type ConnectionLimits,
} from '../../runtime/wot/connection-guard';
import type { OutboundBudgetOptions } from '../../runtime/outbound/outbound-budget';
import type { WotServerLimitOptions } from '../../runtime/wot/server-limits';
import { WotMdnsAdvertiser } from './wot-mdns';
import { encodeForClient, pageAssetRoutes } from './wot-page-assets';

// Actions start on the next turn of Node's event loop, after the response that created them is written.
setActionQueue((run) => { setImmediate(run); });

export interface WebThingServerOptions extends WotServerLimitOptions {
  /** Default 80, as webthing-python; 0 picks a free port (see `server.port`). */
  port?: number;
  /** The public host name (e.g. `mything.com`), accepted in the Host header. */
  hostname?: string;
  /** The address to listen on; default all interfaces. */
  listenAddress?: string;
  basePath?: string;
  additionalRoutes?: WotRoute[];
  middlewares?: WotMiddleware[];
  onStartup?: (() => void | Promise<void>) | (() => void | Promise<void>)[];
  onShutdown?: (() => void | Promise<void>) | (() => void | Promise<void>)[];
  /** Accept any Host header (webthing-python's `disable_host_validation`: beware DNS rebinding). */
  disableHostValidation?: boolean;
  /** Optional bearer token, for writes (default) or everything. */
  auth?: WotAuthOptions;
  historyLimits?: Partial<HistoryLimits>;
  /** Largest request body and WebSocket message, in bytes; default 16 KiB. */
  maxBodyBytes?: number;
  htmlPage?: boolean;
  /** Serve HTTPS/WSS (webthing-python's `ssl_options`): links then say `https`/`wss`, mDNS TXT `tls=1`. */
  tls?: { key: string | Buffer; cert: string | Buffer; [option: string]: unknown };
  /** mDNS advertisement; `false` to switch it off. */
  mdns?: false | { interface?: string; mdnsPort?: number; host?: string };
}

/** Each connection's guard entry. */
const ENTRY = Symbol('thingflow.wot.connection');
/** How long `stop()` waits for a WebSocket client to answer its close frame before cutting it off. */
const STOP_CLOSE_WAIT_MS = 1000;
/**
 * An answer larger than this is given to the socket a piece at a time, each when the one before was taken: the
 * pieces taken are what the send timeout sees as progress (given whole, Node reports nothing until all of it is).
 */
const SEND_PIECE_BYTES = 64 * 1024;

/** Close a WebSocket with 1001 (going away, RFC 6455 7.4.1) and wait for its peer's answer, at most `ms`: then it is cut off. */
function closeGoingAway(client: WebSocket, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (client.readyState === WebSocket.CLOSED) return resolve();
    const cutOff = setTimeout(() => client.terminate(), ms);
    client.once('close', () => {
      clearTimeout(cutOff);
      resolve();
    });
    client.close(1001, 'server stopping');
  });
}
/** What a guarded connection's HTTP requests are doing: answers not yet finished (pipelined requests each have one), a body being read. */
interface Requests {
  unfinished: number;
  readingBody: boolean;
}
const REQUESTS = Symbol('thingflow.wot.requests');
type GuardedSocket = Socket & { [ENTRY]?: ConnectionEntry; [REQUESTS]?: Requests };

function entryOf(socket: unknown): ConnectionEntry | undefined {
  return (socket as GuardedSocket | null)?.[ENTRY];
}

/** How many `Host` fields the request carried (Node keeps only the first in `req.headers`). */
function hostCount(raw: string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') n++;
  return n;
}

function asList<T>(x: T | T[] | undefined): T[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

/** Every non-link-local address of this machine, IPv6 in brackets (webthing-python's get_addresses). */
function localAddresses(): { all: string[]; ipv4: string[] } {
  const all = new Set<string>();
  const ipv4: string[] = [];
  const ifaces = networkInterfaces();
  for (const name of Object.keys(ifaces)) {
    for (const a of ifaces[name] ?? []) {
      if (a.family === 'IPv4') {
        if (a.address.startsWith('169.254.')) continue;
        all.add(a.address);
        ipv4.push(a.address);
      } else {
        const ip = a.address.split('%')[0].toLowerCase();
        if (ip.startsWith('fe80:')) continue;
        all.add(`[${ip}]`);
      }
    }
  }
  return { all: [...all].sort(), ipv4 };
}

export class WebThingServer {
  readonly things: ThingContainer;
  readonly handler: WotRequestHandler;
  private readonly opts: WebThingServerOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private mdns: WotMdnsAdvertiser | undefined;
  private listeningPort = 0;
  private started = false;
  private readonly guard: ConnectionGuard;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private readonly maxDiscardBytes: number;

  constructor(things: ThingContainer, opts?: WebThingServerOptions) {
    this.things = things;
    this.opts = opts ?? {};
    const routes = [...pageAssetRoutes(), ...(this.opts.additionalRoutes ?? [])];
    this.handler = new WotRequestHandler(things, handlerOptionsFrom({ ...this.opts, additionalRoutes: routes }, this.opts.disableHostValidation ? undefined : []));
    const onRequest = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
    this.http = this.opts.tls !== undefined ? createTlsServer(this.opts.tls, onRequest) : createServer(onRequest);
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.http.on('clientError', (_e, socket) => {
      // Write the answer, then destroy: a half-closed socket would stay held as long as the client wants.
      if (socket.writable) socket.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
    });
    this.guard = new ConnectionGuard(this.opts.connections, NODE_CONNECTION_LIMITS, this.handler.counters);
    this.maxDiscardBytes = this.opts.maxDiscardBytes ?? 1024 * 1024;
    this.http.on('connection', (socket: Socket) => this.onConnection(socket));
    // Node's own timers as a backstop behind the guard's (which destroys, and sheds when full).
    const limits = this.guard.limits;
    this.http.headersTimeout = limits.headersTimeoutMs + 1000;
    this.http.requestTimeout = limits.requestTimeoutMs + 1000;
    this.http.keepAliveTimeout = limits.keepAliveTimeoutMs;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.handler.maxBodyBytes });
    this.wss.on('error', () => {});
  }

  /** The port the server listens on (useful with `port: 0`). */
  get port(): number {
    return this.listeningPort;
  }

  /** The Host header values accepted (lower case), as webthing-python builds them. */
  allowedHosts(): string[] {
    const port = this.listeningPort;
    const system = osHostname().toLowerCase();
    const hosts = ['localhost', `localhost:${port}`, `${system}.local`, `${system}.local:${port}`];
    for (const a of localAddresses().all) hosts.push(a, `${a}:${port}`);
    if (this.opts.hostname !== undefined) {
      const h = this.opts.hostname.toLowerCase();
      hosts.push(h, `${h}:${port}`);
    }
    return hosts;
  }

  /** Run the onStartup handlers, listen, and advertise over mDNS. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const fn of asList(this.opts.onStartup)) await fn();
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port ?? 80, this.opts.listenAddress, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const address = this.http.address();
    this.listeningPort = typeof address === 'object' && address !== null ? address.port : (this.opts.port ?? 80);
    if (!this.opts.disableHostValidation) this.handler.setAllowedHosts(this.allowedHosts());
    this.sweeper = setInterval(() => this.guard.sweep(performance.now()), 1000);
    this.sweeper.unref();
    if (this.opts.mdns !== false) {
      const m = this.opts.mdns ?? {};
      const iface = m.interface;
      this.mdns = new WotMdnsAdvertiser({
        name: this.things.getName(),
        port: this.listeningPort,
        path: this.handler.basePath === '' ? '/' : this.handler.basePath,
        tdPath: '/.well-known/wot',
        wotType: this.things.multiple ? 'Directory' : 'Thing',
        host: m.host,
        addresses: iface !== undefined ? [iface] : localAddresses().ipv4,
        interface: iface,
        mdnsPort: m.mdnsPort,
        tls: this.opts.tls !== undefined,
      });
      this.mdns.announce();
    }
  }

  /**
   * Stop advertising, close every connection, then run the onShutdown
   * handlers. Actions still running keep running, as in webthing-python: they
   * belong to their thing, which may be served again; to stop one, cancel it
   * (`thing.removeAction(name, id)`, which calls its `cancel()`).
   */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    if (this.mdns !== undefined) await this.mdns.close();
    this.mdns = undefined;
    // Each WebSocket client is told why (1001), as the board's server tells it.
    await Promise.all([...this.wss.clients].map((client) => closeGoingAway(client, STOP_CLOSE_WAIT_MS)));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    for (const fn of asList(this.opts.onShutdown)) await fn();
  }

  /** The counters of every bound (docs/bounds.md): sessions, held-back and dropped messages, shed connections… */
  get counters(): WotCounters {
    return this.handler.counters;
  }

  /** Track a new connection; when full, the oldest idle one is closed (or, with none idle, this one). */
  private onConnection(socket: Socket): void {
    // An answer its client stopped taking is reset, not closed: closed, the kernel would go on offering the rest to a window that stays shut.
    const entry = this.guard.add(() => (entry !== undefined && entry.phase === PHASE_SENDING ? socket.resetAndDestroy() : socket.destroy()), performance.now());
    if (entry === undefined) {
      socket.destroy();
      return;
    }
    (socket as GuardedSocket)[ENTRY] = entry;
    socket.once('close', () => this.guard.remove(entry));
  }

  private toWotRequest(req: IncomingMessage, body: string | undefined): WotRequest {
    let headers: WotRequest['headers'] = req.headers;
    if (hostCount(req.rawHeaders) > 1) headers = { ...req.headers, host: [String(req.headers.host), 'another'] };
    return { method: req.method ?? 'GET', url: req.url ?? '/', headers, body, secure: this.opts.tls !== undefined };
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket as GuardedSocket;
    const length = req.headers['content-length'];
    const hasBody = length !== undefined || req.headers['transfer-encoding'] !== undefined;
    const requests = socket[ENTRY] === undefined ? undefined : (socket[REQUESTS] ??= { unfinished: 0, readingBody: false });
    if (requests !== undefined) {
      requests.unfinished++;
      requests.readingBody = hasBody;
      res.once('finish', () => {
        requests.unfinished--;
        this.settle(socket);
      });
      if (hasBody) req.once('end', () => {
        requests.readingBody = false;
        this.settle(socket);
      });
      this.settle(socket);
    }
    const max = this.handler.maxBodyBytes;
    if (!hasBody) {
      this.send(res, this.handler.handle(this.toWotRequest(req, undefined)));
      return;
    }
    if (length !== undefined && Number(length) > max) {
      this.refuseOversize(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > max) {
        refused = true;
        this.refuseOversize(req, res);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const body = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      this.send(res, this.handler.handle(this.toWotRequest(req, body)));
    });
    req.on('error', () => res.destroy());
  }

  /**
   * 413, then close. The client may still be sending: up to `maxDiscardBytes` more are read and
   * dropped (never buffered) so it can read the answer, then the socket is destroyed.
   */
  private refuseOversize(req: IncomingMessage, res: ServerResponse): void {
    const r = this.handler.tooLarge();
    res.shouldKeepAlive = false;
    this.send(res, { ...r, headers: { ...r.headers, Connection: 'close' } });
    let discarded = 0;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > this.maxDiscardBytes) req.socket.destroy();
    });
    req.resume();
  }

  private send(res: ServerResponse, r: WotResponse): void {
    if (res.destroyed || res.writableEnded) return;
    if (r.later !== undefined) {
      r.later((final) => this.send(res, final));
      return;
    }
    if (r.stream !== undefined) {
      const entry = entryOf(res.socket);
      if (entry !== undefined) this.guard.enter(entry, PHASE_STREAM, performance.now());
      res.writeHead(r.status, r.headers);
      res.write(': stream open\n\n');
      const link: OutboundLink = {
        bufferedBytes: () => res.writableLength,
        closeSlow: () => { res.destroy(); },
        nowMs: () => performance.now(),
      };
      const cancel = r.stream((data) => {
        if (!res.destroyed) res.write(`data: ${data}\n\n`);
      }, link);
      res.on('drain', () => { if (link.drained !== undefined) link.drained(); });
      res.on('close', cancel);
      return;
    }
    const headers: { [k: string]: string | number } = { ...r.headers };
    const body = encodeForClient(res.req, headers, r.body ?? '');
    const length = Buffer.byteLength(body);
    if (r.status !== 204 && r.status !== 304) headers['Content-Length'] = length;
    res.writeHead(r.status, headers);
    if (r.status === 204 || length <= SEND_PIECE_BYTES) {
      res.end(r.status === 204 ? undefined : body);
      this.settle(res.req.socket); // not taken at once (the client's buffers are full): sending
      return;
    }
    this.sendInPieces(res, typeof body === 'string' ? Buffer.from(body) : body);
  }

  /** Give `res` the answer `data` a piece at a time, each once the socket has taken the one before: each is the client's progress. */
  private sendInPieces(res: ServerResponse, data: Buffer): void {
    let at = 0;
    const next = (e?: Error | null) => {
      if (e || res.destroyed) return;
      const end = Math.min(at + SEND_PIECE_BYTES, data.length);
      const piece = data.subarray(at, end);
      at = end;
      if (at < data.length) res.write(piece, next);
      else res.end(piece);
      this.settle(res.req.socket);
    };
    next();
  }

  /**
   * Set a connection's phase in the guard from what it is doing now, at each of its events (a request, a body read, an
   * answer or a piece of one taken): output its client has not taken comes first (the send timeout, from this progress),
   * then a body being read (the request timeout, from the request's start), then an answer being prepared (an action
   * it waits for: none), else idle (the keep-alive timeout). One connection may do several at once: pipelined requests.
   */
  private settle(socket: GuardedSocket | null): void {
    if (socket === null) return;
    const entry = socket[ENTRY];
    const requests = socket[REQUESTS];
    if (entry === undefined || requests === undefined || entry.phase === PHASE_STREAM) return;
    const phase = socket.writableLength > 0 ? PHASE_SENDING : requests.readingBody ? PHASE_BODY : requests.unfinished > 0 ? PHASE_RESPONDING : PHASE_IDLE;
    if (phase === PHASE_BODY && entry.phase === PHASE_BODY) return; // the request timeout runs from the request's start
    this.guard.enter(entry, phase, performance.now());
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const entry = entryOf(socket);
    if (entry !== undefined) this.guard.enter(entry, PHASE_STREAM, performance.now());
    let client: WebSocket | undefined;
    const link: OutboundLink = {
      bufferedBytes: () => (client !== undefined ? client.bufferedAmount : socket.writableLength),
      // 1008 (policy violation); ws destroys the socket if the close handshake does not finish in 30 s.
      closeSlow: () => {
        if (client !== undefined) client.close(1008, 'client too slow: over its byte budget');
        else socket.destroy();
      },
      nowMs: () => performance.now(),
    };
    const opened = this.handler.openSocket(this.toWotRequest(req, undefined), (text) => {
      if (client !== undefined && client.readyState === WebSocket.OPEN) client.send(text);
    }, link);
    if ('response' in opened) {
      const r = opened.response;
      const body = r.body ?? '';
      let head = `HTTP/1.1 ${r.status} ${STATUS_TEXT[r.status] ?? ''}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
      for (const k of Object.keys(r.headers)) head += `${k}: ${r.headers[k]}\r\n`;
      socket.end(`${head}\r\n${body}`);
      // Half-closed now: the keep-alive timeout destroys it if the client keeps its side open.
      if (entry !== undefined) this.guard.enter(entry, PHASE_IDLE, performance.now());
      return;
    }
    const session = opened.session;
    socket.once('close', () => session.close());
    socket.on('drain', () => { if (link.drained !== undefined) link.drained(); });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      client = ws;
      ws.on('message', (data, isBinary) => {
        if (isBinary) session.receiveBinary((data as Buffer).length);
        else session.receive(data.toString());
      });
      ws.on('close', () => session.close());
      ws.on('error', () => { /* oversize or malformed frame: ws closes this socket; the server goes on */ });
    });
  }
}
