import { runThrough } from '../../support/recorder';
import { outputCount } from '../../../runtime/filters/output';
import { never } from '../../../runtime/filters/never';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';

describe('output, outputCount, never', () => {
  test('output prints each event and the end, and passes events on', () => {
    const lines: string[] = [];
    const out = runThrough([{ a: 1 }, 'x'], (s) => s.output((l) => lines.push(l)));
    expect(lines).toEqual(['{"a":1}', 'x', 'completed']);
    expect(out.values).toEqual([{ a: 1 }, 'x']);
  });
  test('outputCount prints the number of events when the stream ends', () => {
    const lines: string[] = [];
    runThrough([1, 2, 3], (s) => outputCount((l) => lines.push(l))(s));
    expect(lines).toEqual(['completed, 3 events']);
  });
  test('never keeps the scheduler alive without emitting', () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const n = never<number>();
    const got: number[] = [];
    n.connect((x) => got.push(x));
    scheduler.schedulePeriodic(n, 60);
    scheduler.run();
    clock.advance(3600_000);
    expect(scheduler.isRunning).toBe(true);
    expect(clock.wakes).toBe(60);
    expect(got).toEqual([]);
  });
});
