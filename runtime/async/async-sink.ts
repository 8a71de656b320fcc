import { isFatal } from '../core/errors';
import type { InputThing } from '../core/input-thing';
import { OutputThing } from '../core/output-thing';
import { reportError } from '../core/report-error';
import { defaultClock, ticksDiff, type Clock } from '../scheduler/clock';
import { backoffDelayMs, type BackoffOptions } from './backoff';

const FREE = 0;
const QUEUED = 1;
const RUNNING = 2;
const BACKING_OFF = 3;
const DONE = 4;
const FAILED = 5;

/** One event's place in the queue; slots are made once and reused, with their promise callbacks bound once. */
class Slot<T, R> {
  state = FREE;
  value: T | undefined;
  result: R | undefined;
  error: unknown;
  attempts = 0;
  retryAt = 0;
  readonly resolved: (r: R) => void;
  readonly rejected: (e: unknown) => void;
  constructor(owner: AsyncSink<T, R>) {
    this.resolved = (r: R) => owner.settle(this, true, r);
    this.rejected = (e: unknown) => owner.settle(this, false, e);
  }
}

export interface AsyncSinkOptions<T, R> {
  /** The async work for one event: an HTTP POST, a database write. */
  handler: (x: T) => PromiseLike<R>;
  /** Calls in flight at once (default 1). */
  concurrency?: number;
  /**
   * Events held at once: waiting, in flight, retrying, or done and waiting
   * for an earlier one to finish (default 64). An event that finds the queue
   * full is dropped and counted in `dropped`, never queued without bound.
   */
  queueLimit?: number;
  /** Further attempts after a failed call (default 0). */
  retries?: number;
  /** Back-off between attempts (default 100 ms doubling to 30 s). */
  backoff?: BackoffOptions;
  /** The clock back-off waits on; default the host's (its own instance: one pending wake each). */
  clock?: Clock;
  /** An event dropped because the queue was full. */
  onDrop?: (x: T) => void;
  /** An event whose every attempt failed (default: reported). */
  onFailure?: (x: T, e: unknown) => void;
}

/**
 * The JavaScript form of ThingFlow's blocking input things: hands each event
 * to a Promise-returning `handler` and returns at once, so the scheduler never
 * waits on slow I/O. Up to `concurrency` calls run at once; results go
 * downstream in the order the events came (an output thing of results), with
 * `retries` and back-off for failed calls. `onCompleted` (or `onError`)
 * from upstream flushes: queued work finishes, then the end goes downstream.
 *
 * ```ts
 * sensor.connect(new AsyncSink({ handler: (e) => fetch(url, { method: 'POST', body: JSON.stringify(e) }), concurrency: 2, retries: 3 }));
 * ```
 */
export class AsyncSink<T, R = unknown> extends OutputThing<R> implements InputThing<T> {
  /** Events taken into the queue. */
  accepted = 0;
  /** Events whose call succeeded (results emitted in order). */
  completed = 0;
  /** Events given up on after every attempt failed. */
  failed = 0;
  /** Attempts repeated after a failure. */
  retried = 0;
  /** Events dropped because the queue was full. */
  dropped = 0;
  private readonly handler: (x: T) => PromiseLike<R>;
  private readonly concurrency: number;
  private readonly retries: number;
  private readonly backoff: BackoffOptions | undefined;
  private readonly onDrop: ((x: T) => void) | undefined;
  private readonly onFailure: ((x: T, e: unknown) => void) | undefined;
  private clock: Clock | undefined;
  private readonly ring: Slot<T, R>[];
  private head = 0;
  private count = 0;
  private running = 0;
  private waking = false;
  private ending: 'completed' | 'error' | undefined;
  private endError: unknown;
  private idleWaiters: (() => void)[] = [];
  private readonly retryWake = (): void => this.onRetryWake();

  constructor(opts: AsyncSinkOptions<T, R>) {
    super();
    if (typeof opts.handler !== 'function') throw new TypeError('AsyncSink: handler must be a function returning a promise');
    this.handler = opts.handler;
    this.concurrency = opts.concurrency ?? 1;
    const limit = opts.queueLimit ?? 64;
    if (!(this.concurrency >= 1) || !(limit >= this.concurrency)) {
      throw new RangeError(`AsyncSink: need 1 <= concurrency (${this.concurrency}) <= queueLimit (${limit})`);
    }
    this.retries = opts.retries ?? 0;
    this.backoff = opts.backoff;
    this.clock = opts.clock;
    this.onDrop = opts.onDrop;
    this.onFailure = opts.onFailure;
    this.ring = [];
    for (let i = 0; i < limit; i++) this.ring.push(new Slot<T, R>(this));
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.running;
  }

  /** Events held now (waiting, in flight, retrying, or done and waiting their turn). */
  get queued(): number {
    return this.count;
  }

  onNext(x: T): void {
    if (this.ending !== undefined) return;
    if (this.count === this.ring.length) {
      this.dropped++;
      this.onDrop?.(x);
      return;
    }
    const slot = this.ring[(this.head + this.count) % this.ring.length];
    this.count++;
    this.accepted++;
    slot.state = QUEUED;
    slot.value = x;
    slot.attempts = 0;
    this.pump();
  }

  onCompleted(): void {
    this.end('completed', undefined);
  }

  onError(e: unknown): void {
    this.end('error', e);
  }

  /** Resolves once everything taken so far has finished (succeeded or been given up on). */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private end(how: 'completed' | 'error', e: unknown): void {
    if (this.ending !== undefined) return;
    this.ending = how;
    this.endError = e;
    this.finishIfDrained();
  }

  /** Start queued events, oldest first, while there is room for more calls. */
  private pump(): void {
    const n = this.ring.length;
    for (let i = 0; i < this.count && this.running < this.concurrency; i++) {
      const slot = this.ring[(this.head + i) % n];
      if (slot.state !== QUEUED) continue;
      slot.state = RUNNING;
      slot.attempts++;
      this.running++;
      let p: PromiseLike<R>;
      try {
        p = this.handler(slot.value as T);
      } catch (e) {
        if (isFatal(e)) throw e;
        this.settle(slot, false, e);
        continue;
      }
      if (p === null || typeof p !== 'object' || typeof p.then !== 'function') {
        this.settle(slot, false, new TypeError('AsyncSink: handler did not return a promise'));
        continue;
      }
      p.then(slot.resolved, slot.rejected);
    }
  }

  /** @internal a call finished. */
  settle(slot: Slot<T, R>, ok: boolean, v: unknown): void {
    if (slot.state !== RUNNING) return;
    this.running--;
    if (ok) {
      slot.state = DONE;
      slot.result = v as R;
    } else if (slot.attempts <= this.retries) {
      slot.state = BACKING_OFF;
      this.retried++;
      const clock = this.clockNow();
      slot.retryAt = clock.now() + backoffDelayMs(slot.attempts, this.backoff);
      this.armRetryWake();
    } else {
      slot.state = FAILED;
      slot.error = v;
    }
    this.emitInOrder();
    this.pump();
    this.finishIfDrained();
  }

  /** Hand finished events downstream from the head of the queue, in arrival order. */
  private emitInOrder(): void {
    const n = this.ring.length;
    while (this.count > 0) {
      const slot = this.ring[this.head];
      if (slot.state !== DONE && slot.state !== FAILED) return;
      const value = slot.value as T;
      const ok = slot.state === DONE;
      const result = slot.result;
      const error = slot.error;
      slot.state = FREE;
      slot.value = undefined;
      slot.result = undefined;
      slot.error = undefined;
      this.head = (this.head + 1) % n;
      this.count--;
      if (ok) {
        this.completed++;
        if (!this.closed) this.dispatchNext(result as R);
      } else {
        this.failed++;
        if (this.onFailure) this.onFailure(value, error);
        else reportError(`thingflow: AsyncSink gave up on an event after ${this.retries + 1} attempt(s)`, error);
      }
    }
  }

  private clockNow(): Clock {
    return (this.clock ??= defaultClock());
  }

  private armRetryWake(): void {
    const clock = this.clockNow();
    const now = clock.now();
    let soonest = Infinity;
    const n = this.ring.length;
    for (let i = 0; i < this.count; i++) {
      const slot = this.ring[(this.head + i) % n];
      if (slot.state !== BACKING_OFF) continue;
      const d = ticksDiff(slot.retryAt, now, clock.period);
      if (d < soonest) soonest = d;
    }
    if (soonest === Infinity) return;
    this.waking = true;
    clock.wake(soonest < 0 ? 0 : soonest, this.retryWake);
  }

  private onRetryWake(): void {
    this.waking = false;
    const clock = this.clockNow();
    const now = clock.now();
    const n = this.ring.length;
    for (let i = 0; i < this.count; i++) {
      const slot = this.ring[(this.head + i) % n];
      if (slot.state === BACKING_OFF && ticksDiff(slot.retryAt, now, clock.period) <= 0) slot.state = QUEUED;
    }
    this.pump();
    this.armRetryWake();
  }

  private finishIfDrained(): void {
    if (this.count !== 0) return;
    if (this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (let i = 0; i < waiters.length; i++) waiters[i]();
    }
    if (this.ending === undefined || this.closed) return;
    if (this.waking) this.clock?.cancel?.();
    if (this.ending === 'completed') this.dispatchCompleted();
    else this.dispatchError(this.endError);
  }

  override toString(): string {
    return `AsyncSink(${this.completed} done, ${this.count} queued)`;
  }
}
