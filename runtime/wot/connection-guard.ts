/**
 * Which connections a WoT server keeps, for both hosts: a cap on how many are open, and timeouts
 * that close (destroy, never half-close) a connection that is too slow to send its headers, too
 * slow to send its request, or idle too long between requests. When the cap is reached, the
 * oldest idle connection (between requests, or still sending headers) is closed to make room;
 * connections being answered or carrying a WebSocket or event stream are never shed (those are
 * bounded by `maxSessions` and the byte budget). With none to shed, the new connection is closed.
 *
 * No timer per connection: the host calls `sweep(now)` about once a second.
 *
 * ```ts
 * const guard = new ConnectionGuard({ maxConnections: 8 }, handler.counters);
 * const entry = guard.add(() => socket.destroy(), Date.now());   // undefined: no room, close it
 * guard.enter(entry, PHASE_RESPONDING, Date.now());               // headers read: being answered
 * ```
 */
import type { WotCounters } from './counters';

/** Waiting for (the rest of) a request's headers: the headers timeout runs. */
export const PHASE_HEADERS = 0;
/** Headers read, reading the body: the request timeout runs (from when the request began). */
export const PHASE_BODY = 1;
/** The request is being answered (perhaps waiting for an action): no timeout. */
export const PHASE_RESPONDING = 2;
/** Between requests on a kept-alive connection: the keep-alive timeout runs. */
export const PHASE_IDLE = 3;
/** A WebSocket session or an event stream: no timeout (the byte budget watches it). */
export const PHASE_STREAM = 4;
export type ConnectionPhase = 0 | 1 | 2 | 3 | 4;

export interface ConnectionLimits {
  /** Connections open at once. Node: 128; a board: its socket count less what it needs for itself. */
  maxConnections: number;
  /** From the connection (or the end of the previous request) to the end of the headers, in ms. */
  headersTimeoutMs: number;
  /** From the start of a request to the end of its body, in ms. */
  requestTimeoutMs: number;
  /** Idle between requests on a kept-alive connection, in ms. */
  keepAliveTimeoutMs: number;
}

export const NODE_CONNECTION_LIMITS: ConnectionLimits = Object.freeze({
  maxConnections: 128, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000,
});
export const BOARD_CONNECTION_LIMITS: ConnectionLimits = Object.freeze({
  maxConnections: 6, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 2_000,
});

export interface ConnectionEntry {
  phase: ConnectionPhase;
  /** When the current phase began (for PHASE_BODY: when the request began). */
  since: number;
  readonly close: () => void;
}

export class ConnectionGuard {
  readonly limits: ConnectionLimits;
  private readonly open: ConnectionEntry[] = [];

  constructor(limits: Partial<ConnectionLimits> | undefined, defaults: ConnectionLimits, private readonly counters: WotCounters) {
    const l: ConnectionLimits = {
      maxConnections: limits?.maxConnections ?? defaults.maxConnections,
      headersTimeoutMs: limits?.headersTimeoutMs ?? defaults.headersTimeoutMs,
      requestTimeoutMs: limits?.requestTimeoutMs ?? defaults.requestTimeoutMs,
      keepAliveTimeoutMs: limits?.keepAliveTimeoutMs ?? defaults.keepAliveTimeoutMs,
    };
    if (!(Number.isInteger(l.maxConnections) && l.maxConnections >= 1)) throw new RangeError(`maxConnections must be a positive integer, got ${String(l.maxConnections)}`);
    const t = [l.headersTimeoutMs, l.requestTimeoutMs, l.keepAliveTimeoutMs];
    for (let i = 0; i < t.length; i++) {
      if (!(t[i] > 0 && t[i] <= 0x7fffffff)) throw new RangeError(`connection timeouts must be between 1 ms and 2^31-1 ms, got ${String(t[i])}`);
    }
    this.limits = l;
  }

  /** Connections tracked now. */
  get size(): number {
    return this.open.length;
  }

  /**
   * A new connection: tracked in PHASE_HEADERS, after shedding the oldest idle one when full.
   * `undefined` when every open connection is busy: the host closes the new one.
   */
  add(close: () => void, now: number): ConnectionEntry | undefined {
    if (this.open.length >= this.limits.maxConnections && !this.shedOne()) {
      this.counters.connectionsShed++;
      return undefined;
    }
    const entry: ConnectionEntry = { phase: PHASE_HEADERS, since: now, close };
    this.open.push(entry);
    this.counters.connections = this.open.length;
    return entry;
  }

  enter(entry: ConnectionEntry, phase: ConnectionPhase, now: number): void {
    entry.phase = phase;
    entry.since = now;
  }

  /** The connection closed (for whatever reason): forget it. */
  remove(entry: ConnectionEntry): void {
    const i = this.open.indexOf(entry);
    if (i < 0) return;
    this.open.splice(i, 1);
    this.counters.connections = this.open.length;
  }

  /** Close every connection past its timeout. */
  sweep(now: number): void {
    const l = this.limits;
    for (let i = this.open.length - 1; i >= 0; i--) {
      const e = this.open[i];
      if (e === undefined) continue; // removed by an earlier close in this sweep
      const limit = e.phase === PHASE_HEADERS ? l.headersTimeoutMs : e.phase === PHASE_BODY ? l.requestTimeoutMs : e.phase === PHASE_IDLE ? l.keepAliveTimeoutMs : -1;
      if (limit >= 0 && now - e.since >= limit) {
        this.counters.connectionsTimedOut++;
        this.drop(e);
      }
    }
  }

  /** Close the oldest connection that is idle or still sending its headers; false if there is none. */
  private shedOne(): boolean {
    let victim: ConnectionEntry | undefined;
    for (let i = 0; i < this.open.length; i++) {
      const e = this.open[i];
      if (e.phase !== PHASE_IDLE && e.phase !== PHASE_HEADERS) continue;
      // Idle connections go before those sending headers; among equals, the oldest.
      if (victim === undefined || (e.phase === PHASE_IDLE && victim.phase !== PHASE_IDLE) || (e.phase === victim.phase && e.since < victim.since)) victim = e;
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
