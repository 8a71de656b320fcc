import { Recorder } from '../../support/recorder';
import { OutputThing } from '../../../runtime/core/output-thing';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { TimeoutError, type EventWatcher } from '../../../runtime/filters/timeout';

/** A source whose events the test pushes at chosen virtual times. */
function setup() {
  const clock = new VirtualClock();
  const scheduler = new Scheduler(clock);
  const src = new OutputThing<string>();
  const log: string[] = [];
  const tap = <T>(rec: Recorder<T>) => ({
    onNext: (x: T) => { rec.onNext(x); log.push(`${clock.elapsed / 1000}s ${String(x)}`); },
    onCompleted: () => { rec.onCompleted(); log.push(`${clock.elapsed / 1000}s completed`); },
    onError: (e: unknown) => { rec.onError(e); log.push(`${clock.elapsed / 1000}s error ${(e as Error).name}`); },
  });
  return { clock, scheduler, src, log, tap };
}

describe('timeout', () => {
  test('passes events while they keep coming; a quiet spell ends the stream with TimeoutError', () => {
    const { clock, scheduler, src, log, tap } = setup();
    const rec = new Recorder<string>();
    src.timeout(5, scheduler).connect(tap(rec));
    scheduler.run();
    clock.advance(3000); src.dispatchNext('a');
    clock.advance(4000); src.dispatchNext('b');
    clock.advance(10000);
    expect(log).toEqual(['3s a', '7s b', '12s error TimeoutError']);
    expect(rec.error).toBeInstanceOf(TimeoutError);
    expect(scheduler.isRunning).toBe(false); // nothing left to wait for
  });
  test('completion before the deadline clears the timer', () => {
    const { clock, scheduler, src, log, tap } = setup();
    src.timeout(5, scheduler).connect(tap(new Recorder()));
    scheduler.run();
    clock.advance(1000); src.dispatchCompleted();
    clock.advance(10000);
    expect(log).toEqual(['1s completed']);
  });
});

describe('supplyEventWhenTimeout', () => {
  test('emits the watcher\'s stand-in event for each quiet interval, and real events in between', () => {
    const { clock, scheduler, src, log, tap } = setup();
    let seen = 0;
    let closed = false;
    const watcher: EventWatcher<string> = {
      onNext: () => { seen++; },
      produceEventForTimeout: () => `none-after-${seen}`,
      close: () => { closed = true; },
    };
    src.supplyEventWhenTimeout(watcher, scheduler, 2).connect(tap(new Recorder()));
    scheduler.run();
    clock.advance(1000); src.dispatchNext('x');
    clock.advance(5500);
    src.dispatchCompleted();
    expect(log).toEqual(['1s x', '3s none-after-1', '5s none-after-1', '6.5s completed']);
    expect(closed).toBe(true);
  });
  test('abandoned by its consumer: the watcher is closed and the timer goes, so the scheduler stops', () => {
    const { clock, scheduler, src } = setup();
    let closed = 0;
    const watcher: EventWatcher<string> = { onNext: () => {}, produceEventForTimeout: () => 'none', close: () => { closed++; } };
    const stop = src.supplyEventWhenTimeout(watcher, scheduler, 2).connect(() => {});
    scheduler.run();
    clock.advance(3000);
    stop();
    expect(closed).toBe(1);
    expect(scheduler.isRunning).toBe(false);
    clock.advance(60_000);
    expect(clock.wakes).toBe(1);
    expect(closed).toBe(1);
  });
});
