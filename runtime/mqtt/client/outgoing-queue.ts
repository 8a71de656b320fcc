/**
 * The bounded queue of messages waiting for a connection (or for room in the
 * in-flight window). A ring buffer allocated once at its limit, when the first
 * message is queued: a board sizes it knowing its RAM, and a client that is
 * never offline (most of a fleet, most of the time) never pays for it. When full, the drop policy decides who goes: the
 * oldest message (keep the freshest readings, the default) or the new one
 * (keep the history that is already queued).
 *
 * Besides the count, the queue holds at most `maxBytes` of topics and
 * payloads: a hundred slots are harmless, a hundred 64 KiB payloads are not
 * on a board. `push` never goes over either limit; under 'oldest', call
 * `evictFor(m)` until it returns `undefined` first to make byte room (the
 * client does), since one message may need several smaller ones to go.
 */

export type DropPolicy = 'oldest' | 'newest';

/** A message as the client keeps it: payload already UTF-8 encoded. */
export interface OutgoingMessage {
  topic: string;
  /** `topic` in UTF-8, shared by every message to that topic. */
  topicBytes: Uint8Array;
  payload: Uint8Array;
  qos: 0 | 1;
  retain: boolean;
}

export class OutgoingQueue {
  private slots: (OutgoingMessage | undefined)[] | undefined;
  private head = 0;
  private count = 0;
  private byteCount = 0;

  constructor(readonly limit: number, readonly policy: DropPolicy = 'oldest', readonly maxBytes: number = Infinity) {
    if (!(limit >= 0) || limit !== Math.floor(limit)) throw new RangeError(`queue limit must be a whole number >= 0, got ${limit}`);
    if (!(maxBytes > 0)) throw new RangeError(`queue byte limit must be > 0, got ${maxBytes}`);
  }

  get length(): number {
    return this.count;
  }

  /** Bytes of topics and payloads held. */
  get bytes(): number {
    return this.byteCount;
  }

  /**
   * Under 'oldest': the oldest message, removed, while `m` would not fit the
   * byte limit; `undefined` once it would (or when nothing can help).
   */
  evictFor(m: OutgoingMessage): OutgoingMessage | undefined {
    if (this.policy !== 'oldest' || this.count === 0 || this.byteCount + sizeOf(m) <= this.maxBytes) return undefined;
    return this.shift();
  }

  /** Add `m`; returns the message dropped to make room (possibly `m` itself), or `undefined`. */
  push(m: OutgoingMessage): OutgoingMessage | undefined {
    if (this.limit === 0 || sizeOf(m) > this.maxBytes) return m;
    if (this.count === this.limit) {
      if (this.policy === 'newest') return m;
      // One eviction is all push makes: when that would not make byte room, `m` is refused instead.
      if (this.byteCount - sizeOf(this.slots![this.head]!) + sizeOf(m) > this.maxBytes) return m;
      const dropped = this.shift();
      this.pushUnchecked(m);
      return dropped;
    }
    if (this.byteCount + sizeOf(m) > this.maxBytes) return m;
    this.pushUnchecked(m);
    return undefined;
  }

  /** The oldest message, left in place; `undefined` when empty. */
  peek(): OutgoingMessage | undefined {
    return this.count === 0 ? undefined : this.slots![this.head];
  }

  /** The oldest message, removed; `undefined` when empty. */
  shift(): OutgoingMessage | undefined {
    if (this.count === 0) return undefined;
    const slots = this.slots!;
    const m = slots[this.head];
    slots[this.head] = undefined;
    this.head = (this.head + 1) % this.limit;
    this.count--;
    if (m !== undefined) this.byteCount -= sizeOf(m);
    return m;
  }

  private pushUnchecked(m: OutgoingMessage): void {
    const slots = (this.slots ??= new Array(this.limit));
    slots[(this.head + this.count) % this.limit] = m;
    this.count++;
    this.byteCount += sizeOf(m);
  }
}

function sizeOf(m: OutgoingMessage): number {
  return m.topicBytes.length + m.payload.length;
}
