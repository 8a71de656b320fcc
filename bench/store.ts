/**
 * `npm run bench:store`: the time-series store on SQLite (a file in a temp
 * directory, WAL) and PostgreSQL (a server this script starts with initdb in
 * its own data directory, fsync off), measured in one run with the same
 * driver each time:
 *
 * - batched: events through `StoreWriter` (500 rows a transaction, behind its queue);
 * - row-per-transaction: a plain loop, one `writeBatch` of one row at a time,
 *   each its own transaction (what a naive writer does);
 * - read-back: `StoreReader.start()` over the whole range, 1,000 rows a page.
 *
 * Median of 3 rounds each. Prints a markdown table (docs/edges.md quotes it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SensorEvent } from '../runtime/core/input-thing';
import type { TimeSeriesDriver } from '../runtime/store/store-driver';
import { SensorEventStoreMapping } from '../runtime/store/store-mapping';
import { StoreReader } from '../runtime/store/store-reader';
import { StoreWriter } from '../runtime/store/store-writer';
import { NodeClock } from '../hosts/node/clock';
import { openPostgresStore } from '../hosts/node/postgres-store';
import { openSqliteStore } from '../hosts/node/sqlite-store';
import { startPostgres } from '../test/support/postgres-server';

const T0 = Date.UTC(2026, 5, 21) / 1000;
const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function events(n: number): SensorEvent<number>[] {
  return Array.from({ length: n }, (_, i) => ({ sensorId: i % 2 ? 'lux' : 'temp', ts: T0 + i, val: 20 + Math.sin(i) }));
}

let tableNo = 0;
const freshMapping = () => new SensorEventStoreMapping(`bench_${process.pid}_${tableNo++}`);

/** Events/s written through the StoreWriter. */
async function batched(driver: TimeSeriesDriver, n: number): Promise<{ rate: number; mapping: SensorEventStoreMapping }> {
  const mapping = freshMapping();
  await new Promise<void>((resolve, reject) => driver.ensureTable(mapping, (e) => (e ? reject(e) : resolve())));
  const evs = events(n);
  const writer = new StoreWriter({ driver, mapping, batchSize: 500, queueLimit: n, flushMs: 5, clock: new NodeClock() });
  const t = performance.now();
  for (let i = 0; i < n; i++) writer.onNext(evs[i]);
  writer.onCompleted();
  await writer.idle();
  const ms = performance.now() - t;
  if (writer.written !== n) throw new Error(`batched: wrote ${writer.written} of ${n}`);
  return { rate: (n / ms) * 1000, mapping };
}

/** Events/s of a loop that writes each row in its own transaction, same driver. */
async function rowPerTransaction(driver: TimeSeriesDriver, n: number): Promise<number> {
  const mapping = freshMapping();
  await new Promise<void>((resolve, reject) => driver.ensureTable(mapping, (e) => (e ? reject(e) : resolve())));
  const evs = events(n);
  const row: unknown[] = [];
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    mapping.eventToRow(evs[i], row);
    await new Promise<void>((resolve, reject) => driver.writeBatch(mapping, [row], 1, (e) => (e ? reject(e) : resolve())));
  }
  return (n / (performance.now() - t)) * 1000;
}

/** Events/s read back over the whole range. */
async function readBack(driver: TimeSeriesDriver, mapping: SensorEventStoreMapping, n: number): Promise<number> {
  const t = performance.now();
  let got = 0;
  await new Promise<void>((resolve, reject) => {
    const reader = new StoreReader({ driver, mapping, pageSize: 1000 });
    reader.connect({ onNext: () => void got++, onCompleted: resolve, onError: reject });
    reader.start();
  });
  if (got !== n) throw new Error(`read back ${got} of ${n}`);
  return (n / (performance.now() - t)) * 1000;
}

interface Row { store: string; batched: number; loop: number; read: number; nBatched: number; nLoop: number }

async function measure(store: string, driver: TimeSeriesDriver, nBatched: number, nLoop: number): Promise<Row> {
  const b: number[] = [];
  const l: number[] = [];
  const r: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { rate, mapping } = await batched(driver, nBatched);
    b.push(rate);
    r.push(await readBack(driver, mapping, nBatched));
    l.push(await rowPerTransaction(driver, nLoop));
  }
  return { store, batched: median(b), loop: median(l), read: median(r), nBatched, nLoop };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'thingflow-bench-store-'));
  try {
    const sqlite = await openSqliteStore(join(dir, 'bench.db'));
    rows.push(await measure('SQLite (better-sqlite3, WAL, synchronous=NORMAL)', sqlite, 50_000, 5_000));
    sqlite.close();
    process.stderr.write('SQLite done; starting PostgreSQL\n');
    const server = await startPostgres();
    try {
      const pg = await openPostgresStore(server.url);
      rows.push(await measure('PostgreSQL 15 (pg, local TCP, fsync off)', pg, 50_000, 3_000));
      await new Promise<void>((r) => pg.close(() => r()));
    } finally {
      server.destroy();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  console.log(line(['store', 'batched write, events/s', 'row-per-transaction loop, events/s', 'batched ÷ loop', 'read-back, events/s']));
  console.log(line(['---', '---:', '---:', '---:', '---:']));
  for (const r of rows) {
    console.log(line([r.store, `${fmt(r.batched)} (${fmt(r.nBatched)} events)`, `${fmt(r.loop)} (${fmt(r.nLoop)} events)`, `${(r.batched / r.loop).toFixed(1)}×`, fmt(r.read)]));
  }
  console.log(`\nMedian of ${ROUNDS} rounds; Node ${process.version}; batches of 500 rows; reads in pages of 1,000.`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
