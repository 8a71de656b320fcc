import { isFatal } from '../core/errors';
import type { InputThing } from '../core/input-thing';
import { reportError } from '../core/report-error';
import { describeEvent } from '../record/event-row-mapping';
import { defaultClock, type Clock } from '../scheduler/clock';
import { backoffDelayMs, type BackoffOptions } from '../async/backoff';
import type { TimeSeriesDriver } from './store-driver';
import { checkMapping, rowProblem, type StoreMapping } from './store-mapping';

export interface StoreWriterOptions<E> {
  driver: TimeSeriesDriver;
  mapping: StoreMapping<E>;
  /** Rows per transaction (default 500). */
  batchSize?: number;
  /** A partial batch waits at most this long (default 1000 ms). */
  flushMs?: number;
  /**
   * Events held while the database is slow or away (default 10 000). What
   * does not fit is dropped, counted in `dropped` and reported; nothing that
   * fits is lost.
   */
  queueLimit?: number;
  /** Wait between attempts when the database is away (default 100 ms doubling to 5 s). */
  backoff?: BackoffOptions;
  /** The clock flushes and back-off wait on; default the host's (its own instance). */
  clock?: Clock;
  /** An event that cannot be a row: `'skip'` (default) reports it, names it and goes on; `'error'` throws it to the upstream dispatch. */
  badEvents?: 'skip' | 'error';
  /** Called for every event dropped (queue full) or refused (bad row), after it is counted. */
  onLost?: (event: E, reason: 'queue-full' | 'bad-row', error?: Error) => void;
}

/** An event that cannot be stored, with the event named. */
export class BadRowError extends Error {
  constructor(readonly event: unknown, problem: string, table: string) {
    super(`store: event ${describeEvent(event)} cannot be a row of '${table}': ${problem}`);
  }
}
// The name on the prototype, set once: on a board the preload freezes Error.prototype, and `this.name = ...`
// in the constructor would throw there ("set name: not writable", docs/moddable.md).
BadRowError.prototype.name = 'BadRowError';

/**
 * Writes a stream to a time-series table (ThingFlow's `PostgresWriter`), in
 * batches, one transaction each, behind a bounded queue: `onNext` checks the
 * row and returns at once; a batch goes when `batchSize` events are queued
 * or `flushMs` after the first. The table is created on first use. When the
 * database goes away, batches are retried with back-off and events keep
 * queueing; past `queueLimit` they are dropped and counted. `onCompleted`
 * flushes; `idle()` says when everything taken is written.
 *
 * ```ts
 * const store = await openSqliteStore('events.db');
 * sensor.connect(new StoreWriter({ driver: store, mapping: new SensorEventStoreMapping('lux') }));
 * ```
 */
export class StoreWriter<E> implements InputThing<E> {
  /** Events written (committed). */
  written = 0;
  /** Events dropped because the queue was full. */
  dropped = 0;
  /** Events refused because they cannot be a row. */
  badRows = 0;
  /** Transactions committed. */
  batches = 0;
  /** Batch attempts that failed and were retried. */
  retries = 0;
  /** The last error the database gave, if any. */
  lastError: unknown;
  private readonly driver: TimeSeriesDriver;
  private readonly mapping: StoreMapping<E>;
  private readonly batchSize: number;
  private readonly flushMs: number;
  private readonly backoff: BackoffOptions;
  private readonly skipBad: boolean;
  private readonly onLost: StoreWriterOptions<E>['onLost'];
  private clock: Clock | undefined;
  private readonly queue: (E | undefined)[];
  private head = 0;
  private count = 0;
  private readonly rows: unknown[][];
  private readonly scratch: unknown[];
  private inFlight = 0;
  private attempt = 0;
  private tableReady = false;
  /** Rows still to write one per transaction, to find the one a refused batch held. */
  private isolating = 0;
  private waking = false;
  private ended = false;
  private reportedDrops = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly wakeHandler = (): void => this.onWake();
  private readonly batchDone = (e?: unknown): void => this.onBatchDone(e);
  private readonly tableDone = (e?: unknown): void => this.onTableDone(e);

  constructor(opts: StoreWriterOptions<E>) {
    checkMapping(opts.mapping as StoreMapping<unknown>);
    this.driver = opts.driver;
    this.mapping = opts.mapping;
    this.batchSize = opts.batchSize ?? 500;
    this.flushMs = opts.flushMs ?? 1000;
    const limit = opts.queueLimit ?? 10_000;
    if (!(this.batchSize >= 1) || !(limit >= this.batchSize)) throw new RangeError(`StoreWriter: need 1 <= batchSize (${this.batchSize}) <= queueLimit (${limit})`);
    this.backoff = { minMs: 100, maxMs: 5000, ...opts.backoff };
    this.clock = opts.clock;
    this.skipBad = opts.badEvents !== 'error';
    this.onLost = opts.onLost;
    this.queue = new Array<E | undefined>(limit);
    this.rows = [];
    const width = opts.mapping.columns.length;
    for (let i = 0; i < this.batchSize; i++) this.rows.push(new Array<unknown>(width));
    this.scratch = new Array<unknown>(width);
  }

  /** Events waiting to be written (including a batch in flight). */
  get queued(): number {
    return this.count;
  }

  onNext(x: E): void {
    const problem = this.problemWith(x);
    if (problem !== undefined) {
      const error = new BadRowError(x, problem, this.mapping.table);
      this.badRows++;
      this.onLost?.(x, 'bad-row', error);
      if (!this.skipBad) throw error;
      reportError('thingflow: StoreWriter refused an event', error);
      return;
    }
    if (this.ended) return;
    if (this.count === this.queue.length) {
      this.dropped++;
      this.onLost?.(x, 'queue-full');
      return;
    }
    this.queue[(this.head + this.count) % this.queue.length] = x;
    this.count++;
    this.pump();
  }

  onCompleted(): void {
    this.ended = true;
    this.pump();
  }

  onError(e: unknown): void {
    // The stream failed upstream; what was taken is still written.
    this.ended = true;
    reportError(`thingflow: StoreWriter(${this.mapping.table}) received onError; flushing what it holds`, e);
    this.pump();
  }

  /** Resolves once every event taken so far is written (or the queue is empty). */
  idle(): Promise<void> {
    if (this.count === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private problemWith(x: E): string | undefined {
    try {
      this.mapping.eventToRow(x, this.scratch);
    } catch (e) {
      if (isFatal(e)) throw e;
      return `the mapping threw: ${(e as Error)?.message ?? String(e)}`;
    }
    return rowProblem(this.mapping.columns, this.scratch);
  }

  private clockOf(): Clock {
    return (this.clock ??= defaultClock());
  }

  /** Start a batch if one is due: full, flushing at the end, or after a wake. */
  private pump(): void {
    if (this.inFlight > 0 || this.count === 0 || this.waking && this.attempt > 0) {
      this.reportDropsIfAny();
      this.resolveIdleIfDrained();
      return;
    }
    if (this.count >= this.batchSize || this.ended) this.startBatch();
    else if (!this.waking) this.wakeIn(this.flushMs);
  }

  private wakeIn(ms: number): void {
    this.waking = true;
    this.clockOf().wake(ms, this.wakeHandler);
  }

  private onWake(): void {
    this.waking = false;
    if (this.inFlight === 0 && this.count > 0) this.startBatch();
  }

  private startBatch(): void {
    if (this.waking) {
      this.waking = false;
      this.clock?.cancel?.();
    }
    this.inFlight = 1;
    if (!this.tableReady) {
      this.driver.ensureTable(this.mapping as StoreMapping<unknown>, this.tableDone);
      return;
    }
    const n = this.isolating > 0 ? 1 : this.count < this.batchSize ? this.count : this.batchSize;
    const size = this.queue.length;
    for (let i = 0; i < n; i++) this.mapping.eventToRow(this.queue[(this.head + i) % size] as E, this.rows[i]);
    this.inFlight = n;
    this.driver.writeBatch(this.mapping as StoreMapping<unknown>, this.rows, n, this.batchDone);
  }

  private onTableDone(e?: unknown): void {
    this.inFlight = 0;
    if (e !== undefined && e !== null) {
      this.failed(e, 0);
      return;
    }
    this.tableReady = true;
    this.startBatch();
  }

  private onBatchDone(e?: unknown): void {
    const n = this.inFlight;
    this.inFlight = 0;
    if (e !== undefined && e !== null) {
      this.failed(e, n);
      return;
    }
    this.attempt = 0;
    if (this.isolating > 0) this.isolating--;
    const size = this.queue.length;
    for (let i = 0; i < n; i++) this.queue[(this.head + i) % size] = undefined;
    this.head = (this.head + n) % size;
    this.count -= n;
    this.written += n;
    this.batches++;
    this.pump();
  }

  /**
   * A batch (or the table) failed. The database away: wait and retry, the
   * events stay queued in order. The database refusing the data: write that
   * batch again one row per transaction, and drop (count, report, name) the
   * event it refuses.
   */
  private failed(e: unknown, n: number): void {
    this.lastError = e;
    if (n > 0 && !this.driver.isTransient(e)) {
      if (this.isolating === 0 && n > 1) {
        this.isolating = n;
        this.startBatch();
        return;
      }
      if (n === 1) {
        const event = this.queue[this.head] as E;
        this.queue[this.head] = undefined;
        this.head = (this.head + 1) % this.queue.length;
        this.count--;
        if (this.isolating > 0) this.isolating--;
        this.badRows++;
        const error = new BadRowError(event, `the database refused it: ${(e as Error)?.message ?? String(e)}`, this.mapping.table);
        this.onLost?.(event, 'bad-row', error);
        reportError('thingflow: StoreWriter dropped an event the database refused', error);
        this.pump();
        return;
      }
    }
    this.retries++;
    this.attempt++;
    this.wakeIn(backoffDelayMs(this.attempt, this.backoff));
    this.reportDropsIfAny();
  }

  private reportDropsIfAny(): void {
    if (this.dropped > this.reportedDrops) {
      reportError(`thingflow: StoreWriter(${this.mapping.table}) on ${this.driver.name}: queue full (${this.queue.length} events), ${this.dropped} dropped so far`, this.lastError);
      this.reportedDrops = this.dropped;
    }
  }

  private resolveIdleIfDrained(): void {
    if (this.count !== 0 || this.inFlight !== 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (let i = 0; i < waiters.length; i++) waiters[i]();
  }

  toString(): string {
    return `StoreWriter(${this.mapping.table}: ${this.written} written, ${this.count} queued)`;
  }
}
