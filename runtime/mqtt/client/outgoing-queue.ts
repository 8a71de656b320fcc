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
 *
 * A retained message is its topic's state, and a broker keeps only the last
 * one: `supersededBy(m)` takes out the queued retained message a retained `m`
 * replaces, so a device's state published every minute holds one place in
 * the queue, not one a minute pushing its readings out.
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

  /**
   * The queued message a retained `m` supersedes, taken out: the last retained
   * one to m's topic, unless its QoS is higher than m's (a QoS 0 state may be
   * lost where the QoS 1 one it replaced would not), or `m` would then be
   * refused (the topic keeps the state it had). `undefined` when none.
   * The others keep their order; the caller pushes `m` after them.
   */
  supersededBy(m: OutgoingMessage): OutgoingMessage | undefined {
    const size = sizeOf(m);
    if (!m.retain || size > this.maxBytes) return undefined;
    for (let i = this.count - 1; i >= 0; i--) {
      const old = this.slots![(this.head + i) % this.limit]!;
      if (!old.retain || old.topic !== m.topic) continue;
      // Under 'oldest' the client evicts until `m` fits; under 'newest' it fits only in the room there is.
      if (old.qos > m.qos || (this.policy === 'newest' && this.byteCount - sizeOf(old) + size > this.maxBytes)) return undefined;
      this.removeAt(i);
      return old;
    }
    return undefined;
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

  /** Take out the message `i` places from the oldest, closing the gap (the newer ones move up one). */
  private removeAt(i: number): void {
    const slots = this.slots!;
    const last = this.count - 1;
    this.byteCount -= sizeOf(slots[(this.head + i) % this.limit]!);
    for (let j = i; j < last; j++) slots[(this.head + j) % this.limit] = slots[(this.head + j + 1) % this.limit];
    slots[(this.head + last) % this.limit] = undefined;
    this.count = last;
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
