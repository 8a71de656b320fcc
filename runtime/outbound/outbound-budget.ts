/**
 * A byte budget for one outbound stream: a WebSocket session, an SSE response, an MQTT connection.
 *
 * A client that stops reading must not grow the sender's memory: the host reports how many bytes
 * the stream holds unsent (a socket's `writableLength`, a WebSocket's `bufferedAmount`, the Moddable
 * socket's queued bytes) and asks before each optional write. Under the budget the write goes out.
 * Over it the sender holds back — property updates coalesce to the latest value per name, events and
 * QoS 0 messages are dropped and counted — and a stream that stays over budget for `closeAfterMs`
 * is closed (WebSocket code 1008). One mechanism for every outbound stream, shared by both hosts.
 *
 * ```ts
 * const budget = new OutboundBudget({ maxBufferedBytes: 64 * 1024 });
 * switch (budget.admit(ws.bufferedAmount, clock.now())) {
 *   case OUTBOUND_SEND: ws.send(text); break;
 *   case OUTBOUND_HOLD: pending.set(name, value); break;   // or: dropped++
 *   case OUTBOUND_CLOSE: ws.close(1008, 'client too slow'); break;
 * }
 * ```
 */
export const OUTBOUND_SEND = 0;
export const OUTBOUND_HOLD = 1;
export const OUTBOUND_CLOSE = 2;
export type OutboundVerdict = typeof OUTBOUND_SEND | typeof OUTBOUND_HOLD | typeof OUTBOUND_CLOSE;

export interface OutboundBudgetOptions {
  /** Bytes a stream may hold unsent before the sender holds back. Default 64 KiB. */
  maxBufferedBytes?: number;
  /** How long a stream may stay over budget before it is closed, in ms. Default 10 s. */
  closeAfterMs?: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024;
export const DEFAULT_CLOSE_AFTER_MS = 10_000;

export class OutboundBudget {
  readonly maxBufferedBytes: number;
  readonly closeAfterMs: number;
  /** Writes held back (coalesced or dropped by the caller) since the stream opened. */
  held = 0;
  #over = false;
  #overSince = 0;

  constructor(opts: OutboundBudgetOptions = {}) {
    const max = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    const close = opts.closeAfterMs ?? DEFAULT_CLOSE_AFTER_MS;
    if (!(Number.isInteger(max) && max > 0)) throw new RangeError(`maxBufferedBytes must be a positive integer, got ${String(max)}`);
    if (!(close >= 0 && close <= 0x7fffffff)) throw new RangeError(`closeAfterMs must be between 0 and 2^31-1 ms, got ${String(close)}`);
    this.maxBufferedBytes = max;
    this.closeAfterMs = close;
  }

  /**
   * May an optional write go out now? `bufferedBytes` is what the stream holds unsent; `nowMs` is a
   * millisecond clock (Date.now() or Moddable's Time.ticks: the difference is taken modulo 2^32, so a
   * wrapping 32-bit tick counter works).
   */
  admit(bufferedBytes: number, nowMs: number): OutboundVerdict {
    if (bufferedBytes <= this.maxBufferedBytes) {
      this.#over = false;
      return OUTBOUND_SEND;
    }
    if (!this.#over) {
      this.#over = true;
      this.#overSince = nowMs;
    }
    this.held++;
    return ((nowMs - this.#overSince) >>> 0) >= this.closeAfterMs ? OUTBOUND_CLOSE : OUTBOUND_HOLD;
  }

  /** True while the last admit found the stream over budget. */
  get over(): boolean {
    return this.#over;
  }
}
