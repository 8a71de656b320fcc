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
 * (examples/io/listener/httpserver), not a module. So this file reads the
 * request itself (HTTP/1.1, one request per connection, `Connection: close`,
 * as Moddable's `http` Server does) and gives upgrade requests to
 * `websocket`'s Server through `attach`, replaying the header lines it read.
 *
 * ```ts
 * const server = new WebThingServer(new SingleThing(thing), { port: 80, mdns: { hostName: 'lamp' } });
 * server.start();
 * ```
 */
import config from 'mc/config';
import MDNS from 'mdns';
import Timer from 'timer';
import { Listener, Socket } from 'socket';
import { Server as WebSocketServer } from 'websocket';
import type { ThingContainer } from '../../runtime/wot/containers';
import { ACK_WAIT_MS, InFlightCap, STALL_SWEEP_MS, sweepStalledShares } from './in-flight';
import { CLOSE_GOING_AWAY, CLOSE_POLICY_VIOLATION, ClientFrames, OP_CLOSE, type ClientFrameSink } from './client-frames';
import { STATUS_TEXT } from '../../runtime/wot/http-status';
import {
  WotRequestHandler, handlerOptionsFrom, type WotAuthOptions, type WotMiddleware, type WotRequest, type WotResponse, type WotRoute,
  type WotSocketSession,
} from '../../runtime/wot/request-handler';
import type { HistoryLimits } from '../../runtime/wot/thing';
import type { WotCounters } from '../../runtime/wot/counters';
import type { OutboundLink } from '../../runtime/wot/client-outbound';
import {
  BOARD_CONNECTION_LIMITS, ConnectionGuard, PHASE_BODY, PHASE_CLOSING, PHASE_IDLE, PHASE_RESPONDING, PHASE_STREAM, PHASE_WAITING,
  type ConnectionEntry, type ConnectionLimits, type ConnectionPhase,
} from '../../runtime/wot/connection-guard';
import type { OutboundBudgetOptions } from '../../runtime/outbound/outbound-budget';
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

/** The parts of Moddable's `socket` Socket this server uses (the typings omit listener sockets and typed reads). */
interface RawSocket {
  read(): number;
  read(type: typeof String, until?: string | number): string | undefined;
  read(type: typeof ArrayBuffer, count: number): ArrayBuffer;
  read(type: null, count: number): void;
  write(...data: (string | ArrayBuffer | number)[]): number;
  write(): number;
  close(): void;
  callback: ((message: number, value?: number) => void) | undefined;
}

/** The parts of `websocket`'s per-connection object this server uses. */
interface WsConnection {
  socket?: RawSocket;
  link?: WsLink;
  write(message: string): void;
  close(): void;
}

/** A WebSocket session and the connection it writes to, once the handshake is done. */
interface WsLink {
  session: WotSocketSession | undefined;
  connection: WsConnection | undefined;
  ready: boolean;
  /** The session's byte budget reads the socket through this. */
  outbound: OutboundLink;
  /** The connection's guard entry, forgotten when the WebSocket closes. */
  entry: ConnectionEntry | undefined;
}

type WsServer = WebSocketServer & { attach(socket: RawSocket): void };

/** Room a socket must have for an optional message to go out now (propertyStatus and the like are smaller). */
const SEND_ROOM_BYTES = 512;

const SOCKET_DATA = 2;
/** The peer's FIN (Moddable's kSocketMsgDisconnect; an error or reset is -2). */
const SOCKET_PEER_CLOSED = -1;
/** A reset or error (Moddable's kSocketMsgError). */
const SOCKET_GONE = -2;
/**
 * The socket keeps telling the app of acknowledgements and resets past the peer's FIN, so a
 * client that closes its side after its request (a half-close) can be answered: a Pico W's
 * (pico/lwip-lock.c; manifests/thingflow-net.json sets it). Moddable's socket on other boards
 * forgets both there (an ESP32's) or closes itself (lin's).
 */
const WRITES_AFTER_FIN = (config as { socketWritesAfterFin?: boolean }).socketWritesAfterFin === true;
/** How long a connection that sent a refused frame (too big, against the protocol) stays open for its peer to read the close frame and close. */
const REFUSED_LINGER_MS = 2000;
const SOCKET_WRITABLE = 3;

/** Read and drop whatever input has come; returns how many bytes that was. */
function dropInput(socket: RawSocket): number {
  const n = socket.read();
  if (n > 0) socket.read(null, n);
  return n;
}

/** A write's arguments as the socket takes them (strings as UTF-8, numbers as single bytes), in one buffer. */
function joined(data: (string | ArrayBuffer | number)[]): ArrayBuffer {
  if (data.length === 1 && data[0] instanceof ArrayBuffer) return data[0];
  let size = 0;
  for (let i = 0; i < data.length; i++) {
    const d = data[i];
    if (typeof d === 'string') data[i] = ArrayBuffer.fromString(d);
    size += typeof d === 'number' ? 1 : (data[i] as ArrayBuffer).byteLength;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    const d = data[i];
    if (typeof d === 'number') all[at++] = d;
    else {
      all.set(new Uint8Array(d as ArrayBuffer), at);
      at += (d as ArrayBuffer).byteLength;
    }
  }
  return all.buffer;
}

/** What is left of `buffer` from `from`, then `more`, in one buffer (a queue not yet all written, and a write behind it). */
function restThen(buffer: ArrayBuffer, from: number, more: ArrayBuffer): ArrayBuffer {
  const rest = buffer.byteLength - from;
  const all = new Uint8Array(rest + more.byteLength);
  all.set(new Uint8Array(buffer, from), 0);
  all.set(new Uint8Array(more), rest);
  return all.buffer;
}

/** Run `run` in `ms` (InFlightCap.peerClosed's timer). */
function afterMs(run: () => void, ms: number): void {
  Timer.set(run, ms);
}

/** No bytes held. */
const NOTHING_HELD = new Uint8Array(0);

/**
 * The socket `websocket`'s Server is given. Its first reads return the header lines already
 * consumed from the real socket (`websocket` parses the handshake itself). Then it is given whole
 * frames only: `websocket` reads a frame as if all of it had come, and Moddable's lwIP socket holds
 * one received segment at a time, so a message over a segment (a 3 KB one; a header sent before its
 * payload) was read short and its rest taken for frames of its own. What has come is held here
 * until its frames are whole, and made into frames `websocket` reads right (client-frames.ts: pings
 * answered, fragments joined). A frame announced over `maxMessageBytes` is refused from its header,
 * before anything is held for it (on a board the heap is the limit): its bytes are dropped, and the
 * connection is closed with 1009 (message too big); a frame against the protocol, with 1002.
 */
class ReplaySocket implements RawSocket, ClientFrameSink {
  callback: ((message: number, value?: number) => void) | undefined;
  private next = 0;
  /** Bytes taken from the real socket and not yet read by `websocket`: `held[heldAt, heldEnd)`. */
  private held = NOTHING_HELD;
  private heldAt = 0;
  private heldEnd = 0;
  /** How many of the held bytes make whole frames: what `websocket` may read now. */
  private whole = 0;
  /** Bytes from `heldAt` to the end of the frame still coming, once its header is in (0 before): room made for it at once. */
  private needed = 0;

  /** The client's frames, made into what `websocket` reads right. */
  private readonly frames: ClientFrames;
  /** A frame was refused (over `maxMessageBytes`: 1009; against the protocol: 1002), never handed to `websocket`: the connection is closing. */
  private refusedFrame = false;
  /** A close frame was sent (the server's, or the answer to the client's): no other after it. */
  private closeSent = false;
  /** The peer closed its side: there is no more room to write (the socket itself is still ours to close). */
  private peerGone = false;
  /** This side closed the real socket. */
  private closed = false;
  /** Closing: the timer that closes the socket if the peer has not (a refused frame) or has not acknowledged (close below). */
  private lingering: Timer | undefined;
  /** This socket's share of lwIP's heap (in-flight.ts): when the board's budget has room again, `websocket` sends what it holds. */
  private readonly inFlight: InFlightCap;
  /**
   * What was written while the board's budget had no room for it, `queued[queuedAt..]`, sent in order as
   * room comes (`sendQueued`). `websocket` writes without asking for room (its handshake, pongs): given to
   * the socket at once, such a write took a third segment's buffer of lwIP's 4,000-byte heap, and the
   * board stopped to wait for it (in-flight.ts).
   */
  private queued: ArrayBuffer | undefined;
  private queuedAt = 0;

  constructor(private readonly real: RawSocket, private readonly lines: string[], readonly link: WsLink, maxMessageBytes: number, private readonly refused: () => void, counters: WotCounters) {
    this.frames = new ClientFrames(maxMessageBytes, this);
    this.inFlight = new InFlightCap(() => {
      this.sendQueued();
      if (this.queued === undefined && link.outbound.drained !== undefined) link.outbound.drained();
    }, () => {
      // The client has acknowledged nothing for too long: the connection is closed (a reset, its window shut: pico/lwip-lock.c),
      // counted as an HTTP connection given up is, and the websocket module told, as of a peer gone, so that the session ends.
      counters.connectionsTimedOut++;
      this.closeNow();
      if (this.callback !== undefined) this.callback(SOCKET_GONE);
    });
    real.callback = (message: number, value?: number) => {
      if (message < 0) {
        this.peerGone = true;
        this.queued = undefined;
        this.inFlight.peerClosed(afterMs);
      }
      if (this.lingering !== undefined) {
        // Closed for the app, open for what it sent last to leave (close below): what comes in is dropped unread.
        if (message === SOCKET_DATA) dropInput(this.real);
        else if (message < 0) this.closeNow();
        else if (message === SOCKET_WRITABLE && !this.closed) {
          this.inFlight.report(this.real.write());
          this.sendQueued();
        }
        return;
      }
      if (message === SOCKET_DATA) {
        // Told only once there is a whole frame (or a header line still to replay).
        const readable = this.read();
        if (readable > 0 && this.callback !== undefined) this.callback(message, readable);
        return;
      }
      // What the client acknowledged is the board's again (in-flight.ts), whether or not more is to be sent.
      if (message === SOCKET_WRITABLE && !this.closed && !this.peerGone) {
        this.inFlight.report(this.real.write());
        this.sendQueued();
      }
      if (this.callback !== undefined) this.callback(message, value);
      // The socket has room again: what the byte budget held back may go out.
      if (message === SOCKET_WRITABLE && link.outbound.drained !== undefined) link.outbound.drained();
    };
  }

  /** Bytes the socket can take now (Moddable's `write()` without arguments), within MAX_IN_FLIGHT and the board's budget. */
  room(): number {
    // A closed socket has no room (asking it would throw "write on closed socket"), nor one closing (lingering),
    // nor one with writes queued (they go first).
    if (this.closed || this.peerGone || this.lingering !== undefined || this.queued !== undefined) return 0;
    this.inFlight.report(this.real.write());
    return this.inFlight.room();
  }

  read(type?: unknown, arg?: unknown): any {
    if (this.next < this.lines.length) {
      if (type === undefined) return this.lines[this.next].length;
      if (type === String && arg === '\n') return this.lines[this.next++];
    }
    if (type === undefined) {
      this.take();
      return this.whole;
    }
    const held = this.held; // `consume` lets go of it once all is read
    if (type === Number) return held[this.consume(1)];
    const n = typeof arg === 'number' && arg < this.whole ? arg : this.whole;
    const at = this.consume(n);
    if (type === null) return n;
    const bytes = held.slice(at, at + n).buffer as ArrayBuffer; // its own: `websocket` unmasks it in place
    return type === String ? String.fromArrayBuffer(bytes) : bytes;
  }

  /** Move what the real socket has (its segment at hand) to the held bytes, and make what is whole of them ready. */
  private take(): void {
    if (this.closed || this.refusedFrame) return;
    const n = this.real.read();
    if (n > 0) {
      if (this.heldEnd + n > this.held.length) this.makeRoom(n);
      this.held.set(new Uint8Array(this.real.read(ArrayBuffer, n) as ArrayBuffer), this.heldEnd);
      this.heldEnd += n;
    }
    const frames = this.frames;
    frames.scan(this.held, this.heldAt + this.whole, this.heldEnd);
    if (frames.refusal !== 0) {
      this.refuse(frames.refusal);
      return;
    }
    this.heldEnd = frames.end;
    this.whole = frames.readyEnd - this.heldAt;
    this.needed = frames.neededEnd > 0 ? frames.neededEnd - this.heldAt : 0;
    if (this.heldAt === this.heldEnd) this.letGo(); // all of it pings and pongs
  }

  /** A control frame: a pong, a close (the answer to the client's, or the server's own); one close at most, nothing once the peer has gone. */
  sendControl(opcode: number, payload: Uint8Array): void {
    if (this.closed || this.peerGone || (opcode === OP_CLOSE && this.closeSent)) return;
    if (opcode === OP_CLOSE) this.closeSent = true;
    this.write(0x80 | opcode, payload.length, payload.buffer as ArrayBuffer);
  }

  /** End the WebSocket with a close frame saying why (RFC 6455 7.4.1), unless one was sent. */
  sendClose(code: number): void {
    this.sendControl(OP_CLOSE, new Uint8Array([code >> 8, code & 0xff]));
  }

  /** Room for `n` more bytes, and for all of the frame still coming: one buffer per message, not one per segment (the C heap a board's XS heap grows into is shared with its radio and sockets). */
  private makeRoom(n: number): void {
    const left = this.heldEnd - this.heldAt;
    const room = new Uint8Array(left + n > this.needed ? left + n : this.needed);
    room.set(this.held.subarray(this.heldAt, this.heldEnd), 0);
    this.held = room;
    this.heldAt = 0;
    this.heldEnd = left;
  }

  /** Hand `n` held bytes (of whole frames, n <= whole) to a read: where they start. */
  private consume(n: number): number {
    const at = this.heldAt;
    this.heldAt += n;
    this.whole -= n;
    if (this.heldAt === this.heldEnd) this.letGo();
    return at;
  }

  private letGo(): void {
    this.held = NOTHING_HELD;
    this.heldAt = 0;
    this.heldEnd = 0;
  }

  /** A frame refused: drop what has come (the rest as it comes, close), send the close frame with `code` and end the WebSocket. */
  private refuse(code: number): void {
    this.refusedFrame = true;
    this.letGo();
    this.whole = 0;
    dropInput(this.real);
    this.sendClose(code);
    // Not from inside this read, which `websocket` may be making.
    Timer.set(this.refused, 0);
  }

  /**
   * A write, as one buffer: Moddable's socket makes a `tcp_write` of each argument (a frame's first byte,
   * its length, its payload), and the radio's input, run between two of them, sent the first alone: the
   * frame went out as two segments, two of lwIP's 1,532-byte buffers for one share of the budget, and a
   * third write made the board wait (an exploratory run's WebSocket sessions, 200 ms ACKs).
   */
  write(...data: (string | ArrayBuffer | number)[]): number {
    if (data.length === 0) return this.room();
    const bytes = joined(data);
    if (!this.closed && !this.peerGone && this.room() === 0) {
      // No room in the board's budget: held, in order, until there is.
      this.enqueue(bytes);
      return 0;
    }
    const written = this.real.write(bytes);
    // The socket's room after it says what this write holds (its bytes, counted as lwIP took them).
    if (!this.closed && !this.peerGone) this.inFlight.report(this.real.write());
    return written;
  }

  /** Add a write's bytes to the queue. */
  private enqueue(bytes: ArrayBuffer): void {
    const left = this.queued === undefined ? 0 : this.queued.byteLength - this.queuedAt;
    this.queued = left === 0 ? bytes : restThen(this.queued!, this.queuedAt, bytes);
    this.queuedAt = 0;
  }

  /** Give the socket what is queued, as much as the budget has room for; once all of it is out, close if closing. */
  private sendQueued(): void {
    const q = this.queued;
    if (q === undefined || this.closed || this.peerGone) return;
    this.inFlight.report(this.real.write());
    const room = this.inFlight.room();
    if (room <= 0) return;
    const left = q.byteLength - this.queuedAt;
    const n = left < room ? left : room;
    this.real.write(q.slice(this.queuedAt, this.queuedAt + n));
    this.queuedAt += n;
    this.inFlight.report(this.real.write());
    if (this.queuedAt < q.byteLength) return;
    this.queued = undefined;
    this.queuedAt = 0;
    // Closing once acknowledged (close below; not a refused frame's close, which waits for the peer).
    if (this.lingering !== undefined && !this.refusedFrame) this.inFlight.closeWhenAcknowledged(() => this.closeNow());
  }

  /**
   * After a refused frame the socket stays open, its input dropped unread, until the peer closes
   * its side (having read the close frame, 1009 or 1002: RFC 6455 7.1.1) or REFUSED_LINGER_MS have
   * passed. Closed at once, lwIP (ESP32, Pico W) resets a connection with unread input and drops
   * what it has not sent yet, the close frame with it: the client saw 1006, not 1009. Otherwise a
   * socket with a write out closes once the peer has acknowledged it, or ACK_WAIT_MS from now.
   */
  close(): void {
    if (this.closed || this.lingering !== undefined) return;
    if (this.refusedFrame && !this.peerGone) {
      dropInput(this.real);
      this.lingering = Timer.set(() => this.closeNow(), REFUSED_LINGER_MS);
      return;
    }
    if (!this.peerGone && (!this.inFlight.acknowledged() || this.queued !== undefined)) {
      // Not before the peer has acknowledged what was sent last, queued writes included (in-flight.ts says why),
      // or ACK_WAIT_MS from now.
      dropInput(this.real);
      this.lingering = Timer.set(() => this.closeNow(), ACK_WAIT_MS);
      if (this.queued === undefined) this.inFlight.closeWhenAcknowledged(() => this.closeNow()); // else once it is sent
      return;
    }
    this.closeNow();
  }

  /**
   * Close the real socket, also when the peer closed first: on lwIP its pcb waits in CLOSE_WAIT
   * until this side closes, Moddable's socket holds itself from the garbage collector until then,
   * and lwIP never reclaims a CLOSE_WAIT pcb for a new connection (a Pico W has five). lin's socket
   * closes itself once its disconnect callback returns, and then refuses a close.
   */
  private closeNow(): void {
    if (this.lingering !== undefined) Timer.clear(this.lingering);
    if (this.closed) return;
    this.closed = true;
    this.queued = undefined;
    this.inFlight.closeAndRelease(this.real);
  }
}

const enum State { RequestLine, Headers, Body, Responding, Lingering, Done }

/** One HTTP request on one accepted connection. */
class HttpConnection {
  private state = State.RequestLine;
  private partial = '';
  private method = '';
  private url = '';
  private readonly headers: { [name: string]: string } = {};
  /** Raw header lines, kept for a WebSocket hand-off. */
  private readonly headerLines: string[] = [];
  private remaining = 0;
  private readonly body: ArrayBuffer[] = [];
  /** Response bytes not yet accepted by the socket. */
  private out: ArrayBuffer | undefined;
  /**
   * The socket is given a segment at a time, within the board's budget (in-flight.ts): the rest when the client has
   * acknowledged it. A client that acknowledges nothing for too long (it stopped reading, or went away) is given up:
   * closed with its answer out, which lwIP turns into a reset when the client's window is shut (pico/lwip-lock.c).
   */
  private readonly inFlight = new InFlightCap(() => this.flush(), () => {
    this.server.counters.connectionsTimedOut++;
    this.finish();
  });
  private outOffset = 0;
  private closeWhenSent = false;
  /** The answer is sent and the connection waits for the client to acknowledge it before closing (close). */
  private closeDeferred = false;
  private cancelStream: (() => void) | undefined;
  private streamLink: OutboundLink | undefined;
  private hostCount = 0;
  /** After a 413: body bytes still to read and drop before closing, so the client can read the answer. */
  private discarding = 0;
  /** The request line said HTTP/1.1 (then a Host header is required). */
  private http11 = false;
  /** Answered before the request was all read (`respondNow`): more of it is on its way. */
  private refusedUnread = false;
  /** The client closed its side after its request (a half-close): nothing more comes in, the answer still goes out. */
  private inputEnded = false;
  /** This connection's entry in the server's ConnectionGuard (undefined once handed to the WebSocket server). */
  entry: ConnectionEntry | undefined;

  constructor(private readonly server: WebThingServer, private socket: RawSocket | undefined) {
    socket!.callback = (message: number, value?: number) => this.onSocket(message, value ?? 0);
  }

  /** The guard gave this waiting connection its place: read what it sent meanwhile. */
  admitted(): void {
    this.onSocket(SOCKET_DATA, 0);
  }

  private onSocket(message: number, value: number): void {
    try {
      // Waiting for a place: what it sends stays in the socket until then.
      if (message === SOCKET_DATA && this.entry?.phase === PHASE_WAITING) return;
      if (message === SOCKET_DATA) this.onData(value);
      else if (message === SOCKET_WRITABLE) this.flush();
      else if (message === SOCKET_PEER_CLOSED && WRITES_AFTER_FIN && this.state === State.Responding) {
        this.inputEnded = true;
        this.discarding = 0;
        this.flush();
      } else if (message < 0) {
        this.inFlight.peerClosed(afterMs);
        this.finish();
      }
    } catch (e) {
      // A malformed request or a socket error ends this connection only.
      this.finish();
    }
  }

  private onData(available: number): void {
    const socket = this.socket;
    if (socket === undefined) return;
    if (this.discarding > 0) {
      this.discarding -= dropInput(socket);
      if (this.discarding <= 0 && this.out === undefined) this.close();
      return;
    }
    if (this.state === State.Lingering) {
      dropInput(socket);
      return;
    }
    // `read()` first: Moddable's lwIP socket throws "nothing to read" once a segment is used up, and a segment may end a line.
    while ((this.state === State.RequestLine || this.state === State.Headers) && socket.read() > 0) {
      const chunk = socket.read(String, '\n');
      if (chunk === undefined || chunk.length === 0) return;
      const line = this.partial + chunk;
      if (line.length > 8192) {
        this.respondNow(431, 'request header line too long');
        return;
      }
      if (line.charCodeAt(line.length - 1) !== 10) {
        this.partial = line;
        return;
      }
      this.partial = '';
      if (this.state === State.RequestLine) {
        const parts = line.trim().split(' ');
        if (parts.length !== 3 || !parts[2].startsWith('HTTP/1.')) {
          this.respondNow(400, 'malformed request line');
          return;
        }
        this.method = parts[0];
        this.url = parts[1];
        this.http11 = parts[2] === 'HTTP/1.1';
        this.state = State.Headers;
      } else if (line === '\r\n' || line === '\n') {
        this.headersDone();
      } else {
        const colon = line.indexOf(':');
        if (colon <= 0) {
          this.respondNow(400, 'malformed header line');
          return;
        }
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'host') this.hostCount++;
        this.headers[name] = this.headers[name] === undefined ? value : `${this.headers[name]}, ${value}`;
        this.headerLines.push(line);
        if (this.headerLines.length > 100) this.respondNow(431, 'too many header lines');
      }
    }
    if (this.state === State.Body) {
      let n = socket.read();
      while (n > 0 && this.remaining > 0) {
        const take = n < this.remaining ? n : this.remaining;
        this.body.push(socket.read(ArrayBuffer, take));
        this.remaining -= take;
        n -= take;
      }
      if (this.remaining === 0) this.respond(this.server.handler.handle(this.request(this.joinBody())));
    }
    void available;
  }

  private headersDone(): void {
    if (this.http11 && this.hostCount === 0) {
      // As Node's server answers it (RFC 9112 §3.2); an allowedHosts check would otherwise have no name to judge.
      this.respondNow(400, 'an HTTP/1.1 request needs a Host header');
      return;
    }
    const upgrade = this.headers.upgrade;
    if (upgrade !== undefined && upgrade.toLowerCase() === 'websocket') {
      this.upgrade();
      return;
    }
    if (this.headers['transfer-encoding'] !== undefined) {
      this.respondNow(411, 'chunked request bodies are not accepted; send Content-Length');
      return;
    }
    // HTTP/1.1's Expect, as Node's server takes it: 100-continue is met, any other expectation refused (RFC 9110 §10.1.1).
    const expect = this.http11 ? this.headers.expect : undefined;
    if (expect !== undefined && expect.toLowerCase() !== '100-continue') {
      this.respondNow(417, `cannot meet the expectation '${expect}'`);
      return;
    }
    const length = this.headers['content-length'] === undefined ? 0 : Number(this.headers['content-length']);
    if (!(length >= 0) || Math.floor(length) !== length) {
      this.respondNow(400, 'malformed Content-Length');
      return;
    }
    if (length > this.server.handler.maxBodyBytes) {
      // Answer, read and drop up to maxDiscardBytes of the body (so the client reads the 413), then close.
      this.discarding = length < this.server.maxDiscardBytes ? length : this.server.maxDiscardBytes;
      this.server.enter(this, PHASE_BODY);
      this.respond(this.server.handler.tooLarge());
      return;
    }
    if (length === 0) {
      this.respond(this.server.handler.handle(this.request(undefined)));
      return;
    }
    // A client that asked for it waits for this before it sends the body (curl: a second); not for a body refused above.
    if (expect !== undefined) this.send(ArrayBuffer.fromString('HTTP/1.1 100 Continue\r\n\r\n'), false);
    this.remaining = length;
    this.state = State.Body;
    this.server.enter(this, PHASE_BODY);
  }

  private request(body: string | undefined): WotRequest {
    // Two Host fields: the handler answers 400 (RFC 9112 §3.2) when it sees them as a list.
    const headers: WotRequest['headers'] = this.hostCount > 1 ? { ...this.headers, host: this.headers.host.split(', ') } : this.headers;
    return { method: this.method, url: this.url, headers, body };
  }

  private joinBody(): string {
    return String.fromArrayBuffer(joined(this.body));
  }

  private upgrade(): void {
    const socket = this.socket!;
    const budget = this.server.handler.newOutboundBudget();
    const link: WsLink = {
      session: undefined,
      connection: undefined,
      ready: false,
      entry: this.entry,
      outbound: {
        // Moddable's socket says how much room it has, not what it holds, and its buffer is small
        // (1 KiB on lin): under SEND_ROOM_BYTES of room is read as over budget, so updates coalesce
        // until it reports room again (SOCKET_WRITABLE → drained).
        bufferedBytes: () => (replay === undefined || replay.room() >= SEND_ROOM_BYTES ? 0 : budget.maxBufferedBytes + 1),
        closeSlow: () => { if (link.connection !== undefined) this.server.closeWebSocket(link.connection, CLOSE_POLICY_VIOLATION); },
      },
    };
    let replay: ReplaySocket | undefined;
    const opened = this.server.handler.openSocket(this.request(undefined), (text) => {
      if (!link.ready || link.connection === undefined || link.connection.socket === undefined) return;
      try {
        link.connection.write(text);
      } catch {
        // A message bigger than the socket's room now ("can't write all data"): dropped and counted.
        this.server.handler.counters.dropped++;
      }
    }, link.outbound);
    if ('response' in opened) {
      this.respond(opened.response);
      return;
    }
    link.session = opened.session;
    // From here the socket belongs to the WebSocket server; its guard entry stays until it closes.
    this.server.enter(this, PHASE_STREAM);
    this.entry = undefined;
    this.socket = undefined;
    this.inFlight.release(); // the ReplaySocket's own share counts the socket from here
    this.state = State.Done;
    this.server.forget(this);
    replay = new ReplaySocket(socket, this.headerLines.concat(['\r\n']), link, this.server.handler.maxBodyBytes, () => {
      if (link.connection !== undefined) this.server.closeWebSocket(link.connection);
    }, this.server.counters);
    this.server.attachWebSocket(replay);
  }

  /** Refuse the request before it is all read (a malformed or oversized header, a chunked body): the rest is still to come. */
  private respondNow(status: number, message: string): void {
    this.refusedUnread = true;
    this.respond({ status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: `${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd(), message }) });
  }

  private respond(r: WotResponse): void {
    this.state = State.Responding;
    if (this.discarding === 0) this.server.enter(this, PHASE_RESPONDING);
    if (r.later !== undefined) {
      r.later((final) => {
        if (this.socket !== undefined) this.respond(final);
      });
      return;
    }
    let head = `HTTP/1.1 ${r.status} ${STATUS_TEXT[r.status] ?? ''}\r\nConnection: close\r\n`;
    const names = Object.keys(r.headers);
    for (let i = 0; i < names.length; i++) head += `${names[i]}: ${r.headers[names[i]]}\r\n`;
    if (r.stream !== undefined) {
      this.server.enter(this, PHASE_STREAM);
      this.send(ArrayBuffer.fromString(`${head}\r\n: stream open\n\n`), false);
      const link: OutboundLink = {
        bufferedBytes: () => (this.out === undefined ? 0 : this.out.byteLength - this.outOffset),
        closeSlow: () => this.finish(),
      };
      this.streamLink = link;
      this.cancelStream = r.stream((data) => {
        if (this.socket !== undefined) this.send(ArrayBuffer.fromString(`data: ${data}\n\n`), false);
      }, link);
      return;
    }
    const body = r.status === 204 || r.status === 304 || r.body === undefined ? undefined : ArrayBuffer.fromString(r.body);
    if (r.status !== 204 && r.status !== 304) head += `Content-Length: ${body === undefined ? 0 : body.byteLength}\r\n`;
    head += '\r\n';
    const headBytes = ArrayBuffer.fromString(head);
    if (body === undefined || this.method.toUpperCase() === 'HEAD') {
      this.send(headBytes, true);
      return;
    }
    const all = new Uint8Array(headBytes.byteLength + body.byteLength);
    all.set(new Uint8Array(headBytes), 0);
    all.set(new Uint8Array(body), headBytes.byteLength);
    this.send(all.buffer, true);
  }

  /** Queue bytes; the socket takes what fits now and the rest as it reports space. */
  private send(bytes: ArrayBuffer, last: boolean): void {
    if (this.out === undefined) {
      this.out = bytes;
      this.outOffset = 0;
    } else {
      this.out = restThen(this.out, this.outOffset, bytes);
      this.outOffset = 0;
    }
    if (last) this.closeWhenSent = true;
    this.flush();
  }

  private flush(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    // Each call tells the board's budget what the client acknowledged, also once the answer is all sent.
    this.inFlight.report(socket.write());
    if (this.out !== undefined) {
      const room = this.inFlight.room();
      const left = this.out.byteLength - this.outOffset;
      const n = left < room ? left : room;
      if (n > 0) {
        socket.write(this.out.slice(this.outOffset, this.outOffset + n));
        this.inFlight.sent(n);
        this.outOffset += n;
      }
      if (this.outOffset === this.out.byteLength) {
        this.out = undefined;
        if (this.streamLink !== undefined && this.streamLink.drained !== undefined) this.streamLink.drained();
      }
    }
    if (this.out === undefined && this.closeWhenSent && this.discarding <= 0) {
      this.closeWhenSent = false;
      this.close();
    }
  }

  /**
   * The answer is written: close, unless input is left unread: the rest of a request refused early,
   * or more than the request (a second request sent with the first, say). Closing with input unread
   * is a reset in lwIP, which throws away the answer not yet on the wire; so then wait for the client
   * to close (it was told `Connection: close`), dropping what it sends. The guard treats that
   * connection as idle: closed at the keep-alive timeout, or first when room is needed. Not always:
   * a client that keeps its end open would hold one of the board's few TCP connections meanwhile.
   */
  private close(): void {
    const socket = this.socket;
    if (socket !== undefined && !this.inFlight.acknowledged()) {
      // Not before the client has acknowledged the answer (in-flight.ts): the report of the acknowledgement
      // closes. Meanwhile the guard counts the connection closing: its place goes to a waiting connection at
      // once, it is never shed (its buffer would outlive its share of the budget), and a client that never
      // acknowledges is closed at the keep-alive timeout, which bounds the wait as ACK_WAIT_MS does for the
      // board's other sockets.
      if (!this.closeDeferred) this.server.enter(this, PHASE_CLOSING);
      this.closeDeferred = true;
      this.inFlight.closeWhenAcknowledged(() => this.close());
      return;
    }
    if (socket === undefined || this.inputEnded || (!this.refusedUnread && socket.read() === 0)) {
      this.finish();
      return;
    }
    this.state = State.Lingering;
    this.server.enter(this, PHASE_IDLE);
    dropInput(socket);
  }

  finish(): void {
    this.state = State.Done;
    const cancel = this.cancelStream;
    this.cancelStream = undefined;
    if (cancel !== undefined) cancel();
    const socket = this.socket;
    this.socket = undefined;
    this.inFlight.closeAndRelease(socket);
    this.server.forget(this);
    this.server.release(this.entry);
    this.entry = undefined;
  }
}

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
      const entry = this.guard.addOrWait(() => connection.finish(), () => connection.admitted(), Date.now());
      if (entry === undefined) {
        connection.finish();
        return;
      }
      connection.entry = entry;
      this.connections.push(connection);
    };
    this.sweeper = Timer.repeat(() => {
      this.guard.sweep(Date.now());
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
    this.guard.enter(c.entry, phase, Date.now());
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
        this.guard.admitWaiting(Date.now());
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
