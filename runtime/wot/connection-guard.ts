/**
 * Which connections a WoT server keeps, for both hosts: a cap on how many are open, and timeouts
 * that close (destroy, never half-close) a connection that is too slow to send its headers, too
 * slow to send its request, idle too long between requests, or taking nothing of its answer for
 * too long. When the cap is reached, the
 * oldest idle connection (between requests, or still sending headers for at least `shedGraceMs`)
 * is closed to make room; connections being answered or carrying a WebSocket or event stream are
 * never shed (those are bounded by `maxSessions` and the byte budget), nor those closing once their
 * answer is acknowledged, which hold no place. With none to shed, the new connection is closed
 * (`add`) or, on a host whose sockets can hold their input unread, waits for a place (`addOrWait`),
 * first come first served.
 *
 * No timer per connection: the host calls `sweep(now)` about once a second. Every `now` is the host's
 * monotonic millisecond count (`performance.now()`, Moddable's `Time.ticks`), never the wall clock,
 * which steps (SNTP, NTP); durations are taken modulo 2^32, so a board's 32-bit count may wrap.
 *
 * ```ts
 * const guard = new ConnectionGuard({ maxConnections: 8 }, NODE_CONNECTION_LIMITS, handler.counters);
 * const entry = guard.add(() => socket.destroy(), performance.now());   // undefined: no room, close it
 * guard.enter(entry, PHASE_RESPONDING, performance.now());               // headers read: being answered
 * ```
 */
import type { WotCounters } from './counters';

/** Waiting for (the rest of) a request's headers: the headers timeout runs. */
export const PHASE_HEADERS = 0;
/** Headers read, reading the body: the request timeout runs (from when the request began). */
export const PHASE_BODY = 1;
/** The request is being answered (perhaps waiting for an action): no timeout. */
export const PHASE_RESPONDING = 2;
/** Between requests on a kept-alive connection, or answered and waiting for its client to close (a board, with input unread): the keep-alive timeout runs. */
export const PHASE_IDLE = 3;
/** A WebSocket session or an event stream: no timeout (the byte budget watches it). */
export const PHASE_STREAM = 4;
/** Accepted, waiting for a place (`addOrWait`), its input not read: the headers timeout runs. */
export const PHASE_WAITING = 5;
/**
 * Answered, and closing once its client has acknowledged the answer (a board's socket: lwIP keeps an
 * unacknowledged write's buffer, and the board's budget counts it until then, hosts/moddable/in-flight.ts):
 * the keep-alive timeout bounds the wait. It gives up its place at once (a waiting connection may take
 * it: its answer waits for the budget, not for this close), and it is never shed: closed now, its buffer
 * would stay in lwIP's heap while the budget counted it no more, and the next write would overfill the heap.
 */
export const PHASE_CLOSING = 6;
/**
 * The answer is given to the socket and its client has not taken all of it: the send timeout runs from the
 * client's last progress (the host enters the phase again at each). A client that stops reading an answer
 * larger than the socket buffers would otherwise keep its place for as long as it lives. (A board gives up
 * such a write by its own sweep, hosts/moddable/in-flight.ts.)
 */
export const PHASE_SENDING = 7;
export type ConnectionPhase = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface ConnectionLimits {
  /** Connections open at once. Node: 128; a board: its socket count less what it needs for itself. */
  maxConnections: number;
  /** From the connection (or the end of the previous request) to the end of the headers, in ms. */
  headersTimeoutMs: number;
  /** From the start of a request to the end of its body, in ms. */
  requestTimeoutMs: number;
  /** Idle between requests on a kept-alive connection, in ms. */
  keepAliveTimeoutMs: number;
  /** An answer its client takes nothing of (PHASE_SENDING), in ms from the client's last progress. Node; a board gives such a write up by its own sweep (STALLED_MS). */
  sendTimeoutMs: number;
  /**
   * How long a connection still sending its headers is spared from being shed for a newer one, in
   * ms. Younger, it has had no time to send its request: clients arriving together would shed each
   * other (a board accepts a burst before it reads any of them). It only helps where the newer
   * connection can wait for a place instead (`addOrWait`): Node, which reads every connection it
   * accepts, sheds at once (0), so that a flood of new connections cannot lock clients out.
   */
  shedGraceMs: number;
}

export const NODE_CONNECTION_LIMITS: ConnectionLimits = Object.freeze({
  maxConnections: 128, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, sendTimeoutMs: 30_000, shedGraceMs: 0,
});
export const BOARD_CONNECTION_LIMITS: ConnectionLimits = Object.freeze({
  maxConnections: 6, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 2_000, sendTimeoutMs: 10_000, shedGraceMs: 1_000,
});

export interface ConnectionEntry {
  phase: ConnectionPhase;
  /** When the current phase began (for PHASE_BODY: when the request began). */
  since: number;
  readonly close: () => void;
  /** A waiting connection got its place (it is in PHASE_HEADERS now): read what it sent. */
  readonly admitted?: () => void;
}

export class ConnectionGuard {
  readonly limits: ConnectionLimits;
  private readonly open: ConnectionEntry[] = [];
  /** Connections in PHASE_CLOSING: out of `open` (they hold no place), still timed out by `sweep`. */
  private readonly closing: ConnectionEntry[] = [];
  /** Connections waiting for a place, oldest first. */
  private readonly waiting: ConnectionEntry[] = [];

  constructor(limits: Partial<ConnectionLimits> | undefined, defaults: ConnectionLimits, private readonly counters: WotCounters) {
    const l: ConnectionLimits = {
      maxConnections: limits?.maxConnections ?? defaults.maxConnections,
      headersTimeoutMs: limits?.headersTimeoutMs ?? defaults.headersTimeoutMs,
      requestTimeoutMs: limits?.requestTimeoutMs ?? defaults.requestTimeoutMs,
      keepAliveTimeoutMs: limits?.keepAliveTimeoutMs ?? defaults.keepAliveTimeoutMs,
      sendTimeoutMs: limits?.sendTimeoutMs ?? defaults.sendTimeoutMs,
      shedGraceMs: limits?.shedGraceMs ?? defaults.shedGraceMs,
    };
    if (!(Number.isInteger(l.maxConnections) && l.maxConnections >= 1)) throw new RangeError(`maxConnections must be a positive integer, got ${String(l.maxConnections)}`);
    if (!(l.shedGraceMs >= 0 && l.shedGraceMs <= 0x7fffffff)) throw new RangeError(`shedGraceMs must be between 0 and 2^31-1 ms, got ${String(l.shedGraceMs)}`);
    const t = [l.headersTimeoutMs, l.requestTimeoutMs, l.keepAliveTimeoutMs, l.sendTimeoutMs];
    for (let i = 0; i < t.length; i++) {
      if (!(t[i] > 0 && t[i] <= 0x7fffffff)) throw new RangeError(`connection timeouts must be between 1 ms and 2^31-1 ms, got ${String(t[i])}`);
    }
    this.limits = l;
  }

  /** Connections holding a place now (waiting and closing ones not included). */
  get size(): number {
    return this.open.length;
  }

  /** Connections waiting for a place now. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /**
   * A new connection: tracked in PHASE_HEADERS, after shedding the oldest idle one when full.
   * `undefined` when there is none to shed: the host closes the new one.
   */
  add(close: () => void, now: number): ConnectionEntry | undefined {
    if (!this.makeRoom(now)) {
      this.counters.connectionsShed++;
      return undefined;
    }
    return this.track({ phase: PHASE_HEADERS, since: now, close });
  }

  /**
   * A new connection that can wait for a place: tracked in PHASE_HEADERS when there is room (or one
   * to shed) and nobody waits before it; otherwise it waits in PHASE_WAITING, and `admitWaiting`
   * later gives it a place and calls `admitted`. `undefined` when as many wait as may be open: the
   * host closes the new one. The host reads nothing from a waiting connection.
   */
  addOrWait(close: () => void, admitted: () => void, now: number): ConnectionEntry | undefined {
    if (this.waiting.length === 0 && this.makeRoom(now)) return this.track({ phase: PHASE_HEADERS, since: now, close, admitted });
    if (this.waiting.length >= this.limits.maxConnections) {
      this.counters.connectionsShed++;
      return undefined;
    }
    const entry: ConnectionEntry = { phase: PHASE_WAITING, since: now, close, admitted };
    this.waiting.push(entry);
    this.counters.connectionsWaited++;
    return entry;
  }

  /**
   * Give waiting connections their places, first come first served, while there is room or one to
   * shed. The host calls it after a connection closed (not from inside that close: an admitted
   * connection reads at once) and `sweep` calls it.
   */
  admitWaiting(now: number): void {
    while (this.waiting.length > 0 && this.makeRoom(now)) {
      const entry = this.waiting.shift()!;
      entry.phase = PHASE_HEADERS;
      entry.since = now;
      this.track(entry);
      entry.admitted?.();
    }
  }

  /** The connection is in `phase` from `now`. Entering PHASE_CLOSING gives up its place: the host admits a waiting connection then (`admitWaiting`). */
  enter(entry: ConnectionEntry, phase: ConnectionPhase, now: number): void {
    entry.phase = phase;
    entry.since = now;
    if (phase !== PHASE_CLOSING) return;
    const i = this.open.indexOf(entry);
    if (i < 0) return;
    this.open.splice(i, 1);
    this.closing.push(entry);
  }

  /** The connection closed (for whatever reason): forget it, open, closing or waiting. */
  remove(entry: ConnectionEntry): void {
    const w = this.waiting.indexOf(entry);
    if (w >= 0) this.waiting.splice(w, 1);
    const c = this.closing.indexOf(entry);
    if (c >= 0) this.closing.splice(c, 1);
    const i = this.open.indexOf(entry);
    if (i >= 0) this.open.splice(i, 1);
    this.counters.connections = this.open.length + this.closing.length;
  }

  /** Close every connection past its timeout (one that waited as long as its headers may take included), then admit waiting ones. */
  sweep(now: number): void {
    const l = this.limits;
    this.dropPast(this.waiting, l.headersTimeoutMs, now);
    this.dropPast(this.closing, l.keepAliveTimeoutMs, now);
    for (let i = this.open.length - 1; i >= 0; i--) {
      const e = this.open[i];
      if (e === undefined) continue; // removed by an earlier close in this sweep
      const limit = e.phase === PHASE_HEADERS ? l.headersTimeoutMs : e.phase === PHASE_BODY ? l.requestTimeoutMs : e.phase === PHASE_IDLE ? l.keepAliveTimeoutMs : e.phase === PHASE_SENDING ? l.sendTimeoutMs : -1;
      if (limit >= 0 && msSince(e.since, now) >= limit) {
        this.counters.connectionsTimedOut++;
        this.drop(e);
      }
    }
    this.admitWaiting(now);
  }

  /** Close each connection of `list` that has been in its phase `limitMs` or longer. */
  private dropPast(list: ConnectionEntry[], limitMs: number, now: number): void {
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i];
      if (e !== undefined && msSince(e.since, now) >= limitMs) { // undefined: removed by an earlier close in this sweep
        this.counters.connectionsTimedOut++;
        this.drop(e);
      }
    }
  }

  private track(entry: ConnectionEntry): ConnectionEntry {
    this.open.push(entry);
    this.counters.connections = this.open.length + this.closing.length;
    return entry;
  }

  /** True when one more connection may be open: below the cap, or one was shed to make room. */
  private makeRoom(now: number): boolean {
    return this.open.length < this.limits.maxConnections || this.shedOne(now);
  }

  /**
   * Close the oldest connection that is idle, or else the oldest still sending its headers for at
   * least `shedGraceMs`; false if there is none.
   */
  private shedOne(now: number): boolean {
    let victim: ConnectionEntry | undefined;
    const grace = this.limits.shedGraceMs;
    for (let i = 0; i < this.open.length; i++) {
      const e = this.open[i];
      if (e.phase !== PHASE_IDLE && (e.phase !== PHASE_HEADERS || msSince(e.since, now) < grace)) continue;
      // Idle connections go before those sending headers; among equals, the oldest.
      if (victim === undefined || (e.phase === PHASE_IDLE && victim.phase !== PHASE_IDLE) || (e.phase === victim.phase && msSince(e.since, now) > msSince(victim.since, now))) victim = e;
    }
    if (victim === undefined) return false;
    this.counters.connectionsShed++;
    this.drop(victim);
    return true;
  }

  private drop(e: ConnectionEntry): void {
    this.remove(e);
    try {
      e.close();
    } catch {
      // already closed by the peer
    }
  }
}

/** Milliseconds from `since` to `now` on a count that may wrap at 2^32 (a board's ticks). */
function msSince(since: number, now: number): number {
  return (now - since) >>> 0;
}
