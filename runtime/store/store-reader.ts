import { isFatal } from '../core/errors';
import { OutputThing } from '../core/output-thing';
import type { TimeSeriesDriver } from './store-driver';
import { checkMapping, type StoreMapping } from './store-mapping';

export interface StoreReaderOptions<E> {
  driver: TimeSeriesDriver;
  mapping: StoreMapping<E>;
  /** Seconds since 1970, inclusive (default: the beginning). */
  from?: number;
  /** Seconds since 1970, exclusive (default: no end). */
  to?: number;
  /** Rows fetched per query (default 1000). */
  pageSize?: number;
}

/**
 * Reads a time range of a table back as a stream, in time order
 * (ThingFlow's `PostgresReader`), a page of rows at a time so memory stays
 * bounded, then completes. Two ways to drive it:
 * - scheduled (`scheduler.schedulePeriodic(reader, s)`): one event per
 *   observation, as ThingFlow's reader; the next page is fetched ahead;
 * - `start()`: every row as fast as the database gives them.
 * A database error ends the stream with `onError`.
 */
export class StoreReader<E> extends OutputThing<E> {
  /** Events emitted. */
  emitted = 0;
  private readonly driver: TimeSeriesDriver;
  private readonly mapping: StoreMapping<E>;
  private readonly from: number;
  private readonly to: number;
  private readonly pageSize: number;
  private readonly keyIndex: number;
  private page: unknown[][] = [];
  private at = 0;
  private after: unknown = undefined;
  private fetching = false;
  private exhausted = false;
  private draining = false;
  private readonly pageDone = (e: unknown, rows?: unknown[][]): void => this.onPage(e, rows);

  constructor(opts: StoreReaderOptions<E>) {
    super();
    checkMapping(opts.mapping as StoreMapping<unknown>);
    this.driver = opts.driver;
    this.mapping = opts.mapping;
    this.from = opts.from ?? -Infinity;
    this.to = opts.to ?? Infinity;
    this.pageSize = opts.pageSize ?? 1000;
    this.keyIndex = opts.mapping.columns.length;
  }

  /** Emit every row in the range, page by page, then complete. */
  start(): void {
    this.draining = true;
    this.drain();
  }

  override observe(): void {
    if (this.closed) return;
    if (this.at < this.page.length) {
      this.emitRow();
      if (this.at >= this.page.length) this.fetch();
    } else if (this.exhausted) {
      this.dispatchCompleted();
    } else {
      this.fetch();
    }
  }

  private emitRow(): void {
    const row = this.page[this.at++];
    let event: E;
    try {
      event = this.mapping.rowToEvent(row);
    } catch (e) {
      if (isFatal(e)) throw e;
      this.dispatchError(e);
      return;
    }
    this.emitted++;
    this.dispatchNext(event);
  }

  private drain(): void {
    while (!this.closed && this.at < this.page.length) this.emitRow();
    if (this.closed) return;
    if (this.exhausted) this.dispatchCompleted();
    else this.fetch();
  }

  private fetch(): void {
    if (this.fetching || this.exhausted) return;
    this.fetching = true;
    this.driver.readRange(this.mapping as StoreMapping<unknown>, this.from, this.to, this.after, this.pageSize, this.pageDone);
  }

  private onPage(e: unknown, rows?: unknown[][]): void {
    this.fetching = false;
    if (this.closed) return;
    if (e !== undefined && e !== null) {
      this.dispatchError(e);
      return;
    }
    const got = rows ?? [];
    this.page = got;
    this.at = 0;
    if (got.length < this.pageSize) this.exhausted = true;
    if (got.length > 0) this.after = got[got.length - 1][this.keyIndex];
    if (this.draining) this.drain();
    else if (got.length === 0 && this.exhausted) this.dispatchCompleted();
  }

  override toString(): string {
    return `StoreReader(${this.mapping.table}: ${this.emitted} read)`;
  }
}
