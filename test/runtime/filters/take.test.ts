import { runThrough } from '../../support/recorder';
import { first, take } from '../../../runtime/filters/take';
import { skip } from '../../../runtime/filters/skip';
import { last, takeLast } from '../../../runtime/filters/take-last';

describe('take, first, skip, takeLast, last', () => {
  test('take passes the first n then completes', () => {
    expect(runThrough([1, 2, 3, 4], (s) => s.take(2)).log).toEqual(['next 1', 'next 2', 'completed']);
    expect(runThrough([1, 2], (s) => s.take(5)).log).toEqual(['next 1', 'next 2', 'completed']);
    expect(runThrough([1, 2], (s) => take(0)(s)).log).toEqual(['completed']);
  });
  test('first is take(1)', () => {
    expect(runThrough([7, 8], (s) => s.first()).log).toEqual(['next 7', 'completed']);
    expect(runThrough([7, 8], (s) => first()(s)).values).toEqual([7]);
  });
  test('skip drops the first n', () => {
    expect(runThrough([1, 2, 3, 4], (s) => s.skip(3)).log).toEqual(['next 4', 'completed']);
    expect(runThrough([1, 2], (s) => skip(0)(s)).values).toEqual([1, 2]);
  });
  test('takeLast emits the last n, oldest first, at completion', () => {
    expect(runThrough([1, 2, 3, 4, 5], (s) => s.takeLast(3)).log).toEqual(['next 3', 'next 4', 'next 5', 'completed']);
    expect(runThrough([1, 2], (s) => takeLast(3)(s)).values).toEqual([1, 2]);
    expect(runThrough([1, 2], (s) => s.takeLast(0)).log).toEqual(['completed']);
  });
  test('last emits the last value, or the default for an empty stream', () => {
    expect(runThrough([1, 2, 3], (s) => s.last()).log).toEqual(['next 3', 'completed']);
    expect(runThrough([] as number[], (s) => s.last(42)).values).toEqual([42]);
    expect(runThrough([] as number[], (s) => last()(s)).log).toEqual(['completed']);
  });
  test('negative counts are rejected when the flow is built', () => {
    expect(() => runThrough([1], (s) => s.take(-1))).toThrow(RangeError);
    expect(() => runThrough([1], (s) => s.skip(-1))).toThrow(RangeError);
  });
});
