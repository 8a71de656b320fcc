import type { SensorEvent } from '../core/input-thing';
import type { CsvCell } from './csv-line';
import { parsePythonFloat, pythonFloat, pythonNumber, utcIsoFormat } from './python-text';

/**
 * How an event becomes a row of a spreadsheet and back: ThingFlow's
 * `EventSpreadsheetMapping` (`get_header_row`, `event_to_row`, `row_to_event`).
 * `eventToRow` fills a row the writer owns, so writing allocates no array per
 * event. `rowToEvent` gets the fields as text and throws on a row it cannot
 * read (the reader names the line).
 */
export interface EventRowMapping<E> {
  /** The header row's column names. */
  readonly columns: readonly string[];
  /** Fill `row` (of `columns.length` cells) from `event`. */
  eventToRow(event: E, row: CsvCell[]): void;
  rowToEvent(row: readonly string[]): E;
  /** The event's time in seconds since 1970, which a replay keeps to. */
  timestampOf(event: E): number;
}

/**
 * ThingFlow's default `SensorEventMapping`: `timestamp, datetime, sensor_id,
 * value`, the time twice (raw seconds and ISO-8601 UTC). A sensor id that is
 * an integer reads back as a number, as ThingFlow's `int(row[2])` does.
 */
export class SensorEventRowMapping implements EventRowMapping<SensorEvent<number>> {
  readonly columns = Object.freeze(['timestamp', 'datetime', 'sensor_id', 'value']);

  eventToRow(e: SensorEvent<number>, row: CsvCell[]): void {
    if (typeof e !== 'object' || e === null || typeof e.ts !== 'number') {
      throw new TypeError(`not a SensorEvent (no numeric ts): ${describeEvent(e)}`);
    }
    row[0] = pythonFloat(e.ts);
    row[1] = utcIsoFormat(e.ts);
    row[2] = typeof e.sensorId === 'number' ? pythonNumber(e.sensorId) : e.sensorId;
    row[3] = typeof e.val === 'number' ? pythonNumber(e.val) : (e.val as CsvCell);
  }

  rowToEvent(row: readonly string[]): SensorEvent<number> {
    if (row.length !== 4) throw new RangeError(`expected 4 fields (timestamp, datetime, sensor_id, value), got ${row.length}`);
    const ts = parsePythonFloat(row[0]);
    if (!Number.isFinite(ts)) throw new RangeError(`timestamp '${row[0]}' is not a number`);
    const id = row[2];
    const sensorId = /^[+-]?\d+$/.test(id.trim()) ? Number(id) : id;
    const val = parsePythonFloat(row[3]);
    if (val !== val && !/^[+-]?nan$/i.test(row[3].trim())) throw new RangeError(`value '${row[3]}' is not a number`);
    return { sensorId, ts, val };
  }

  timestampOf(e: SensorEvent<number>): number {
    return e.ts;
  }
}

/** The mapping ThingFlow calls `default_event_mapper`. */
export const sensorEventRowMapping = new SensorEventRowMapping();

/** A short, safe description of an event for an error message. */
export function describeEvent(e: unknown): string {
  let s: string;
  try {
    s = typeof e === 'string' ? JSON.stringify(e) : JSON.stringify(e) ?? String(e);
  } catch {
    s = String(e);
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
