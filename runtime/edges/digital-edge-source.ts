import type { SensorEvent } from '../core/input-thing';
import { OutputThing } from '../core/output-thing';
import { ticksDiff } from '../scheduler/clock';
import type { Scheduler, SchedulerTimer } from '../scheduler/scheduler';

/** The slice of an ECMA-419 Digital instance (`embedded:io/digital`) an edge source uses. */
export interface DigitalInput {
  read(): number;
  close(): void;
  target?: unknown;
}

/** The Digital class (`device.io.Digital`), with its mode and edge constants. */
export interface DigitalInputClass {
  new (options: any): DigitalInput;
  readonly Input: unknown;
  readonly InputPullUp?: unknown;
  readonly Rising: number;
  readonly Falling: number;
}

export interface DigitalEdgeSourceOptions {
  io: DigitalInputClass;
  pin: number;
  /** The pin mode (default `InputPullUp` when the class has it: a button to ground). */
  mode?: unknown;
  /** Which changes to emit (default `'both'`): presses and releases, or one of them. */
  edges?: 'rising' | 'falling' | 'both';
  /** Edges closer than this to the last accepted change are contact bounce (default 20 ms). */
  debounceMs?: number;
  /** Emit 1 for a low pin (a button to ground with a pull-up reads 0 when pressed). */
  invert?: boolean;
  /** The events' `sensorId` (default the pin number). */
  sensorId?: string | number;
  /** Its clock times the events and the debounce; one of its timers settles a bounce. */
  scheduler: Scheduler;
}

/**
 * ECMA-419's `onReadable` runs with `this` the Digital instance; its
 * `target` is the source. One shared function: no closure per source or per edge.
 */
function onDigitalReadable(this: DigitalInput): void {
  (this.target as DigitalEdgeSource).edge();
}

/**
 * A push source for a digital input (a button, the ADXL345's INT1 line): the
 * pin's `onReadable` calls it on each edge, nothing is polled, and each
 * accepted change becomes a `SensorEvent` whose `val` is the new level (0 or
 * 1, after `invert`). Only the event is allocated per change.
 *
 * Debounced without polling: the first edge after a quiet `debounceMs` is
 * taken at once; edges inside the window are counted in `bounces`, and one
 * scheduler timer reads the pin once at the window's end, so a level that
 * settled differently than the last event (a very short press) is not lost.
 *
 * ```ts
 * const button = new DigitalEdgeSource({ io: device.io.Digital, pin: device.pin.button, invert: true, edges: 'rising', scheduler });
 * button.connect((e) => trace(`pressed at ${e.ts}\n`));
 * ```
 */
export class DigitalEdgeSource extends OutputThing<SensorEvent<number>> {
  /** Changes emitted. */
  emitted = 0;
  /** Edges ignored as contact bounce. */
  bounces = 0;
  readonly sensorId: string | number;
  private io: DigitalInput | undefined;
  private readonly scheduler: Scheduler;
  private readonly settleTimer: SchedulerTimer;
  private readonly debounceMs: number;
  private readonly invert: number;
  private readonly emitRising: boolean;
  private readonly emitFalling: boolean;
  private level: number;
  private lastChangeAt: number;
  private settling = false;

  constructor(opts: DigitalEdgeSourceOptions) {
    super();
    const io = opts.io;
    const edges = opts.edges ?? 'both';
    if (edges !== 'rising' && edges !== 'falling' && edges !== 'both') throw new RangeError(`DigitalEdgeSource: edges must be rising, falling or both, got ${String(edges)}`);
    this.emitRising = edges !== 'falling';
    this.emitFalling = edges !== 'rising';
    this.debounceMs = opts.debounceMs ?? 20;
    if (!(this.debounceMs >= 0)) throw new RangeError(`DigitalEdgeSource: debounceMs must be >= 0, got ${opts.debounceMs}`);
    this.invert = opts.invert ? 1 : 0;
    this.sensorId = opts.sensorId ?? opts.pin;
    this.scheduler = opts.scheduler;
    this.settleTimer = opts.scheduler.createTimer(() => this.settle());
    // Both edges always: the source must follow the level to debounce, whichever changes it emits.
    this.io = new io({
      pin: opts.pin,
      mode: opts.mode ?? io.InputPullUp ?? io.Input,
      edge: io.Rising | io.Falling,
      onReadable: onDigitalReadable,
      target: this,
    });
    this.level = this.io.read() ^ this.invert;
    // The first edge is never bounce.
    this.lastChangeAt = this.scheduler.clock.now() - this.debounceMs - 1;
  }

  /** The debounced level: 0 or 1 (after `invert`). */
  get value(): number {
    return this.level;
  }

  /** @internal the pin's onReadable. */
  edge(): void {
    const io = this.io;
    if (io === undefined) return;
    const clock = this.scheduler.clock;
    const now = clock.now();
    const since = ticksDiff(now, this.lastChangeAt, clock.period);
    if (since < this.debounceMs) {
      this.bounces++;
      if (!this.settling) {
        this.settling = true;
        this.settleTimer.startMs(this.debounceMs - since);
      }
      return;
    }
    const level = io.read() ^ this.invert;
    if (level !== this.level) this.change(level, now);
  }

  private settle(): void {
    this.settling = false;
    const io = this.io;
    if (io === undefined) return;
    const level = io.read() ^ this.invert;
    if (level !== this.level) this.change(level, this.scheduler.clock.now());
  }

  private change(level: number, now: number): void {
    this.level = level;
    this.lastChangeAt = now;
    if (level === 1 ? !this.emitRising : !this.emitFalling) return;
    this.emitted++;
    // On the samples' time line (unwrapped, slewed with them), not the clock's epoch plus its raw tick.
    this.dispatchNext({ sensorId: this.sensorId, ts: this.scheduler.timestampNow(), val: level });
  }

  /** Release the pin and complete the stream. */
  close(): void {
    const io = this.io;
    if (io === undefined) return;
    this.io = undefined;
    io.close();
    this.settleTimer.clear();
    this.scheduler.disposeTimer(this.settleTimer);
    if (!this.closed) this.dispatchCompleted();
  }

  protected override onAbandoned(): void {
    this.close();
  }

  override toString(): string {
    return `DigitalEdgeSource(${String(this.sensorId)})`;
  }
}
