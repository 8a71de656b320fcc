/**
 * A time-series store: a simulated day of light readings written to SQLite
 * (in memory here; a file path on a gateway) in batched transactions, then
 * one hour of it read back as a stream. Swap `openSqliteStore(':memory:')`
 * for `openPostgresStore('postgres://...')` and nothing else changes.
 * Run it: `npx tsx examples/edges-store.ts`.
 */
import { SensorEventStoreMapping, StoreReader, StoreWriter, type SensorEvent } from '../runtime/index';
import { NodeClock } from '../hosts/node/clock';
import { openSqliteStore } from '../hosts/node/sqlite-store';

const DAY_START = Date.UTC(2026, 5, 21) / 1000;

async function main(): Promise<void> {
  const store = await openSqliteStore(':memory:');
  const mapping = new SensorEventStoreMapping('light');
  const writer = new StoreWriter({ driver: store, mapping, batchSize: 200, clock: new NodeClock() });
  // One reading a minute for a day: the flow hands events over and never waits.
  for (let m = 0; m < 1440; m++) {
    const hour = m / 60;
    const lux = hour > 6.5 && hour < 19.5 ? Math.round(20000 * Math.sin((Math.PI * (hour - 6.5)) / 13)) : 2;
    writer.onNext({ sensorId: 'lux', ts: DAY_START + m * 60, val: lux });
  }
  writer.onCompleted();
  await writer.idle();
  console.log(`written ${writer.written} events in ${writer.batches} transactions`);

  // Noon to one o'clock, back as a stream.
  const reader = new StoreReader({ driver: store, mapping, from: DAY_START + 12 * 3600, to: DAY_START + 13 * 3600 });
  let n = 0;
  let sum = 0;
  await new Promise<void>((resolve) => {
    reader.connect({
      onNext: (e: SensorEvent<number>) => { n++; sum += e.val; },
      onCompleted: resolve,
      onError: (e) => { console.log(`read failed: ${String(e)}`); resolve(); },
    });
    reader.start();
  });
  console.log(`12:00-13:00: ${n} readings, mean ${Math.round(sum / n)} lux`);
  store.close();
}

void main();
