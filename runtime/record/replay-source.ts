import { isFatal } from '../core/errors';
import { OutputThing } from '../core/output-thing';
import type { Scheduler, SchedulerTimer } from '../scheduler/scheduler';
import type { LineSource } from './line-io';
import type { RecordFormat } from './record-format';

export interface ReplayOptions {
  /**
   * Where the recording's time starts: `'start'` (default) puts the first
   * event at `scheduler.run()` and keeps the gaps between events; `'clock'`
   * puts each event at the clock time it carries (the clock's `epochMs` plus
   * its ticks), so a recording replays at the very instants it was made.
   */
  align?: 'start' | 'clock';
  /** Recorded seconds per second of the clock (default 1). On a VirtualClock any speed is fast. */
  speed?: number;
  /** What an unreadable line does: `'error'` (default) ends the stream with an error naming the line; `'skip'` counts it and goes on. */
  badLines?: 'error' | 'skip';
  /** Called with each skipped line's error (with `badLines: 'skip'`). */
  onBadLine?: (e: Error) => void;
}

/** A line the format could not read, with where it was. */
export class ReplayLineError extends Error {
  constructor(readonly lineNumber: number, readonly line: string, cause: unknown) {
    super(`replay: line ${lineNumber} ${JSON.stringify(line.length > 80 ? `${line.slice(0, 77)}...` : line)}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}
// The name on the prototype, set once: on a board the preload freezes Error.prototype, and `this.name = ...`
// in the constructor would throw there ("set name: not writable", docs/moddable.md).
ReplayLineError.prototype.name = 'ReplayLineError';

/**
 * Plays a recording back as a stream, each event at its own time
 * (ThingFlow's `CsvReader`, but paced by the events' timestamps instead of
 * one row per sample). It reads one line ahead of the clock and keeps one
 * event in hand, so a file of any length replays in constant memory.
 *
 * The source drives itself with one scheduler timer, which keeps the
 * scheduler running until the file ends; then the stream completes. On a
 * `VirtualClock` the replay is deterministic and as fast as the CPU; on a
 * host's real clock it is paced (use `speed` to play faster).
 *
 * ```ts
 * const replay = new ReplaySource(fileLineSource('run.csv'), csvFormat(), scheduler);
 * replay.where((e) => e.sensorId === 'lux').connect(flow);
 * scheduler.run();
 * ```
 */
export class ReplaySource<E> extends OutputThing<E> {
  /** Events emitted. */
  emitted = 0;
  /** Lines skipped as unreadable (with `badLines: 'skip'`). */
  skippedLines = 0;
  private readonly timer: SchedulerTimer;
  private readonly speed: number;
  private readonly alignToClock: boolean;
  private readonly skipBad: boolean;
  private readonly onBadLine: ((e: Error) => void) | undefined;
  private next: E | undefined;
  private hasNext = false;
  private lineNumber = 0;
  /** Recording seconds at scheduler time 0, fixed at the first wake. */
  private originSec = NaN;
  private done = false;

  constructor(private readonly lines: LineSource, readonly format: RecordFormat<E>, private readonly scheduler: Scheduler, opts: ReplayOptions = {}) {
    super();
    this.speed = opts.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`replay speed must be positive, got ${opts.speed}`);
    this.alignToClock = opts.align === 'clock';
    this.skipBad = opts.badLines === 'skip';
    this.onBadLine = opts.onBadLine;
    format.startReading();
    this.timer = scheduler.createTimer(() => this.onTimer());
    // Fires at run() (or now, when the scheduler already runs): the origin is fixed there.
    this.timer.startMs(0);
  }

  private onTimer(): void {
    if (this.done) return;
    const nowSec = this.scheduler.elapsed / 1000;
    if (this.originSec !== this.originSec) {
      if (!this.readAhead()) return;
      // 'clock': the second the scheduler's time 0 stands for, on its samples' time line; 'start': the first event's.
      this.originSec = this.alignToClock
        ? this.scheduler.timestampNow() - this.scheduler.elapsed / 1000
        : this.format.timestampOf(this.next as E);
    }
    // Emit everything due by now, then sleep until the next event.
    for (;;) {
      const dueMs = this.dueMs(this.next as E);
      if (dueMs > nowSec * 1000) {
        this.timer.startMs(dueMs - this.scheduler.elapsed);
        return;
      }
      const event = this.next as E;
      this.hasNext = false;
      this.next = undefined;
      this.emitted++;
      this.dispatchNext(event);
      if (this.closed || !this.readAhead()) return;
    }
  }

  /** Scheduler milliseconds (since run) at which `event` is due, rounded to the clock's millisecond. */
  private dueMs(event: E): number {
    const ms = Math.round(((this.format.timestampOf(event) - this.originSec) * 1000) / this.speed);
    return ms < 0 ? 0 : ms;
  }

  /** Read lines until an event is in hand; false when the stream ended (completed or failed). */
  private readAhead(): boolean {
    if (this.hasNext) return true;
    for (;;) {
      let line: string | undefined;
      try {
        line = this.lines.readLine();
      } catch (e) {
        if (isFatal(e)) throw e;
        this.finish(e);
        return false;
      }
      if (line === undefined) {
        this.finish(undefined);
        return false;
      }
      this.lineNumber++;
      let event: E | undefined;
      try {
        event = this.format.parse(line);
      } catch (e) {
        if (isFatal(e)) throw e;
        const error = new ReplayLineError(this.lineNumber, line, e);
        if (this.skipBad) {
          this.skippedLines++;
          this.onBadLine?.(error);
          continue;
        }
        this.finish(error);
        return false;
      }
      if (event === undefined) continue;
      this.next = event;
      this.hasNext = true;
      return true;
    }
  }

  private finish(error: unknown): void {
    this.done = true;
    this.timer.clear();
    this.scheduler.disposeTimer(this.timer);
    this.lines.close();
    if (this.closed) return;
    if (error === undefined) this.dispatchCompleted();
    else this.dispatchError(error);
  }

  /** Stop replaying and close the file; the stream completes. */
  stop(): void {
    if (!this.done) this.finish(undefined);
  }

  protected override onAbandoned(): void {
    this.stop();
  }

  override toString(): string {
    return `ReplaySource(${this.emitted} events)`;
  }
}
