import { runThrough } from '../../support/recorder';
import { runningAvg } from '../../../runtime/filters/running-avg';

describe('runningAvg', () => {
  test('the mean of the last n values, over fewer while the window fills', () => {
    expect(runThrough([2, 4, 6, 8, 10], (s) => s.runningAvg(3)).values).toEqual([2, 3, 4, 6, 8]);
    expect(runThrough([5, 7], (s) => runningAvg(1)(s)).values).toEqual([5, 7]);
  });
  test('stays exact over a long run (the sum is re-added each lap)', () => {
    const values: number[] = Array.from({ length: 100_000 }, (_, i) => (i % 2 ? 0.1 : 1e6));
    const out = runThrough(values, (s) => s.runningAvg(4));
    expect(out.values[out.values.length - 1]).toBe((1e6 + 0.1 + 1e6 + 0.1) / 4);
  });
  test('NaN and ±Infinity are dropped and counted, while the window fills and once it is full', () => {
    const out = runThrough([NaN, 2, Infinity, 4, 6, -Infinity, 8, NaN, 10], (s) => s.runningAvg(3));
    expect(out.values).toEqual([2, 3, 4, 6, 8]);
    const r = runThrough([1, NaN, 3], (s) => s.runningAvg(2));
    expect(r.values).toEqual([1, 2]);
  });
  test('equals the mean of the last n finite numbers, whatever the window and the glitches', () => {
    for (const n of [1, 2, 5, 7]) {
      const input: number[] = [];
      for (let i = 0; i < 500; i++) input.push(i % 37 === 0 ? NaN : ((i * 7919) % 101) - 50);
      const finite = input.filter(Number.isFinite);
      const expected = finite.map((_, k) => {
        const w = finite.slice(Math.max(0, k - n + 1), k + 1);
        return w.reduce((a, b) => a + b, 0) / w.length;
      });
      const got = runThrough(input, (s) => s.runningAvg(n)).values as number[];
      expect(got.length).toBe(expected.length);
      got.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 9));
    }
  });
  test('rejects a window that is not a positive integer', () => {
    expect(() => runThrough([1], (s) => s.runningAvg(0))).toThrow(RangeError);
    expect(() => runThrough([1], (s) => s.runningAvg(2.5))).toThrow(RangeError);
    expect(() => runThrough([1], (s) => s.runningAvg(Infinity))).toThrow(RangeError);
    expect(() => runThrough([1], (s) => s.runningAvg('5' as unknown as number))).toThrow(RangeError); // from JavaScript
  });
});
