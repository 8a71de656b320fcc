import { runThrough } from '../../support/recorder';
import { reduce, scan } from '../../../runtime/filters/scan';

describe('scan and reduce', () => {
  test('scan emits each accumulation, with or without a seed', () => {
    expect(runThrough([1, 2, 3], (s) => s.scan((a: number, x) => a + x, 10)).values).toEqual([11, 13, 16]);
    expect(runThrough([1, 2, 3], (s) => s.scan((a: number, x) => a + x)).values).toEqual([1, 3, 6]);
    expect(runThrough(['a', 'b'], (s) => scan((a: string[], x: string) => a.concat(x), [] as string[])(s)).values).toEqual([['a'], ['a', 'b']]);
  });
  test('reduce emits once, at completion; an empty stream gives the seed or nothing', () => {
    expect(runThrough([1, 2, 3], (s) => s.reduce((a: number, x) => a + x, 0)).log).toEqual(['next 6', 'completed']);
    expect(runThrough([] as number[], (s) => s.reduce((a: number, x) => a + x, 0)).values).toEqual([0]);
    expect(runThrough([] as number[], (s) => reduce((a: number, x: number) => a + x)(s)).log).toEqual(['completed']);
  });
});
