import { isFatal } from '../core/errors';
import type { InputThing } from '../core/input-thing';
import { OutputThing } from '../core/output-thing';
import { reportError } from '../core/report-error';
import { describeEvent } from './event-row-mapping';
import type { LineSink } from './line-io';
import type { RecordFormat } from './record-format';

export interface RecordWriterOptions {
  /**
   * What an event the format cannot write does: `'error'` (default) ends
   * this writer's stream with an error naming the event; `'skip'` counts it
   * in `badEvents`, reports it, and keeps recording.
   */
  badEvents?: 'error' | 'skip';
  /** Also flush the sink every this many events (default 0: the sink writes when its bounded buffer fills, and at close). */
  flushEvery?: number;
}

/**
 * Records a stream (ThingFlow's `csv_writer`): each event becomes a line of
 * `format` written to `sink`, and passes on unchanged, so a writer can sit in
 * the middle of a chain. The header goes out first; `onCompleted` and
 * `onError` close the sink. Memory stays bounded: nothing is kept per event,
 * the sink owns its (bounded) buffer.
 *
 * ```ts
 * sensor.connect(new RecordWriter(fileLineSink('lux.csv'), csvFormat()));
 * ```
 */
export class RecordWriter<E> extends OutputThing<E> implements InputThing<E> {
  /** Events written. */
  written = 0;
  /** Events the format refused (with `badEvents: 'skip'`). */
  badEvents = 0;
  private open = true;
  private readonly skipBad: boolean;
  private readonly flushEvery: number;
  private sinceFlush = 0;

  constructor(private readonly sink: LineSink, readonly format: RecordFormat<E>, opts: RecordWriterOptions = {}) {
    super();
    this.skipBad = opts.badEvents === 'skip';
    this.flushEvery = opts.flushEvery ?? 0;
    const header = format.header();
    if (header !== undefined) sink.write(header + format.lineEnd);
  }

  onNext(x: E): void {
    if (!this.open) return;
    let line: string;
    try {
      line = this.format.format(x);
    } catch (e) {
      if (isFatal(e)) throw e;
      const error = new TypeError(`RecordWriter: cannot write event ${describeEvent(x)}: ${(e as Error).message ?? String(e)}`);
      if (this.skipBad) {
        this.badEvents++;
        reportError('thingflow: recording skipped an event', error);
        return;
      }
      throw error; // the upstream dispatch cuts this writer off and calls onError, which closes the file
    }
    this.sink.write(line + this.format.lineEnd);
    this.written++;
    if (this.flushEvery > 0 && ++this.sinceFlush >= this.flushEvery) {
      this.sinceFlush = 0;
      this.sink.flush?.();
    }
    this.out.onNext(x);
  }

  onCompleted(): void {
    this.close();
    this.dispatchCompleted();
  }

  onError(e: unknown): void {
    this.close();
    this.dispatchError(e);
  }

  /** Flush and close the sink (also done by onCompleted/onError). */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.sink.flush?.();
    this.sink.close();
  }

  override toString(): string {
    return `RecordWriter(${this.written} events)`;
  }
}
