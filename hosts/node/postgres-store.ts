/**
 * The server time-series store: PostgreSQL through `pg` (an optional peer
 * dependency loaded only when a store is opened). A pool of two connections
 * (one writing, one reading); a batch is one transaction of multi-row
 * INSERTs. A server that goes away fails the batch with a connection error,
 * which `isTransient` recognises, so the writer keeps the events and retries;
 * the pool makes a new connection on the next attempt.
 *
 * Delivery is at least once: if the connection drops after the server
 * committed a batch but before it said so, the retry writes it again.
 */
import type { Done, TimeSeriesDriver } from '../../runtime/store/store-driver';
import type { StoreMapping } from '../../runtime/store/store-mapping';
import { createTableSql, insertSql, rangeSql } from './store-sql';

type Pool = import('pg').Pool;
type PoolConfig = import('pg').PoolConfig;

/** How to reach the server: `pg`'s pool settings (connectionString or host, port, user...), passed through. */
export interface PostgresStoreOptions {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** Connections in the pool (default 2: one writing, one reading). */
  max?: number;
  connectionTimeoutMillis?: number;
  [option: string]: unknown;
}
type PoolClient = import('pg').PoolClient;

/** PostgreSQL's limit on parameters in one statement. */
const MAX_PARAMS = 65535;
/** SQLSTATE classes and socket errors that say the server, not the data, is the trouble. */
const TRANSIENT_CODES = new Set(['57P01', '57P02', '57P03', '53300', '53400', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);

export class PostgresTimeSeriesDriver implements TimeSeriesDriver {
  readonly name: string;
  /** Errors of idle connections (the server went away between batches): counted, not thrown. */
  idleErrors = 0;
  private readonly watched = new WeakSet<PoolClient>();
  private readonly countIdleError = (): void => {
    this.idleErrors++;
  };

  // Private, as is `pool`: the published types must not name pg's, an optional peer a consumer may not have.
  private constructor(private readonly pool: Pool, name: string) {
    this.name = name;
    pool.on('error', this.countIdleError);
  }
  static async open(config: string | PostgresStoreOptions): Promise<PostgresTimeSeriesDriver> {
    let pg: typeof import('pg');
    try {
      const mod = (await import('pg')) as unknown as { default?: typeof import('pg') };
      pg = (mod.default ?? mod) as typeof import('pg');
    } catch (e) {
      throw new Error(`the PostgreSQL store needs pg: npm install pg (${(e as Error).message})`);
    }
    const options = (typeof config === 'string' ? { connectionString: config } : { ...config }) as PoolConfig;
    const pool = new pg.Pool({ max: 2, connectionTimeoutMillis: 3000, ...options });
    const where = typeof config === 'string' ? config.replace(/\/\/[^@/]*@/, '//') : `postgres://${options.host ?? 'localhost'}:${options.port ?? 5432}/${options.database ?? ''}`;
    return new PostgresTimeSeriesDriver(pool, where);
  }


  ensureTable(mapping: StoreMapping<unknown>, done: Done): void {
    const [table, index] = createTableSql(mapping, 'postgres');
    this.pool.query(table).then(() => this.pool.query(index)).then(() => done(), done);
  }

  writeBatch(mapping: StoreMapping<unknown>, rows: readonly (readonly unknown[])[], count: number, done: Done): void {
    this.pool.connect().then((client) => {
      // A checked-out connection that breaks also emits 'error': the failing query reports it; do not crash.
      if (!this.watched.has(client)) {
        this.watched.add(client);
        client.on('error', this.countIdleError);
      }
      return this.insertIn(client, mapping, rows, count, done);
    }, done);
  }

  private async insertIn(client: PoolClient, mapping: StoreMapping<unknown>, rows: readonly (readonly unknown[])[], count: number, done: Done): Promise<void> {
    const width = mapping.columns.length;
    const perStatement = Math.max(1, Math.min(count, Math.floor(MAX_PARAMS / width), 1000));
    let failure: unknown;
    try {
      await client.query('BEGIN');
      for (let i = 0; i < count; i += perStatement) {
        const n = Math.min(perStatement, count - i);
        const values: unknown[] = [];
        for (let r = 0; r < n; r++) for (let c = 0; c < width; c++) values.push(rows[i + r][c]);
        await client.query({ name: `tf_ins_${mapping.table}_${n}`, text: insertSql(mapping, 'postgres', n), values });
      }
      await client.query('COMMIT');
    } catch (e) {
      failure = e;
      await client.query('ROLLBACK').catch(() => undefined);
    }
    // A connection that failed is thrown away, not reused.
    client.release(failure !== undefined && this.isTransient(failure) ? (failure as Error) : undefined);
    if (failure !== undefined) done(failure);
    else done();
  }

  readRange(mapping: StoreMapping<unknown>, fromSec: number, toSec: number, after: unknown, limit: number, done: (error: unknown, rows?: unknown[][]) => void): void {
    const withAfter = after !== undefined;
    const values = withAfter ? [fromSec, toSec, after, limit] : [fromSec, toSec, limit];
    this.pool.query({ text: rangeSql(mapping, 'postgres', withAfter), values, rowMode: 'array' }).then(
      (r) => done(undefined, r.rows as unknown[][]),
      (e) => done(e),
    );
  }

  isTransient(error: unknown): boolean {
    const e = error as { code?: string; message?: string } | undefined;
    const code = e?.code;
    if (code !== undefined && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
    // pg's own errors for a connection that broke or could not be made carry no code.
    return code === undefined && /connection|terminated|timeout|ECONNREFUSED|closed/i.test(e?.message ?? '');
  }

  close(done?: Done): void {
    this.pool.end().then(() => done?.(), (e) => done?.(e));
  }
}

/** Connect to PostgreSQL (a connection string or `pg` pool options) as a time-series store. */
/** Connect to PostgreSQL (a URL or pool settings) as a time-series store. */
export function openPostgresStore(config: string | PostgresStoreOptions): Promise<PostgresTimeSeriesDriver> {
  return PostgresTimeSeriesDriver.open(config);
}
