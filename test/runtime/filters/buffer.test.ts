import { runThrough, Recorder } from '../../support/recorder';
import { bufferWithCount } from '../../../runtime/filters/buffer-with-count';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { fromIterable } from '../../../runtime/core/from-iterable';
import '../../../runtime/filters/buffer-with-time';

describe('bufferWithCount', () => {
  test('emits arrays of n, then the remainder at completion', () => {
    expect(runThrough([1, 2, 3, 4, 5], (s) => s.bufferWithCount(2)).log).toEqual(['next [1,2]', 'next [3,4]', 'next [5]', 'completed']);
    expect(runThrough([1, 2], (s) => bufferWithCount(2)(s)).log).toEqual(['next [1,2]', 'completed']);
  });
  test('flushes the remainder before an upstream error', () => {
    const out = runThrough([1, 2, 3], (s) => s.map((x) => { if (x === 3) throw new Error('e'); return x; }).bufferWithCount(5));
    expect(out.log).toEqual(['next [1,2]', 'error e']);
  });
});

/** One event per `everySec` seconds through `build`, recording (virtual time, value). */
function timeline<T>(values: number[], everySec: number, build: (s: any, sch: Scheduler) => any) {
  const clock = new VirtualClock();
  const scheduler = new Scheduler(clock);
  const src = fromIterable(values);
  const rec = new Recorder<T>();
  const at: string[] = [];
  build(src, scheduler).connect({
    onNext: (x: T) => { rec.onNext(x); at.push(`${clock.elapsed / 1000}s ${JSON.stringify(x)}`); },
    onCompleted: () => { rec.onCompleted(); at.push(`${clock.elapsed / 1000}s completed`); },
    onError: (e: unknown) => rec.onError(e),
  });
  scheduler.schedulePeriodic(src, everySec);
  scheduler.run();
  clock.runUntilIdle();
  return { at, clock, scheduler };
}

describe('bufferWithTime / bufferWithTimeOrCount', () => {
  test('bufferWithTime emits what arrived in each window; the timer shares the wake', () => {
    const { at, clock } = timeline([1, 2, 3, 4, 5, 6, 7], 1, (s, sch) => s.bufferWithTime(3, sch));
    expect(at).toEqual(['3s [1,2,3]', '6s [4,5,6]', '7s [7]', '7s completed']);
    expect(clock.wakes).toBe(7); // wakes at 1..7 s: the 3 s timer fired inside the sensor's wakes
  });
  test('bufferWithTimeOrCount flushes at the count and restarts the timer', () => {
    const { at } = timeline([1, 2, 3, 4, 5, 6], 1, (s, sch) => s.bufferWithTimeOrCount(2.5, 3, sch));
    // the count flush at 2 s restarts the 2.5 s timer, which fires at 4.5 s with [4,5]
    expect(at).toEqual(['2s [1,2,3]', '4.5s [4,5]', '6s [6]', '6s completed']);
  });
  test('nothing empty is emitted, and the scheduler stops once the stream is done', () => {
    const { at, scheduler } = timeline([1], 10, (s, sch) => s.bufferWithTime(1, sch));
    expect(at).toEqual(['1s [1]', '10s completed']);
    expect(scheduler.isRunning).toBe(false);
  });
});
