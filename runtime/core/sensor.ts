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
    this.name = 'StopIteration';
  }
}

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
 * ```
 * A sample without that field (a driver that returns `undefined` on a failed
 * read) is a read error.
 */
export function fromEcma419<T = number>(sensor: Ecma419Sensor, field: string, sensorId: string | number = field): Sensor<T> {
  return {
    sensorId,
    sample(): T {
      const reading = sensor.sample();
      const value = reading?.[field];
      if (value === undefined) throw new Error(`sensor ${String(sensorId)}: no '${field}' in sample`);
      return value as T;
    },
  };
}
