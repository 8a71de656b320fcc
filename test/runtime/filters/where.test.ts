import { runThrough } from '../../support/recorder';
import { where } from '../../../runtime/filters/where';

describe('where / filter', () => {
  test('passes only matching events', () => {
    expect(runThrough([1, 2, 3, 4], (s) => s.where((x) => x % 2 === 0)).log).toEqual(['next 2', 'next 4', 'completed']);
    expect(runThrough([1, 2, 3, 4], (s) => s.filter((x) => x > 2)).values).toEqual([3, 4]);
    expect(runThrough([5, 6], (s) => where((x: number) => x === 6)(s)).values).toEqual([6]);
  });
});
