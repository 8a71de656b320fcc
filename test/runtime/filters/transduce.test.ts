import { runThrough } from '../../support/recorder';
import { transduce, type Transducer } from '../../../runtime/filters/transduce';
import { PeriodicMedian, SlidingMean } from '../../../runtime/filters/transducers';

const ev = (val: number, ts = 0) => ({ sensorId: 's1', ts, val });

describe('transduce', () => {
  test('SlidingMean over SensorEvents keeps id and timestamp', () => {
    const out = runThrough([ev(1, 0), ev(3, 1), ev(5, 2), ev(7, 3)], (s) => s.transduce(new SlidingMean(2)));
    expect(out.values).toEqual([ev(1, 0), ev(2, 1), ev(4, 2), ev(6, 3)]);
  });
  test('SlidingMean over plain numbers', () => {
    expect(runThrough([3, 5, 10], (s) => s.transduce(new SlidingMean<number>(3))).values).toEqual([3, 4, 6]);
  });
  test('PeriodicMedian emits once per period and a partial period at completion', () => {
    const out = runThrough([5, 1, 9, 4, 2, 8, 7], (s) => s.transduce(new PeriodicMedian<number>(3)));
    expect(out.log).toEqual(['next 5', 'next 4', 'next 7', 'completed']);
    expect(runThrough([4, 1, 3, 2], (s) => s.transduce(new PeriodicMedian<number>(4))).values).toEqual([2.5]); // even count: mean of the middle two
    const events = runThrough([ev(3, 0), ev(1, 1), ev(2, 2)], (s) => transduce(new PeriodicMedian<ReturnType<typeof ev>>(3))(s));
    expect(events.values).toEqual([ev(2, 2)]);
  });
  test('a custom transducer: step may drop, complete may emit once more', () => {
    const pairs: Transducer<number, string> = {
      held: undefined as number | undefined,
      step(x: number) {
        if (this.held === undefined) { this.held = x; return undefined; }
        const s = `${this.held}+${x}`; this.held = undefined; return s;
      },
      complete() { return this.held === undefined ? undefined : `${this.held}+?`; },
    } as Transducer<number, string> & { held: number | undefined };
    expect(runThrough([1, 2, 3], (s) => s.transduce(pairs)).log).toEqual(['next "1+2"', 'next "3+?"', 'completed']);
  });
});
