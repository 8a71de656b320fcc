import type { SensorEvent } from '../core/input-thing';
import { CSV_INCOMPLETE, CSV_LINE_END, formatCsvRecord, parseCsvRecord, type CsvCell } from './csv-line';
import { describeEvent, sensorEventRowMapping, type EventRowMapping } from './event-row-mapping';

/**
 * A recording's text format: how one event becomes one line and back. A
 * format object keeps the state of one reading (the header seen, a CSV
 * record split over lines), so each reader and writer gets its own:
 * `csvFormat()` and `jsonLinesFormat()` make a fresh one each call.
 */
export interface RecordFormat<E> {
  /** The first line of a file, if the format has one. */
  header(): string | undefined;
  /** One event as a line, without the line end. */
  format(event: E): string;
  /** The line end the format writes. */
  readonly lineEnd: string;
  /**
   * One line of a file (without its `\n`). Returns the event it completes,
   * or `undefined` for a header, a blank line or the first part of a record
   * that continues on the next line. Throws on a line it cannot read.
   */
  parse(line: string): E | undefined;
  /** Forget reading state: the next line is a file's first. */
  startReading(): void;
  /** The event's time in seconds since 1970. */
  timestampOf(event: E): number;
}

/** CSV with a header row and an event↔row mapping (ThingFlow's csv_writer / CsvReader). */
export class CsvRecordFormat<E> implements RecordFormat<E> {
  readonly lineEnd = CSV_LINE_END;
  private readonly row: CsvCell[];
  private readonly fields: string[] = [];
  private pending: string | undefined;
  private sawHeader = false;

  constructor(readonly mapping: EventRowMapping<E>, readonly hasHeaderRow = true) {
    this.row = new Array<CsvCell>(mapping.columns.length);
  }

  header(): string | undefined {
    return this.hasHeaderRow ? formatCsvRecord(this.mapping.columns) : undefined;
  }

  format(event: E): string {
    this.mapping.eventToRow(event, this.row);
    return formatCsvRecord(this.row);
  }

  parse(line: string): E | undefined {
    const text = this.pending === undefined ? line : `${this.pending}\n${line}`;
    if (parseCsvRecord(text, this.fields) === CSV_INCOMPLETE) {
      this.pending = text;
      return undefined;
    }
    this.pending = undefined;
    if (text === '' || text === '\r') return undefined; // Python's reader skips empty lines too
    if (this.hasHeaderRow && !this.sawHeader) {
      this.sawHeader = true;
      return undefined;
    }
    return this.mapping.rowToEvent(this.fields);
  }

  /** The fields of the last line `parse` read, as text. */
  get lastFields(): readonly string[] {
    return this.fields;
  }

  startReading(): void {
    this.pending = undefined;
    this.sawHeader = false;
  }

  timestampOf(event: E): number {
    return this.mapping.timestampOf(event);
  }
}

/** How an event becomes a JSON value and back, for JSON Lines. */
export interface EventJsonMapping<E> {
  toJson(event: E): unknown;
  fromJson(value: unknown): E;
  timestampOf(event: E): number;
}

/** A SensorEvent as `{"sensorId":…,"ts":…,"val":…}`; reading checks that shape. */
export const sensorEventJsonMapping: EventJsonMapping<SensorEvent<unknown>> = Object.freeze({
  toJson(e: SensorEvent<unknown>): unknown {
    return e;
  },
  fromJson(v: unknown): SensorEvent<unknown> {
    const o = v as Partial<SensorEvent<unknown>> | null;
    if (typeof o !== 'object' || o === null || typeof o.ts !== 'number' || !('sensorId' in o) || !('val' in o)) {
      throw new TypeError('expected an object with sensorId, ts (a number) and val');
    }
    return { sensorId: o.sensorId as string | number, ts: o.ts, val: o.val };
  },
  timestampOf(e: SensorEvent<unknown>): number {
    return e.ts;
  },
});

/**
 * JSON Lines: one JSON value per line, no header. Values JSON cannot hold
 * (NaN, Infinity, undefined) are refused when writing rather than turned
 * into `null` silently.
 */
export class JsonLinesFormat<E> implements RecordFormat<E> {
  readonly lineEnd = '\n';
  constructor(readonly mapping: EventJsonMapping<E>) {}

  header(): undefined {
    return undefined;
  }

  format(event: E): string {
    const text = JSON.stringify(this.mapping.toJson(event), refuseNonJson);
    if (text === undefined) throw new TypeError(`event has no JSON form: ${describeEvent(event)}`);
    return text;
  }

  parse(line: string): E | undefined {
    if (line.trim() === '') return undefined;
    return this.mapping.fromJson(JSON.parse(line));
  }

  startReading(): void {}

  timestampOf(event: E): number {
    return this.mapping.timestampOf(event);
  }
}

function refuseNonJson(key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`${key || 'value'} is ${value}, which JSON cannot hold`);
  return value;
}

/** A CSV format for SensorEvents with ThingFlow's default columns, or for any mapping. */
export function csvFormat(): CsvRecordFormat<SensorEvent<number>>;
export function csvFormat<E>(mapping: EventRowMapping<E>, hasHeaderRow?: boolean): CsvRecordFormat<E>;
export function csvFormat<E>(mapping?: EventRowMapping<E>, hasHeaderRow = true): CsvRecordFormat<E> {
  return new CsvRecordFormat<E>(mapping ?? (sensorEventRowMapping as unknown as EventRowMapping<E>), hasHeaderRow);
}

/** A JSON Lines format for SensorEvents, or for any mapping. */
export function jsonLinesFormat(): JsonLinesFormat<SensorEvent<unknown>>;
export function jsonLinesFormat<E>(mapping: EventJsonMapping<E>): JsonLinesFormat<E>;
export function jsonLinesFormat<E>(mapping?: EventJsonMapping<E>): JsonLinesFormat<E> {
  return new JsonLinesFormat<E>(mapping ?? (sensorEventJsonMapping as unknown as EventJsonMapping<E>));
}
