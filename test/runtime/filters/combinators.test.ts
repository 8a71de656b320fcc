import { Recorder, runThrough } from '../../support/recorder';
import { compose, parallel, passthrough } from '../../../runtime/filters/combinators';
import { map } from '../../../runtime/filters/map';
import { runningAvg } from '../../../runtime/filters/running-avg';
import { take } from '../../../runtime/filters/take';

describe('compose, parallel, passthrough', () => {
  test('compose chains thunks into one step', () => {
    const smooth = compose<number, number>(map((x: number) => x * 2), runningAvg(2), take(3));
    expect(runThrough([1, 2, 3, 4], (s) => smooth(s)).log).toEqual(['next 2', 'next 3', 'next 5', 'completed']);
  });
  test('a sink may only end a composition', () => {
    const bad = compose(map((x: number) => x), new Recorder(), map((x: number) => x));
    expect(() => runThrough([1], (s) => bad(s))).toThrow(/last step/);
  });
  test('parallel connects spurs and continues from the source; passthrough taps the chain', () => {
    const a = new Recorder<number>();
    const b = new Recorder<number>();
    const tap = new Recorder<number>();
    const out = runThrough([1, 2], (s) => parallel<number>(a, map((x: number) => x * 100), (x: number) => b.onNext(x))(s).passthrough(tap).map((x) => -x));
    expect(out.values).toEqual([-1, -2]);
    expect(a.log).toEqual(['next 1', 'next 2', 'completed']);
    expect(b.values).toEqual([1, 2]);
    expect(tap.values).toEqual([1, 2]);
    expect(runThrough([5], (s) => passthrough<number>(a)(s)).values).toEqual([5]);
  });
});
