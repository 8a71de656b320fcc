/**
 * Each filter against a naive reference on random streams (fast-check):
 * the reference is the obvious array computation, the filter must agree.
 */
import fc from 'fast-check';
import { runThrough, Recorder } from '../../support/recorder';
import { PeriodicMedian, SlidingMean } from '../../../runtime/filters/transducers';
import { fromIterable } from '../../../runtime/core/from-iterable';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';

const ints = fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 60 });
const reals = fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { maxLength: 60 });
const count = fc.integer({ min: 0, max: 12 });
const window = fc.integer({ min: 1, max: 12 });

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const close = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-6 * Math.max(1, Math.abs(b[i])));

describe('filters agree with naive references on random streams', () => {
  test('map drops null/undefined results', () => fc.assert(fc.property(ints, (xs) => {
    const f = (x: number) => (x % 3 === 0 ? undefined : x % 5 === 0 ? null : x * 2);
    expect(runThrough(xs, (s) => s.map(f)).values).toEqual(xs.map(f).filter((y) => y != null));
  })));

  test('where', () => fc.assert(fc.property(ints, (xs) => {
    expect(runThrough(xs, (s) => s.where((x) => x > 0)).values).toEqual(xs.filter((x) => x > 0));
  })));

  test('scan and reduce', () => fc.assert(fc.property(ints, fc.integer(), (xs, seed) => {
    const prefix: number[] = [];
    xs.reduce((acc, x) => { prefix.push(acc + x); return acc + x; }, seed);
    expect(runThrough(xs, (s) => s.scan((a: number, x) => a + x, seed)).values).toEqual(prefix);
    expect(runThrough(xs, (s) => s.reduce((a: number, x) => a + x, seed)).values).toEqual([xs.reduce((a, x) => a + x, seed)]);
  })));

  test('take, skip, takeLast, first, last', () => fc.assert(fc.property(ints, count, (xs, n) => {
    expect(runThrough(xs, (s) => s.take(n)).values).toEqual(xs.slice(0, n));
    expect(runThrough(xs, (s) => s.skip(n)).values).toEqual(xs.slice(n));
    expect(runThrough(xs, (s) => s.takeLast(n)).values).toEqual(n === 0 ? [] : xs.slice(-n));
    expect(runThrough(xs, (s) => s.first()).values).toEqual(xs.slice(0, 1));
    expect(runThrough(xs, (s) => s.last()).values).toEqual(xs.slice(-1));
    expect(runThrough(xs, (s) => s.take(n)).completed).toBe(true);
  })));

  test('some', () => fc.assert(fc.property(ints, (xs) => {
    expect(runThrough(xs, (s) => s.some((x) => x > 900)).values).toEqual([xs.some((x) => x > 900)]);
  })));

  test('runningAvg is the mean of the last n', () => fc.assert(fc.property(reals, window, (xs, n) => {
    const expected = xs.map((_, i) => mean(xs.slice(Math.max(0, i - n + 1), i + 1)));
    expect(close(runThrough(xs, (s) => s.runningAvg(n)).values, expected)).toBe(true);
  })));

  test('SlidingMean and PeriodicMedian transducers', () => fc.assert(fc.property(reals, window, (xs, n) => {
    const means = xs.map((_, i) => mean(xs.slice(Math.max(0, i - n + 1), i + 1)));
    expect(close(runThrough(xs, (s) => s.transduce(new SlidingMean<number>(n))).values, means)).toBe(true);
    const medians: number[] = [];
    for (let i = 0; i < xs.length; i += n) medians.push(median(xs.slice(i, i + n)));
    expect(runThrough(xs, (s) => s.transduce(new PeriodicMedian<number>(n))).values).toEqual(medians);
  })));

  test('bufferWithCount chunks', () => fc.assert(fc.property(ints, window, (xs, n) => {
    const chunks: number[][] = [];
    for (let i = 0; i < xs.length; i += n) chunks.push(xs.slice(i, i + n));
    expect(runThrough(xs, (s) => s.bufferWithCount(n)).values).toEqual(chunks);
  })));

  test('distinctUntilChanged', () => fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 3 })), (xs) => {
    expect(runThrough(xs, (s) => s.distinctUntilChanged()).values).toEqual(xs.filter((x, i) => i === 0 || x !== xs[i - 1]));
  })));

  test('deadband', () => fc.assert(fc.property(reals, fc.double({ min: 0, max: 100, noNaN: true }), (xs, band) => {
    const out: number[] = [];
    for (const x of xs) if (out.length === 0 || Math.abs(x - out[out.length - 1]) > band) out.push(x);
    expect(runThrough(xs, (s) => s.deadband(band)).values).toEqual(out);
  })));

  test('hysteresis', () => fc.assert(fc.property(ints, fc.integer({ min: -500, max: 0 }), fc.integer({ min: 0, max: 500 }), (xs, low, high) => {
    let state: boolean | undefined;
    const out = xs.map((x) => (state = x >= high ? true : x <= low ? false : state ?? x >= (low + high) / 2));
    expect(runThrough(xs, (s) => s.hysteresis({ low, high })).values).toEqual(out);
  })));

  test('dispatch partitions the stream by the first matching rule', () => fc.assert(fc.property(ints, (xs) => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const src = fromIterable(xs);
    const d = src.dispatch([[(x: number) => x < 0, 'neg'], [(x: number) => x % 2 === 0, 'even']]);
    const neg = new Recorder<number>(); const even = new Recorder<number>(); const rest = new Recorder<number>();
    d.connect(neg, { portMapping: ['neg', 'default'] });
    d.connect(even, { portMapping: ['even', 'default'] });
    d.connect(rest);
    scheduler.schedulePeriodic(src, 1);
    scheduler.run();
    clock.runUntilIdle();
    expect(neg.values).toEqual(xs.filter((x) => x < 0));
    expect(even.values).toEqual(xs.filter((x) => x >= 0 && x % 2 === 0));
    expect(rest.values).toEqual(xs.filter((x) => x >= 0 && x % 2 !== 0));
  })));

  test('toJson then fromJson is the identity on JSON values', () => fc.assert(fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), (xs) => {
    const out = runThrough(xs, (s) => s.toJson().fromJson()).values;
    expect(out).toEqual(xs.map((x) => JSON.parse(JSON.stringify(x))));
  })));
});
