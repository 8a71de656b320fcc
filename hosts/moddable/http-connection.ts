import Time from 'time';
import { asciiLowerCase, asciiUpperCase } from '../../runtime/core/ascii-case';
import { STATUS_TEXT } from '../../runtime/wot/http-status';
import type { WotRequest, WotResponse } from '../../runtime/wot/request-handler';
import type { OutboundLink } from '../../runtime/wot/client-outbound';
import {
  PHASE_BODY, PHASE_CLOSING, PHASE_IDLE, PHASE_RESPONDING, PHASE_STREAM, PHASE_WAITING, type ConnectionEntry,
} from '../../runtime/wot/connection-guard';
import { CLOSE_POLICY_VIOLATION } from './client-frames';
import { InFlightCap } from './in-flight';
import { ReplaySocket, type WsLink } from './replay-socket';
import { SOCKET_DATA, SOCKET_PEER_CLOSED, SOCKET_WRITABLE, WRITES_AFTER_FIN, afterMs, dropInput, joined, restThen, type RawSocket } from './raw-socket';
import type { WebThingServer } from './wot-server';

/** Room a socket must have for an optional message to go out now (propertyStatus and the like are smaller). */
const SEND_ROOM_BYTES = 512;

const enum State { RequestLine, Headers, Body, Responding, Lingering, Done }

/** One HTTP request on one accepted connection. */
export class HttpConnection {
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
        const name = asciiLowerCase(line.slice(0, colon).trim());
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
    if (upgrade !== undefined && asciiLowerCase(upgrade) === 'websocket') {
      this.upgrade();
      return;
    }
    if (this.headers['transfer-encoding'] !== undefined) {
      this.respondNow(411, 'chunked request bodies are not accepted; send Content-Length');
      return;
    }
    // HTTP/1.1's Expect, as Node's server takes it: 100-continue is met, any other expectation refused (RFC 9110 §10.1.1).
    const expect = this.http11 ? this.headers.expect : undefined;
    if (expect !== undefined && asciiLowerCase(expect) !== '100-continue') {
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
        nowMs: () => Time.ticks,
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
        nowMs: () => Time.ticks,
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
    if (body === undefined || asciiUpperCase(this.method) === 'HEAD') {
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
