import Timer from 'timer';
import type { Server as WebSocketServer } from 'websocket';
import type { WotSocketSession } from '../../runtime/wot/socket-session';
import type { OutboundLink } from '../../runtime/wot/client-outbound';
import type { ConnectionEntry } from '../../runtime/wot/connection-guard';
import type { WotCounters } from '../../runtime/wot/counters';
import { ACK_WAIT_MS, InFlightCap } from './in-flight';
import { ClientFrames, OP_CLOSE, type ClientFrameSink } from './client-frames';
import { SOCKET_DATA, SOCKET_GONE, SOCKET_WRITABLE, afterMs, dropInput, joined, restThen, type RawSocket } from './raw-socket';

/** The parts of `websocket`'s per-connection object this server uses. */
export interface WsConnection {
  socket?: RawSocket;
  link?: WsLink;
  write(message: string): void;
  close(): void;
}

/** A WebSocket session and the connection it writes to, once the handshake is done. */
export interface WsLink {
  session: WotSocketSession | undefined;
  connection: WsConnection | undefined;
  ready: boolean;
  /** The session's byte budget reads the socket through this. */
  outbound: OutboundLink;
  /** The connection's guard entry, forgotten when the WebSocket closes. */
  entry: ConnectionEntry | undefined;
}

export type WsServer = WebSocketServer & { attach(socket: RawSocket): void };

/** How long a connection that sent a refused frame (too big, against the protocol) stays open for its peer to read the close frame and close. */
const REFUSED_LINGER_MS = 2000;

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
export class ReplaySocket implements RawSocket, ClientFrameSink {
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
