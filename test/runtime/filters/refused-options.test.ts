/**
 * A filter whose options are refused throws a RangeError that names the call
 * and the value, and leaves its source as it was: not connected to a filter
 * that was never made (the source would go on being sampled for it, and a
 * scheduler would never deschedule it), and no event lost by a later sink.
 */
import '../../../runtime/filters';
import { OutputThing } from '../../../runtime/core/output-thing';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { PeriodicMedian, SlidingMean } from '../../../runtime/filters/transducers';
import { expectRefusedLeavingSource } from './refused';

const scheduler = new Scheduler(new VirtualClock());

type Build = (source: OutputThing<number>) => unknown;

/** [the call as written, what it builds, what its message must say] */
const REFUSED: [string, Build, RegExp][] = [
  ['take(-1)', (s) => s.take(-1), /^take\(-1\): count must be a whole number >= 0/],
  ['take(2.5)', (s) => s.take(2.5), /^take\(2\.5\): count must be a whole number >= 0/],
  ['take(NaN)', (s) => s.take(NaN), /^take\(NaN\): count/],
  ["take('3') from JavaScript", (s) => s.take('3' as unknown as number), /^take\(3\): count/],
  ['skip(-1)', (s) => s.skip(-1), /^skip\(-1\): count must be a whole number >= 0/],
  ['skip(2.5)', (s) => s.skip(2.5), /^skip\(2\.5\): count/],
  ['takeLast(2.5)', (s) => s.takeLast(2.5), /^takeLast\(2\.5\): count must be a whole number >= 0$/],
  ['takeLast(Infinity)', (s) => s.takeLast(Infinity), /^takeLast\(Infinity\): count/],
  ['bufferWithCount(0)', (s) => s.bufferWithCount(0), /^bufferWithCount\(0\): count must be a whole number >= 1$/],
  ['bufferWithCount(2.5)', (s) => s.bufferWithCount(2.5), /^bufferWithCount\(2\.5\): count/],
  ['bufferWithTimeOrCount(1, 0)', (s) => s.bufferWithTimeOrCount(1, 0, scheduler), /^bufferWithTimeOrCount\(0\): count must be a whole number >= 1/],
  ['bufferWithTimeOrCount(1, 2.5)', (s) => s.bufferWithTimeOrCount(1, 2.5, scheduler), /^bufferWithTimeOrCount\(2\.5\): count/],
  ['bufferWithTime(0)', (s) => s.bufferWithTime(0, scheduler), /buffer interval must be a finite number of seconds/],
  ['runningAvg(0)', (s) => s.runningAvg(0), /^runningAvg\(0\): window must be a whole number >= 1$/],
  ['runningAvg(2.5)', (s) => s.runningAvg(2.5), /^runningAvg\(2\.5\): window/],
  ['hysteresis low > high', (s) => s.hysteresis({ low: 5, high: 1 }), /^hysteresis: low \(5\) must not exceed high \(1\)/],
  ['deadband(-1)', (s) => s.deadband(-1), /^deadband\(-1\): band must be >= 0/],
  ['kalman with no measurement noise', (s) => s.kalman({ processNoise: 0, measurementNoise: 0 }), /^kalman: processNoise must be finite/],
  ['kalman with a NaN initial estimate', (s) => s.kalman({ processNoise: 0, measurementNoise: 1, initialEstimate: NaN }), /^kalman: initialEstimate must be finite/],
  ['throttle(0)', (s) => s.throttle(0, scheduler), /throttle interval must be a finite number of seconds/],
  ['timeout(-1)', (s) => s.timeout(-1, scheduler), /timeout must be a finite number of seconds/],
];

describe('a filter with refused options', () => {
  test.each(REFUSED)('%s: a RangeError naming it, and the source left unconnected', (_call, build, message) => {
    expectRefusedLeavingSource(build, RangeError, message);
  });

  test('the counts that mean something are taken: 0, and Infinity where nothing is held for it', () => {
    const source = new OutputThing<number>();
    expect(() => source.take(0)).not.toThrow();
    expect(() => source.take(Infinity)).not.toThrow();
    expect(() => source.skip(Infinity)).not.toThrow();
    expect(() => source.takeLast(0)).not.toThrow();
    expect(() => source.bufferWithTimeOrCount(1, Infinity, scheduler)).not.toThrow();
  });

  test('transducers refuse their windows the same way', () => {
    expect(() => new SlidingMean(2.5)).toThrow(/^SlidingMean\(2\.5\): window must be a whole number >= 1$/);
    expect(() => new PeriodicMedian(0)).toThrow(/^PeriodicMedian\(0\): period must be a whole number >= 1$/);
    expect(() => new PeriodicMedian(2.5)).toThrow(RangeError);
  });
});
