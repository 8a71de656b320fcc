import { OutputThing } from '../core/output-thing';

/**
 * A source for events that arrive by themselves (ThingFlow's external event
 * streams): a host callback, a message handler, an interrupt calls `push`.
 * Each event goes downstream at once, guarded per connection like any
 * dispatch; nothing is queued, nothing polled, nothing allocated here.
 *
 * ```ts
 * const clicks = new PushSource<MouseEvent>();
 * element.addEventListener('click', (e) => clicks.push(e));
 * clicks.where((e) => e.shiftKey).connect(sink);
 * ```
 * After `complete()` or `error()` a `push` is not an error (a host callback
 * may still fire): it is counted in `droppedAfterClose`.
 */
export class PushSource<T> extends OutputThing<T> {
  /** Events pushed and dispatched. */
  pushed = 0;
  /** Pushes that came after the stream ended. */
  droppedAfterClose = 0;

  push(x: T): void {
    if (this.closed) {
      this.droppedAfterClose++;
      return;
    }
    this.pushed++;
    this.dispatchNext(x);
  }

  complete(): void {
    if (!this.closed) this.dispatchCompleted();
  }

  error(e: unknown): void {
    if (!this.closed) this.dispatchError(e);
  }

  override toString(): string {
    return `PushSource(${this.pushed} events)`;
  }
}
