/**
 * What one client (a WebSocket session, a server-sent event stream) is sent, kept within a byte
 * budget (runtime/outbound's OutboundBudget, the one mechanism for every outbound stream). Under
 * the budget a message goes out at once. Over it, a property update waits as the latest value of
 * its name (older ones are forgotten: `coalesced`), an event, action status or error reply is
 * dropped (`dropped`), and a client still over budget after `closeAfterMs` is closed (`closedSlow`).
 * The held values go out, oldest name first, when the host reports the stream drained.
 */
import { OutboundBudget, OUTBOUND_SEND, OUTBOUND_HOLD, OUTBOUND_CLOSE } from '../outbound/outbound-budget';
import type { WotCounters } from './counters';

/** The host's side of one outbound stream. */
export interface OutboundLink {
  /** Bytes written to the stream and not yet taken by the network (`bufferedAmount`, `writableLength`). */
  bufferedBytes(): number;
  /** Close the stream because the client is too slow (WebSocket 1008; SSE: end the response). */
  closeSlow(): void;
  /** The host's monotonic millisecond count (`performance.now()`, `Time.ticks`; never the wall clock, which steps): how long the stream is over its budget. */
  nowMs(): number;
  /** Set by the runtime: the host calls it when the stream has drained (a socket's `'drain'`). */
  drained?: () => void;
}

export class ClientOutbound {
  private readonly names: string[] = [];
  private readonly latest: { [key: string]: string } = Object.create(null);
  private closed = false;

  constructor(
    private readonly link: OutboundLink,
    private readonly write: (text: string) => void,
    private readonly budget: OutboundBudget,
    private readonly counters: WotCounters,
    /** Called once when the client is closed for being too slow (the owner unsubscribes it). */
    private readonly onClosed?: () => void,
  ) {
    link.drained = () => this.drained();
  }

  /** A message of which only the latest per `key` matters (a property's value). */
  sendLatest(key: string, text: string): void {
    const verdict = this.admit();
    if (verdict === OUTBOUND_SEND) {
      if (this.names.length > 0) {
        this.forget(key); // superseded by `text`
        this.flush();
      }
      this.write(text);
    } else if (verdict === OUTBOUND_HOLD) {
      if (this.latest[key] === undefined) this.names.push(key);
      this.latest[key] = text;
      this.counters.coalesced++;
    }
  }

  /** A message that may be dropped when the client is too slow (an event, a status, an error reply). */
  sendDroppable(text: string): void {
    const verdict = this.admit();
    if (verdict === OUTBOUND_SEND) {
      if (this.names.length > 0) this.flush();
      this.write(text);
    } else if (verdict === OUTBOUND_HOLD) {
      this.counters.dropped++;
    }
  }

  /** The host saw the stream drain: send what was held, while it fits. */
  drained(): void {
    if (this.names.length > 0 && this.admit() === OUTBOUND_SEND) this.flush();
  }

  /** Values held back now (at most one per property name). */
  get heldCount(): number {
    return this.names.length;
  }

  private admit(): number {
    if (this.closed) return OUTBOUND_CLOSE;
    const verdict = this.budget.admit(this.link.bufferedBytes(), this.link.nowMs());
    if (verdict === OUTBOUND_CLOSE) {
      this.closed = true;
      this.counters.closedSlow++;
      this.names.length = 0;
      this.link.closeSlow();
      if (this.onClosed !== undefined) this.onClosed();
    }
    return verdict;
  }

  private forget(key: string): void {
    if (this.latest[key] === undefined) return;
    delete this.latest[key];
    this.names.splice(this.names.indexOf(key), 1);
  }

  /** Send the held values, oldest name first, while the stream stays within budget. */
  private flush(): void {
    const names = this.names;
    let i = 0;
    while (i < names.length) {
      const key = names[i++];
      const text = this.latest[key];
      delete this.latest[key];
      this.write(text);
      if (this.link.bufferedBytes() > this.budget.maxBufferedBytes) break;
    }
    names.splice(0, i);
  }
}
