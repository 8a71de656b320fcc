import type { StoreMapping } from './store-mapping';

/** Called once with an error, or with none on success. */
export type Done = (error?: unknown) => void;

/**
 * What the portable writer and reader need from a database: a host binds it
 * to SQLite (embedded) or PostgreSQL (a server) in hosts/node. Callbacks, not
 * promises, so runtime code stays callback-shaped; a driver may call back
 * synchronously or later.
 */
export interface TimeSeriesDriver {
  /** A name for messages: `sqlite:/tmp/x.db`, `postgres://127.0.0.1:5433/db`. */
  readonly name: string;
  /** Create the mapping's table and its time index if they do not exist. */
  ensureTable(mapping: StoreMapping<unknown>, done: Done): void;
  /** Insert `count` rows of `rows` in one transaction: all or none. */
  writeBatch(mapping: StoreMapping<unknown>, rows: readonly (readonly unknown[])[], count: number, done: Done): void;
  /**
   * Rows with `from <= time < to`, in time order then insertion order, after
   * the row whose key is `after` (undefined: from the start), at most `limit`.
   * Each row is the mapping's columns followed by its key.
   */
  readRange(mapping: StoreMapping<unknown>, fromSec: number, toSec: number, after: unknown, limit: number, done: (error: unknown, rows?: unknown[][]) => void): void;
  /** True when `error` may pass by itself (the server went away): the writer retries; otherwise a row is at fault. */
  isTransient(error: unknown): boolean;
  close(done?: Done): void;
}
