import { runThrough } from '../../support/recorder';
import { some } from '../../../runtime/filters/some';

describe('some', () => {
  test('true at the first matching event, then completes', () => {
    expect(runThrough([1, 5, 2, 9], (s) => s.some((x) => x > 4)).log).toEqual(['next true', 'completed']);
  });
  test('false when the stream ends without a match; without a predicate, any event counts', () => {
    expect(runThrough([1, 2], (s) => s.some((x) => x > 4)).log).toEqual(['next false', 'completed']);
    expect(runThrough([] as number[], (s) => some()(s)).values).toEqual([false]);
    expect(runThrough([3], (s) => s.some()).values).toEqual([true]);
  });
  test('an upstream error answers false (as ThingFlow)', () => {
    const out = runThrough([1, 2], (s) => s.map((x) => { if (x === 2) throw new Error('x'); return x; }).some((x) => x > 4));
    expect(out.log).toEqual(['next false', 'completed']);
  });
});
