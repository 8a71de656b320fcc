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
  test('rejects a window that is not a positive integer', () => {
    expect(() => runThrough([1], (s) => s.runningAvg(0))).toThrow(RangeError);
    expect(() => runThrough([1], (s) => s.runningAvg(2.5))).toThrow(RangeError);
  });
});
