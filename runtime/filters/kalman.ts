import { Filter, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

export interface KalmanOptions {
  /** Process noise variance: how much the true value may drift between samples. */
  processNoise: number;
  /** Measurement noise variance: how noisy the sensor is. */
  measurementNoise: number;
  /** Initial estimate; the first measurement when omitted. */
  initialEstimate?: number;
  /** Initial estimate variance (default: `measurementNoise`). */
  initialErrorCovariance?: number;
}

/**
 * A one-dimensional Kalman filter for a slowly varying value measured with
 * noise: each number in gives the updated estimate out. Four numbers of
 * state, no allocation. A non-finite measurement (NaN, ±Infinity) is dropped
 * and counted in `nonFinite`: it would poison the estimate for good, so
 * nothing is emitted for it and the estimate stands.
 */
export class KalmanFilter extends Filter<number, number> {
  private estimate: number;
  private errorCov: number;
  private started: boolean;
  private readonly q: number;
  private readonly r: number;
  /** Non-finite measurements dropped so far. */
  nonFinite = 0;

  constructor(previous: OutputThing<number>, opts: KalmanOptions) {
    // Checked before super(), which connects this filter: refused, it leaves its source as it was.
    if (!(opts.processNoise >= 0 && opts.processNoise < Infinity) || !(opts.measurementNoise > 0 && opts.measurementNoise < Infinity)) {
      throw new RangeError(`kalman: processNoise must be finite and >= 0, measurementNoise finite and > 0, got ${opts.processNoise} and ${opts.measurementNoise}`);
    }
    if (opts.initialEstimate !== undefined && !Number.isFinite(opts.initialEstimate)) {
      throw new RangeError(`kalman: initialEstimate must be finite, got ${opts.initialEstimate}`);
    }
    super(previous);
    this.q = opts.processNoise;
    this.r = opts.measurementNoise;
    this.started = opts.initialEstimate !== undefined;
    this.estimate = opts.initialEstimate ?? 0;
    this.errorCov = opts.initialErrorCovariance ?? opts.measurementNoise;
  }

  override onNext(z: number): void {
    if (z - z !== 0) {
      this.nonFinite++; // NaN or ±Infinity (one subtraction tests both)
      return;
    }
    if (!this.started) {
      this.started = true;
      this.estimate = z;
    } else {
      const p = this.errorCov + this.q; // predict: the value may have drifted
      const gain = p / (p + this.r); // update: weigh the measurement against the prediction
      this.estimate += gain * (z - this.estimate);
      this.errorCov = (1 - gain) * p;
    }
    this.out.onNext(this.estimate);
  }
}

export function kalman(opts: KalmanOptions): Thunk<number, number> {
  return thunk((source: OutputThing<number>) => new KalmanFilter(source, opts));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Smooth noisy numbers with a 1-D Kalman filter. */
    kalman(this: OutputThing<number>, opts: KalmanOptions): Filter<number, number>;
  }
}
addFluentMethod('kalman', function (this: OutputThing<number>, opts: KalmanOptions) {
  return new KalmanFilter(this, opts);
});
