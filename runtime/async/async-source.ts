import { isFatal } from '../core/errors';
import { OutputThing } from '../core/output-thing';
import { StopIteration } from '../core/sensor';

export interface AsyncSourceOptions {
  /** A failed call: `'error'` (default) ends the stream; `'skip'` counts it in `skippedReads` and tries again next time. */
  readErrors?: 'error' | 'skip';
  onReadError?: (e: unknown) => void;
}

/**
 * An output thing fed by async work (ThingFlow's blocking output things):
 * each time the scheduler observes it, it starts `produce()` and returns at
 * once; the value goes downstream when the promise resolves. While a call is
 * still running, an observation starts no second one (counted in `overlaps`),
 * so a slow service never piles up calls. `undefined` means nothing this
 * time; a rejection with `StopIteration` ends the stream.
 *
 * ```ts
 * const weather = new AsyncSource(() => fetch(url).then((r) => r.json()));
 * scheduler.schedulePeriodic(weather, 600);
 * ```
 */
export class AsyncSource<T> extends OutputThing<T> {
  /** Values emitted. */
  emitted = 0;
  /** Observations that found the previous call still running. */
  overlaps = 0;
  /** Failed calls skipped (with `readErrors: 'skip'`). */
  skippedReads = 0;
  private busy = false;
  private readonly skipFailures: boolean;
  private readonly onReadError: ((e: unknown) => void) | undefined;
  private readonly resolved = (v: T | undefined): void => this.onValue(v);
  private readonly rejected = (e: unknown): void => this.onFailure(e);

  constructor(private readonly produce: (timestampSec: number) => PromiseLike<T | undefined>, opts: AsyncSourceOptions = {}) {
    super();
    this.skipFailures = opts.readErrors === 'skip';
    this.onReadError = opts.onReadError;
  }

  override observe(timestampSec: number): void {
    if (this.closed) return;
    if (this.busy) {
      this.overlaps++;
      return;
    }
    this.busy = true;
    let p: PromiseLike<T | undefined>;
    try {
      p = this.produce(timestampSec);
    } catch (e) {
      if (isFatal(e)) throw e;
      this.onFailure(e);
      return;
    }
    p.then(this.resolved, this.rejected);
  }

  private onValue(v: T | undefined): void {
    this.busy = false;
    if (v === undefined || this.closed) return;
    this.emitted++;
    this.dispatchNext(v);
  }

  private onFailure(e: unknown): void {
    this.busy = false;
    if (this.closed) return;
    if (e instanceof StopIteration) this.dispatchCompleted();
    else if (this.skipFailures) {
      this.skippedReads++;
      this.onReadError?.(e);
    } else this.dispatchError(e);
  }

  override toString(): string {
    return `AsyncSource(${this.emitted} events)`;
  }
}
