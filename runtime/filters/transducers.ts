import { checkCount } from '../core/filter';
import type { SensorEvent } from '../core/input-thing';
import type { Transducer } from './transduce';
import { OutputThing } from '../core/output-thing';
import { RunningAverage } from './running-avg';

type Sample = number | SensorEvent<number>;

function valueOf(x: Sample): number {
  return typeof x === 'number' ? x : x.val;
}

/** The same kind of sample as `like`, carrying `val`. */
function withValue<T extends Sample>(like: T, val: number): T {
  if (typeof like === 'number') return val as T;
  return { sensorId: like.sensorId, ts: like.ts, val } as T;
}

/** Catches what a filter run inside a transducer emits. */
class LatestValue {
  value = 0;
  fresh = false;
  onNext(v: number): void {
    this.value = v;
    this.fresh = true;
  }
  onCompleted(): void {}
  onError(): void {}
}

/**
 * Mean of the last `n` samples (ThingFlow's `SensorSlidingMean`): the
 * `runningAvg` filter's implementation, run as a transducer. Takes numbers or
 * `SensorEvent`s; a `SensorEvent` in gives a new `SensorEvent` out with the
 * same id and timestamp (that event is the only allocation). A non-finite
 * value gives no output and is counted in `nonFinite`.
 */
export class SlidingMean<T extends Sample = SensorEvent<number>> implements Transducer<T, T> {
  private readonly average: RunningAverage;
  private readonly latest = new LatestValue();

  constructor(readonly n: number) {
    // The filter is fed by hand (`onNext`), so its source is a bare output thing that never emits.
    this.average = new RunningAverage(new OutputThing<number>(), n, 'SlidingMean');
    this.average.connect(this.latest);
  }

  /** Non-finite values dropped so far. */
  get nonFinite(): number {
    return this.average.nonFinite;
  }

  step(x: T): T | undefined {
    const latest = this.latest;
    latest.fresh = false;
    this.average.onNext(valueOf(x));
    return latest.fresh ? withValue(x, latest.value) : undefined;
  }
}

/**
 * Once every `period` samples, the median of those samples (ThingFlow's
 * `PeriodicMedianTransducer`); a partial period is summarised on completion.
 */
export class PeriodicMedian<T extends Sample = SensorEvent<number>> implements Transducer<T, T> {
  private readonly samples: Float64Array;
  private readonly scratch: Float64Array;
  private seen = 0;
  private lastEvent: T | undefined;

  constructor(readonly period = 5) {
    checkCount(period, 'PeriodicMedian', 'period', 1);
    this.samples = new Float64Array(period);
    this.scratch = new Float64Array(period);
  }

  step(x: T): T | undefined {
    this.samples[this.seen++] = valueOf(x);
    this.lastEvent = x;
    if (this.seen < this.period) return undefined;
    const m = this.median(this.seen);
    this.seen = 0;
    return withValue(x, m);
  }

  complete(): T | undefined {
    if (this.seen === 0 || this.lastEvent === undefined) return undefined;
    const m = this.median(this.seen);
    this.seen = 0;
    return withValue(this.lastEvent, m);
  }

  /** Median of the first `n` samples: insertion sort into a preallocated scratch array. */
  private median(n: number): number {
    const s = this.scratch;
    for (let i = 0; i < n; i++) {
      const v = this.samples[i];
      let j = i - 1;
      while (j >= 0 && s[j] > v) {
        s[j + 1] = s[j];
        j--;
      }
      s[j + 1] = v;
    }
    const mid = n >> 1;
    return n % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  }
}
