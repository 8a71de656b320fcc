/**
 * The bounded queue of messages waiting for a connection (or for room in the
 * in-flight window). A ring buffer allocated once at its limit: a board sizes
 * it knowing its RAM. When full, the drop policy decides who goes: the
 * oldest message (keep the freshest readings, the default) or the new one
 * (keep the history that is already queued).
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
  private readonly slots: (OutgoingMessage | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly limit: number, readonly policy: DropPolicy = 'oldest') {
    if (!(limit >= 0) || limit !== Math.floor(limit)) throw new RangeError(`queue limit must be a whole number >= 0, got ${limit}`);
    this.slots = new Array(limit);
  }

  get length(): number {
    return this.count;
  }

  /** Add `m`; returns the message dropped to make room (possibly `m` itself), or `undefined`. */
  push(m: OutgoingMessage): OutgoingMessage | undefined {
    if (this.limit === 0) return m;
    if (this.count === this.limit) {
      if (this.policy === 'newest') return m;
      const dropped = this.shift();
      this.pushUnchecked(m);
      return dropped;
    }
    this.pushUnchecked(m);
    return undefined;
  }

  /** The oldest message, left in place; `undefined` when empty. */
  peek(): OutgoingMessage | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /** The oldest message, removed; `undefined` when empty. */
  shift(): OutgoingMessage | undefined {
    if (this.count === 0) return undefined;
    const m = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.limit;
    this.count--;
    return m;
  }

  private pushUnchecked(m: OutgoingMessage): void {
    this.slots[(this.head + this.count) % this.limit] = m;
    this.count++;
  }
}
