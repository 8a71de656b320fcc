/**
 * The embedded time-series store: SQLite through better-sqlite3 (12.x on
 * Node 20), an optional peer dependency loaded only when a store is opened.
 * better-sqlite3 is synchronous: a batch is one transaction done before
 * `writeBatch` returns; pages of a read are handed back on the next turn of
 * the event loop so a long read does not recurse.
 */
import type { Done, TimeSeriesDriver } from '../../runtime/store/store-driver';
import type { StoreMapping } from '../../runtime/store/store-mapping';
import { createTableSql, insertSql, rangeSql } from './store-sql';

type Database = import('better-sqlite3').Database;
type Statement = import('better-sqlite3').Statement;

export interface SqliteStoreOptions {
  /** Write-ahead log (default true for a file): readers do not block the writer. */
  wal?: boolean;
  /** `synchronous` pragma (default NORMAL with WAL: durable at checkpoints, fast). */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL';
}

/** SQLite's limit on host parameters in one statement (32766 since 3.32). */
const MAX_PARAMS = 32766;

export class SqliteTimeSeriesDriver implements TimeSeriesDriver {
  readonly name: string;
  private readonly inserts = new Map<string, Statement>();
  private readonly ranges = new Map<string, Statement>();

  // Private, as is `db`: the published types must not name better-sqlite3's, an optional peer a consumer may not have.
  private constructor(private readonly db: Database, path: string) {
    this.name = `sqlite:${path}`;
  }
  static async open(path: string, opts: SqliteStoreOptions = {}): Promise<SqliteTimeSeriesDriver> {
    let BetterSqlite3: typeof import('better-sqlite3');
    try {
      const mod = (await import('better-sqlite3')) as unknown as { default?: typeof import('better-sqlite3') };
      BetterSqlite3 = (mod.default ?? mod) as typeof import('better-sqlite3');
    } catch (e) {
      throw new Error(`the SQLite store needs better-sqlite3: npm install better-sqlite3@12 (${(e as Error).message})`);
    }
    const db = new BetterSqlite3(path);
    if (path !== ':memory:' && opts.wal !== false) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    return new SqliteTimeSeriesDriver(db, path);
  }


  ensureTable(mapping: StoreMapping<unknown>, done: Done): void {
    try {
      for (const sql of createTableSql(mapping, 'sqlite')) this.db.exec(sql);
    } catch (e) {
      done(e);
      return;
    }
    done();
  }

  writeBatch(mapping: StoreMapping<unknown>, rows: readonly (readonly unknown[])[], count: number, done: Done): void {
    const width = mapping.columns.length;
    const perStatement = Math.max(1, Math.min(count, Math.floor(MAX_PARAMS / width), 500));
    try {
      this.db.exec('BEGIN');
      try {
        let i = 0;
        const values: unknown[] = [];
        while (i < count) {
          const n = Math.min(perStatement, count - i);
          values.length = 0;
          for (let r = 0; r < n; r++) for (let c = 0; c < width; c++) values.push(rows[i + r][c]);
          this.insert(mapping, n).run(values);
          i += n;
        }
        this.db.exec('COMMIT');
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    } catch (e) {
      done(e);
      return;
    }
    done();
  }

  readRange(mapping: StoreMapping<unknown>, fromSec: number, toSec: number, after: unknown, limit: number, done: (error: unknown, rows?: unknown[][]) => void): void {
    let rows: unknown[][];
    try {
      const stmt = this.range(mapping, after !== undefined);
      rows = (after !== undefined ? stmt.all(fromSec, toSec, after, limit) : stmt.all(fromSec, toSec, limit)) as unknown[][];
    } catch (e) {
      setImmediate(done, e);
      return;
    }
    setImmediate(done, undefined, rows);
  }

  isTransient(error: unknown): boolean {
    const code = (error as { code?: string })?.code;
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
  }

  close(done?: Done): void {
    if (this.db.open) this.db.close();
    done?.();
  }

  private insert(mapping: StoreMapping<unknown>, rows: number): Statement {
    const key = `${mapping.table}/${rows}`;
    let s = this.inserts.get(key);
    if (!s) this.inserts.set(key, (s = this.db.prepare(insertSql(mapping, 'sqlite', rows))));
    return s;
  }

  private range(mapping: StoreMapping<unknown>, withAfter: boolean): Statement {
    const key = `${mapping.table}/${withAfter}`;
    let s = this.ranges.get(key);
    if (!s) this.ranges.set(key, (s = this.db.prepare(rangeSql(mapping, 'sqlite', withAfter)).raw(true)));
    return s;
  }
}

/** Open (or create) an SQLite database file as a time-series store; `:memory:` for one in memory. */
/** Open (or create) the SQLite file at `path` as a time-series store. */
export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): Promise<SqliteTimeSeriesDriver> {
  return SqliteTimeSeriesDriver.open(path, opts);
}
