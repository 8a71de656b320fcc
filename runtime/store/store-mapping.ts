import { asciiLowerCase } from '../core/ascii-case';
import type { SensorEvent } from '../core/input-thing';

/** Column types a store creates; each driver maps them to its own SQL types. */
export type StoreColumnType = 'time' | 'real' | 'integer' | 'text';

export interface StoreColumn {
  readonly name: string;
  readonly type: StoreColumnType;
}

/**
 * How an event becomes a table row and back (ThingFlow's `DatabaseMapping`:
 * a table, its columns, `event_to_row`, `row_to_event`). Exactly one column
 * has type `'time'`: seconds since 1970, the range a reader asks for.
 * `eventToRow` fills a row array the writer owns.
 */
export interface StoreMapping<E> {
  readonly table: string;
  readonly columns: readonly StoreColumn[];
  eventToRow(event: E, row: unknown[]): void;
  rowToEvent(row: readonly unknown[]): E;
}

/** A table or column name the drivers may put in SQL unquoted. */
export const SQL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * SensorEvents as `ts` (seconds, double precision), `sensor_id` (text; an
 * integer id reads back as a number, as ThingFlow's mapping does) and `val`
 * (double precision).
 */
export class SensorEventStoreMapping implements StoreMapping<SensorEvent<number>> {
  readonly columns: readonly StoreColumn[] = Object.freeze([
    { name: 'ts', type: 'time' },
    { name: 'sensor_id', type: 'text' },
    { name: 'val', type: 'real' },
  ] as const);

  constructor(readonly table = 'sensor_events') {}

  eventToRow(e: SensorEvent<number>, row: unknown[]): void {
    row[0] = e.ts;
    row[1] = typeof e.sensorId === 'number' ? String(e.sensorId) : e.sensorId;
    row[2] = e.val;
  }

  rowToEvent(row: readonly unknown[]): SensorEvent<number> {
    const id = String(row[1]);
    return { ts: Number(row[0]), sensorId: /^-?\d+$/.test(id) ? Number(id) : id, val: Number(row[2]) };
  }
}

/** Index of the mapping's time column; throws when there is not exactly one, or a name is not a plain SQL name. */
export function checkMapping(mapping: StoreMapping<unknown>): number {
  if (!SQL_NAME.test(mapping.table)) throw new RangeError(`store: table name '${mapping.table}' must be letters, digits and _`);
  let time = -1;
  for (let i = 0; i < mapping.columns.length; i++) {
    const c = mapping.columns[i];
    if (!SQL_NAME.test(c.name) || asciiLowerCase(c.name) === 'id') throw new RangeError(`store: column name '${c.name}' must be letters, digits and _ (and not 'id')`);
    if (c.type === 'time') {
      if (time >= 0) throw new RangeError(`store: table '${mapping.table}' has two time columns`);
      time = i;
    }
  }
  if (time < 0) throw new RangeError(`store: table '${mapping.table}' needs one column of type 'time'`);
  return time;
}

/**
 * Why `row` cannot be stored in `columns`, or `undefined` when it can: the
 * writer checks each event before queueing it, so one bad event never
 * poisons a batch.
 */
export function rowProblem(columns: readonly StoreColumn[], row: readonly unknown[]): string | undefined {
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    const v = row[i];
    switch (c.type) {
      case 'time':
        if (typeof v !== 'number' || !Number.isFinite(v)) return `column '${c.name}' (time, seconds) got ${show(v)}`;
        break;
      case 'real':
        if (v !== null && (typeof v !== 'number' || Number.isNaN(v))) return `column '${c.name}' (real) got ${show(v)}`;
        break;
      case 'integer':
        if (v !== null && (typeof v !== 'number' || !Number.isSafeInteger(v))) return `column '${c.name}' (integer) got ${show(v)}`;
        break;
      case 'text':
        if (v !== null && typeof v !== 'string') return `column '${c.name}' (text) got ${show(v)}`;
        break;
    }
  }
  return undefined;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === 'number') return String(v);
  return v === undefined ? 'nothing (undefined)' : typeof v;
}
