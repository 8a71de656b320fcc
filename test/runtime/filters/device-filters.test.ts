import { runThrough, Recorder } from '../../support/recorder';
import { kalman } from '../../../runtime/filters/kalman';
import { deadband } from '../../../runtime/filters/deadband';
import { hysteresis } from '../../../runtime/filters/hysteresis';
import { distinctUntilChanged } from '../../../runtime/filters/distinct-until-changed';
import { OutputThing } from '../../../runtime/core/output-thing';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import '../../../runtime/filters/throttle';

describe('kalman', () => {
  test('starts at the first measurement and converges to a constant signal', () => {
    const out = runThrough([10, 10, 10, 10], (s) => s.kalman({ processNoise: 0.01, measurementNoise: 1 })).values;
    expect(out).toEqual([10, 10, 10, 10]);
  });
  test('follows the textbook recursion', () => {
    const q = 0.1, r = 4;
    const zs = [1, 3, 2, 5];
    let x = zs[0], p = r;
    const expected = [x];
    for (const z of zs.slice(1)) { const pp = p + q; const k = pp / (pp + r); x += k * (z - x); p = (1 - k) * pp; expected.push(x); }
    expect(runThrough(zs, (s) => kalman({ processNoise: q, measurementNoise: r })(s)).values).toEqual(expected);
  });
  test('smooths noise: the estimate varies far less than the measurements', () => {
    let seed = 1;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 10;
    const zs = Array.from({ length: 500 }, () => 20 + noise());
    const est = runThrough(zs, (s) => s.kalman({ processNoise: 0.001, measurementNoise: 8 })).values.slice(100);
    const spread = (a: number[]) => Math.max(...a) - Math.min(...a);
    expect(spread(est)).toBeLessThan(spread(zs) / 5);
    expect(Math.abs(est[est.length - 1] - 20)).toBeLessThan(1);
  });
  test('rejects a non-positive measurement noise', () => {
    expect(() => runThrough([1], (s) => s.kalman({ processNoise: 0, measurementNoise: 0 }))).toThrow(RangeError);
  });
});

describe('deadband', () => {
  test('reports the first value and then only moves larger than the band', () => {
    expect(runThrough([20, 20.3, 20.6, 19.9, 21, 21.4], (s) => s.deadband(0.5)).values).toEqual([20, 20.6, 19.9, 21]);
    expect(runThrough([1, 1, 2], (s) => deadband(0)(s)).values).toEqual([1, 2]);
  });
});

describe('hysteresis', () => {
  test('a value hovering around the threshold does not flicker', () => {
    const hover = [100, 290, 310, 295, 305, 360, 320, 280, 310, 240, 260];
    const plain = runThrough(hover, (s) => s.map((v) => v > 300)).values;
    const held = runThrough(hover, (s) => s.hysteresis({ low: 250, high: 350 })).values;
    const switches = (a: boolean[]) => a.slice(1).filter((v, i) => v !== a[i]).length;
    expect(held).toEqual([false, false, false, false, false, true, true, true, true, false, false]);
    expect(switches(held)).toBe(2);
    expect(switches(plain)).toBeGreaterThan(5);
  });
  test('onlyChanges emits only the switches; the first value decides against the midpoint', () => {
    expect(runThrough([320, 330, 400, 200], (s) => hysteresis({ low: 250, high: 350, onlyChanges: true })(s)).values).toEqual([true, false]);
  });
  test('rejects low above high', () => {
    expect(() => runThrough([1], (s) => s.hysteresis({ low: 5, high: 1 }))).toThrow(RangeError);
  });
});

describe('distinctUntilChanged', () => {
  test('drops repeats, with === or a custom equality', () => {
    expect(runThrough([1, 1, 2, 2, 1], (s) => s.distinctUntilChanged()).values).toEqual([1, 2, 1]);
    const byVal = distinctUntilChanged<{ val: number }>((a, b) => a.val === b.val);
    expect(runThrough([{ val: 1 }, { val: 1 }, { val: 2 }], (s) => byVal(s)).values).toEqual([{ val: 1 }, { val: 2 }]);
  });
});

describe('throttle', () => {
  test('at most one event per interval by the scheduler clock', () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const src = new OutputThing<number>();
    const rec = new Recorder<number>();
    const t = src.throttle(1, scheduler);
    t.connect(rec);
    for (let i = 0; i < 10; i++) { src.dispatchNext(i); clock.advance(300); }
    // passes at 0 ms, 1200 ms (i=4), 2400 ms (i=8)
    expect(rec.values).toEqual([0, 4, 8]);
    expect((t as any).dropped).toBe(7);
  });
});
