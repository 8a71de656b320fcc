import { runThrough } from '../../support/recorder';
import { map, select } from '../../../runtime/filters/map';

describe('map / select', () => {
  test('transforms each event', () => {
    expect(runThrough([1, 2, 3], (s) => s.map((x) => x * 2)).log).toEqual(['next 2', 'next 4', 'next 6', 'completed']);
  });
  test('drops undefined and null results (ThingFlow), keeps 0, false and empty strings', () => {
    const out = runThrough([0, 1, 2, 3, 4], (s) => s.map((x) => [0, undefined, null, false, ''][x]));
    expect(out.values).toEqual([0, false, '']);
  });
  test('a throwing function ends this branch with onError', () => {
    const out = runThrough([1, 2, 3], (s) => s.map((x) => { if (x === 2) throw new Error('no 2'); return x; }));
    expect(out.log).toEqual(['next 1', 'error no 2']);
  });
  test('standalone thunks compose; select is map', () => {
    expect(runThrough([1, 2], (s) => select((x: number) => x + 1)(map((x: number) => x * 10)(s))).values).toEqual([11, 21]);
  });
});
