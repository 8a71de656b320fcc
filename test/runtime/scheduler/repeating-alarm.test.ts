import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock, type VirtualClockOptions } from '../../../runtime/scheduler/virtual-clock';
import { OutputThing } from '../../../runtime/core/output-thing';

/**
 * A clock with a repeating alarm (`wakeEvery`, as ModdableClock has): in a
 * steady rhythm the scheduler arms it once; whenever the rhythm changes it
 * falls back to one-shot wakes, and what is sampled when must not differ from
 * a clock without it.
 */
class CountingClock extends VirtualClock {
  wakeCalls = 0;
  everyCalls: [number, number][] = [];
  constructor(repeating: boolean, opts: VirtualClockOptions = {}) {
    super({ ...opts, repeating });
    const every = this.wakeEvery;
    if (every) {
      (this as any).wakeEvery = (ms: number, everyMs: number, fn: () => void) => {
        this.everyCalls.push([ms, everyMs]);
        every(ms, everyMs, fn);
      };
    }
  }
  override wake(ms: number, fn: () => void): void {
    this.wakeCalls++;
    super.wake(ms, fn);
  }
}

/** A thing that logs `time name` when sampled, completes after `limit` samples, and may block the board. */
class Probe extends OutputThing<number> {
  samples = 0;
  /** Milliseconds the next sample blocks (a driver's `Timer.delay`): the clock moves on inside the wake. */
  blockMs = 0;
  constructor(private readonly clock: VirtualClock, private readonly log: string[], readonly name: string, private readonly limit = Infinity) {
    super();
    this.connect(() => {});
  }
  override observe(): void {
    this.log.push(`${this.clock.elapsed / 1000}s ${this.name}`);
    if (this.blockMs > 0) {
      const ms = this.blockMs;
      this.blockMs = 0;
      this.clock.advance(ms);
    }
    if (++this.samples >= this.limit) this.dispatchCompleted();
    else this.dispatchNext(this.samples);
  }
}

describe('Scheduler on a clock with a repeating alarm (Clock.wakeEvery)', () => {
  test('a steady rhythm arms the alarm once: later wakes re-arm nothing, and stay on the grid', () => {
    const clock = new CountingClock(true);
    const log: string[] = [];
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, log, 'a'), 2);
    s.run();
    clock.advance(20_000);
    expect(log).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20].map((t) => `${t}s a`));
    expect(clock.everyCalls).toEqual([[2000, 2000]]);
    expect(clock.wakeCalls).toBe(0);
    expect(clock.wakes).toBe(10);
    expect(s.wakeCount).toBe(10);
    expect(clock.nextWakeIn).toBe(2000);
  });

  test('related intervals keep one rhythm: the smallest, with the others sampled at their multiples', () => {
    const clock = new CountingClock(true);
    const log: string[] = [];
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, log, 'light'), 60);
    s.schedulePeriodic(new Probe(clock, log, 'temperature'), 300);
    s.run();
    clock.advance(600_000);
    expect(log.filter((l) => l.endsWith('temperature'))).toEqual(['0s temperature', '300s temperature', '600s temperature']);
    expect(log.filter((l) => l.endsWith('light'))).toHaveLength(11);
    expect(clock.everyCalls).toEqual([[60_000, 60_000]]);
    expect(clock.wakeCalls).toBe(0);
    expect(clock.wakes).toBe(10);
  });

  test('unrelated intervals wake at each one\'s deadlines, as without the repeating alarm', () => {
    const run = (repeating: boolean) => {
      const clock = new CountingClock(repeating);
      const log: string[] = [];
      const s = new Scheduler(clock);
      s.schedulePeriodic(new Probe(clock, log, 'three'), 3);
      s.schedulePeriodic(new Probe(clock, log, 'five'), 5);
      s.run();
      clock.advance(30_000);
      return { log, wakes: clock.wakes };
    };
    const repeating = run(true);
    expect(repeating).toEqual(run(false));
    expect(repeating.log.slice(0, 6)).toEqual(['0s three', '0s five', '3s three', '5s five', '6s three', '9s three']);
  });

  /** The same day on both clocks: rhythm changes, a timer, a late wake, completion. */
  function day(repeating: boolean) {
    const clock = new CountingClock(repeating);
    const log: string[] = [];
    const s = new Scheduler(clock);
    const a = new Probe(clock, log, 'a');
    s.schedulePeriodic(a, 2);
    s.run();
    clock.advance(5_000);
    const cancelFive = s.schedulePeriodic(new Probe(clock, log, 'five'), 5); // unrelated: sampled at once, its own wakes
    clock.advance(12_000);
    cancelFive(); // back to one interval
    clock.advance(6_000);
    const timer = s.createTimer(() => log.push(`${clock.elapsed / 1000}s timer`));
    timer.start(3.5); // between wakes: the alarm must come earlier than the rhythm's
    clock.advance(6_000);
    s.disposeTimer(timer); // no timers again
    clock.advance(4_000);
    a.blockMs = 4_500; // the next sample blocks past two deadlines: the wake after it is late
    clock.advance(12_000);
    s.schedulePeriodic(new Probe(clock, log, 'last', 2), 4); // related: joins a's rhythm, completes after 2 samples
    clock.advance(10_000);
    s.stop();
    clock.advance(10_000);
    return { log, clock, s };
  }

  test('what is sampled when is the same as with one-shot wakes, through rhythm changes, timers and late wakes', () => {
    const oneShot = day(false);
    const repeating = day(true);
    expect(repeating.log).toEqual(oneShot.log);
    expect(repeating.s.missedDeadlines).toBe(oneShot.s.missedDeadlines);
    expect(repeating.s.missedDeadlines).toBeGreaterThan(0);
    expect(repeating.s.wakeCount).toBe(oneShot.s.wakeCount);
    // the day does hold each case
    expect(oneShot.log).toContain('5s five');
    expect(oneShot.log).toContain('26.5s timer');
    expect(oneShot.log.filter((l) => l.endsWith(' last'))).toHaveLength(2);
    // the repeating alarm whenever the rhythm was steady, one-shot wakes otherwise:
    // armed at run(), at 18 s (the 5 s task gone), after the timer (29 s), after the late wake (38.5 s);
    // the 4 s task (a multiple of 2 s) keeps the rhythm; one-shot wakes in between
    expect(repeating.clock.everyCalls).toEqual([[2000, 2000], [2000, 2000], [1000, 2000], [1500, 2000]]);
    expect(repeating.clock.wakeCalls).toBe(13);
    expect(oneShot.clock.wakeCalls).toBe(32);
    expect(repeating.clock.nextWakeIn).toBeUndefined(); // stopped: nothing pending
  });

  test('a wake is not delivered inside its own callback: a sample that blocks past the next deadline gets it afterwards', () => {
    const clock = new CountingClock(true);
    const log: string[] = [];
    const s = new Scheduler(clock);
    const a = new Probe(clock, log, 'a');
    s.schedulePeriodic(a, 1);
    s.run();
    clock.advance(2_000);
    a.blockMs = 2_500;
    clock.advance(1_000); // the 3 s sample blocks until 5.5 s
    clock.advance(2_000);
    // the 4 s deadline is served late at 5.5 s, the 5 s one is skipped (counted), then the grid again
    expect(log).toEqual(['0s a', '1s a', '2s a', '3s a', '5.5s a', '6s a', '7s a']);
    expect(s.missedDeadlines).toBe(1);
  });

  test('a late wake re-arms from the deadlines: a host timer that repeats from when it ran (GLib, on the desktop simulators) does not make the samples drift', () => {
    /** Every 10th firing comes 0.6 ms late, and the repeat counts from the firing, not the deadline. */
    class DriftingClock extends VirtualClock {
      everyCalls = 0;
      constructor() {
        super();
        let fired = 0;
        const late = () => (++fired % 10 === 0 ? 0.6 : 0);
        (this as any).wakeEvery = (ms: number, everyMs: number, fn: () => void) => {
          this.everyCalls++;
          const again = () => {
            fn();
            if (this.nextWakeIn === undefined && s.isRunning) super.wake(everyMs + late(), again);
          };
          super.wake(ms + late(), again);
        };
      }
    }
    const clock = new DriftingClock();
    const log: string[] = [];
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, log, 'a'), 1);
    s.run();
    clock.advance(100_000);
    const offsets = log.map((line, k) => Number(line.split('s')[0]) * 1000 - k * 1000);
    expect(log).toHaveLength(100);
    // A wake up to 1 ms late keeps the alarm (a board's first delay counts from when it was armed);
    // later than that it re-arms from the deadlines, so the lateness never adds up past 1 ms + one step.
    expect(Math.max(...offsets)).toBeLessThanOrEqual(1.2 + 1e-9);
    expect(clock.everyCalls).toBe(5); // at run(), then each time the lateness passed 1 ms (every second late firing)
  });

  test('wrap-around: the rhythm carries on across a wrapping clock; an interval longer than a quarter period is slept in one-shot legs', () => {
    const clock = new CountingClock(true, { period: 2 ** 16, start: 2 ** 16 - 5000 });
    const log: string[] = [];
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, log, 'w'), 2);
    s.run();
    clock.advance(12_000); // the ticks wrap at 5 s
    const at = log.map((l) => Number(l.split('s')[0]));
    expect(at.map((t) => Math.round((t - at[0]) * 1000))).toEqual([0, 2000, 4000, 6000, 8000, 10000, 12000]);
    expect(clock.everyCalls).toEqual([[2000, 2000]]);
    expect(clock.wakeCalls).toBe(0);

    const small = new CountingClock(true, { period: 1000 }); // sleeps at most 250 ms
    const legs: string[] = [];
    const s2 = new Scheduler(small);
    s2.schedulePeriodic(new Probe(small, legs, 'long'), 2.5);
    s2.run();
    small.advance(5_000);
    expect(legs).toHaveLength(3);
    expect(small.everyCalls).toEqual([]);
    expect(small.wakes).toBe(20); // 250 ms legs
    expect(small.wakeCalls).toBe(small.wakes + 1); // every leg a one-shot wake
  });

  test('stop() cancels the repeating alarm; run() starts a new rhythm', () => {
    const clock = new CountingClock(true);
    const log: string[] = [];
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, log, 'a'), 1);
    s.run();
    clock.advance(1_500);
    s.stop();
    expect(clock.nextWakeIn).toBeUndefined();
    clock.advance(5_000);
    s.run();
    clock.advance(1_000);
    expect(log).toEqual(['0s a', '1s a', '6.5s a', '7.5s a']);
    expect(clock.everyCalls).toEqual([[1000, 1000], [1000, 1000]]);
  });
});
