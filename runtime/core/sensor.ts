import { isFatal } from './errors';
import type { SensorEvent } from './input-thing';
import { OutputThing } from './output-thing';

/** Anything with an id and a `sample()` is a sensor (ThingFlow's duck-typed sensor). */
export interface Sensor<T = number> {
  sensorId: string | number;
  sample(): T;
}

/**
 * Thrown by `sample()` to end a sensor's stream: the stream completes instead
 * of failing (ThingFlow's `StopIteration`).
 */
export class StopIteration extends Error {
  constructor(message = 'sensor has no more samples') {
    super(message);
  }
}
// The name on the prototype, set once: on a board the preload freezes Error.prototype, and `this.name = ...`
// in the constructor would throw there ("set name: not writable", docs/moddable.md).
StopIteration.prototype.name = 'StopIteration';

export interface SensorOptions {
  /**
   * What a failed `sample()` does: `'error'` (default, as ThingFlow) ends the
   * stream with `onError`; `'skip'` drops that sample and tries again at the
   * next interval, reporting each failure to `onReadError`.
   */
  readErrors?: 'error' | 'skip';
  onReadError?: (e: unknown) => void;
}

/**
 * Samples a sensor each time the scheduler observes it and emits a
 * `SensorEvent`. Only the event object is allocated per sample.
 *
 * ```ts
 * const lux = new SensorAsOutputThing(new LuxSensor());
 * lux.map((e) => e.val).runningAvg(5).connect(sink);
 * scheduler.schedulePeriodic(lux, 60);
 * ```
 */
export class SensorAsOutputThing<T = number> extends OutputThing<SensorEvent<T>> {
  /** Samples that failed and were skipped (with `readErrors: 'skip'`). */
  skippedReads = 0;
  private readonly skipErrors: boolean;
  private readonly onReadError: ((e: unknown) => void) | undefined;

  constructor(readonly sensor: Sensor<T>, opts?: SensorOptions) {
    // Refused now, not at the first sample: that would be a read error, skipped or ending the stream, far from its cause.
    if (typeof sensor?.sample !== 'function') throw new TypeError(`sensor ${String(sensor?.sensorId)}: sample must be a function`);
    super();
    this.skipErrors = opts?.readErrors === 'skip';
    this.onReadError = opts?.onReadError;
  }

  override observe(timestampSec: number): void {
    // One guard for the read and for the whole chain below (filters emit unguarded).
    let sampled = false;
    try {
      const val = this.sensor.sample();
      sampled = true;
      this.out.onNext({ sensorId: this.sensor.sensorId, ts: timestampSec, val });
    } catch (e) {
      if (sampled) this.outFailed(e);
      else this.sampleFailed(e);
    }
  }

  private sampleFailed(e: unknown): void {
    if (isFatal(e)) throw e;
    if (e instanceof StopIteration) {
      this.dispatchCompleted();
    } else if (this.skipErrors) {
      this.skippedReads++;
      this.onReadError?.(e);
    } else {
      this.dispatchError(e);
    }
  }

  override toString(): string {
    return `SensorAsOutputThing(${String(this.sensor.sensorId)})`;
  }
}

/**
 * An ECMA-419 sensor: `sample()` returns an object of named readings, such as
 * `{ temperature: 21.5 }` or `{ x, y, z }`.
 */
export interface Ecma419Sensor {
  sample(): Record<string, unknown> | undefined;
}

/**
 * Make a ThingFlow sensor of one field of an ECMA-419 sensor.
 *
 * ```ts
 * const temp = new SensorAsOutputThing(fromEcma419(new TMP102({ sensor }), 'temperature', 'temp-1'));
 * const light = new SensorAsOutputThing(fromEcma419(() => new TSL2591({ sensor }), 'illuminance'), { readErrors: 'skip' });
 * ```
 * A sample without a value for that field (none, or `null`; or a driver that
 * returns `undefined` on a failed read) is a read error. Given a function instead of a driver, the driver is
 * made at once, as `new` would, but if that throws it is made again at each
 * sample until it works: a driver's constructor talks to its part (an ID
 * check, a configuration), and a part missing or glitching at boot is then a
 * read error of each sample until it answers (skipped, with `readErrors:
 * 'skip'`, and reported), not an app that fails to start. (The error of the
 * first try is not lost: the first sample, at `run()`, tries again.) A part
 * that answers at once costs nothing more per sample than a driver given.
 */
export function fromEcma419<T = number>(sensor: Ecma419Sensor | (() => Ecma419Sensor), field: string, sensorId: string | number = field): Sensor<T> {
  if (typeof sensor !== 'function') return fieldOf<T>(sensor, field, sensorId);
  let driver: Ecma419Sensor | undefined;
  try {
    driver = sensor();
  } catch (e) {
    if (isFatal(e)) throw e;
  }
  // The part answered: the same adapter as for a driver given as itself (nothing more per sample), refused as that is without sample().
  if (driver !== void 0) return fieldOf<T>(driver, field, sensorId);
  // It did not: made again at each sample until it does (the first sample, at `run()`, reports what it throws then).
  let made: Sensor<T> | undefined;
  return {
    sensorId,
    sample(): T {
      if (made === undefined) made = fieldOf<T>(sensor(), field, sensorId);
      return made.sample();
    },
  };
}

/** The adapter: the field of each sample, a read error when it has none. */
function fieldOf<T>(sensor: Ecma419Sensor, field: string, sensorId: string | number): Sensor<T> {
  if (typeof sensor?.sample !== 'function') throw new TypeError(`sensor ${String(sensorId)}: the driver's sample must be a function`);
  return {
    sensorId,
    sample(): T {
      const reading = sensor.sample();
      const value = reading?.[field];
      // `== null`, not `=== undefined`: on XS `undefined` is a global lookup, ~500 cycles a sample on a Cortex-M0+.
      if (value == null) throw new Error(`sensor ${String(sensorId)}: no '${field}' in sample`);
      return value as T;
    },
  };
}
