import { Recorder, runThrough } from '../../support/recorder';
import { fromIterable } from '../../../runtime/core/from-iterable';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { dispatch } from '../../../runtime/filters/dispatch';

describe('dispatch', () => {
  test('routes each event to the first matching rule\'s port, the rest to default; completion reaches all', () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const src = fromIterable([35, 2, 20, 40, -1]);
    const d = src.dispatch([[(x: number) => x > 30, 'hot'], [(x: number) => x < 5, 'cold']]);
    const hot = new Recorder<number>();
    const cold = new Recorder<number>();
    const rest = new Recorder<number>();
    d.connect(hot, { portMapping: ['hot', 'default'] });
    d.connect(cold, { portMapping: ['cold', 'default'] });
    d.connect(rest);
    scheduler.schedulePeriodic(src, 1);
    scheduler.run();
    clock.runUntilIdle();
    expect(hot.log).toEqual(['next 35', 'next 40', 'completed']);
    expect(cold.log).toEqual(['next 2', 'next -1', 'completed']);
    expect(rest.log).toEqual(['next 20', 'completed']);
  });
  test('the standalone form continues on the default port', () => {
    expect(runThrough([1, 2, 3], (s) => dispatch<number>([[(x) => x === 2, 'two']])(s)).values).toEqual([1, 3]);
  });
  test('errors reach every port', () => {
    const out = runThrough([1, 2], (s) => s.map((x) => { if (x === 2) throw new Error('bad'); return x; }).dispatch([[() => false, 'never']]));
    expect(out.log).toEqual(['next 1', 'error bad']);
  });
  test('a failure down one port\'s branch ends only that branch; the other ports keep receiving', () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const src = fromIterable([1, 50, 2, 60]);
    const d = src.dispatch([[(x: number) => x > 10, 'big']]);
    const big = new Recorder<number>();
    const small = new Recorder<number>();
    d.connect(big, { portMapping: ['big', 'default'] });
    d.map((x: number) => { if (x === 2) throw new Error('small branch broke'); return x; }).connect(small);
    scheduler.schedulePeriodic(src, 1);
    scheduler.run();
    clock.runUntilIdle();
    expect(small.log).toEqual(['next 1', 'error small branch broke']);
    expect(big.log).toEqual(['next 50', 'next 60', 'completed']);
  });
});
