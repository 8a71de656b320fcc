import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock, type VirtualClockOptions } from '../../../runtime/scheduler/virtual-clock';
import { ticksAdd, ticksDiff } from '../../../runtime/scheduler/clock';
import { OutputThing } from '../../../runtime/core/output-thing';
import { FatalError } from '../../../runtime/core/errors';
import { fromIterable } from '../../../runtime/core/from-iterable';
import { map } from '../../../runtime/filters/map';
import { take } from '../../../runtime/filters/take';
import { Recorder } from '../../support/recorder';

/**
 * A virtual clock that records the scheduler's conversation with it: each
 * sleep it was asked for, and which things sampled at each wake. `lateBy`
 * delivers every wake that many ms late, as a busy board would.
 */
class RecordingClock extends VirtualClock {
  readonly sleeps: number[] = [];
  readonly trace: string[] = [];
  wakeCalls = 0;
  private current: string[] | undefined;

  constructor(opts: VirtualClockOptions & { lateBy?: number } = {}) {
    super(opts);
    this.lateBy = opts.lateBy ?? 0;
  }
  private readonly lateBy: number;

  override wake(ms: number, fn: () => void): void {
    this.wakeCalls++;
    this.sleeps.push(ms);
    super.wake(ms + this.lateBy, () => this.record(fn));
  }

  /** Called by a probe thing when it is sampled. */
  sampled(name: string): void {
    if (!this.current) this.record(() => {}, name); // the first sampling at run()
    else this.current.push(name);
  }

  private record(fn: () => void, first?: string): void {
    this.current = first ? [first] : [];
    const at = this.elapsed;
    fn();
    if (this.current.length) this.trace.push(`${at / 1000}s: ${this.current.join(' ')}`);
    this.current = undefined;
  }
}

/** A thing that tells the clock when it is sampled and emits its sample count. */
class Probe extends OutputThing<number> {
  samples = 0;
  constructor(private readonly clock: RecordingClock, readonly name: string, private readonly limit = Infinity) {
    super();
    this.connect(() => {});
  }
  override observe(): void {
    this.clock.sampled(this.name);
    if (++this.samples >= this.limit) this.dispatchCompleted();
    else this.dispatchNext(this.samples);
  }
  override toString(): string { return this.name; }
}

/** `run()` samples synchronously; wrap it so the first batch is one trace line. */
function start(clock: RecordingClock, scheduler: Scheduler): void {
  (clock as any).record(() => scheduler.run());
}

describe('Scheduler: wakes and rhythm', () => {
  test('samples everything at run(), then every interval; related intervals share wakes', () => {
    const clock = new RecordingClock();
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, 'a'), 2);
    s.schedulePeriodic(new Probe(clock, 'b'), 4);
    start(clock, s);
    clock.advance(8000);
    expect(clock.trace).toEqual(['0s: a b', '2s: a', '4s: a b', '6s: a', '8s: a b']);
    expect(clock.sleeps).toEqual([2000, 2000, 2000, 2000, 2000]);
    // exactly one pending wake: every wake() call was delivered (or is the one now pending)
    expect(clock.wakeCalls).toBe(clock.wakes + 1);
  });

  test('unrelated intervals wake for each and coincide at common multiples', () => {
    const clock = new RecordingClock();
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, 'three'), 3);
    s.schedulePeriodic(new Probe(clock, 'five'), 5);
    start(clock, s);
    clock.advance(15000);
    expect(clock.trace).toEqual([
      '0s: three five', '3s: three', '5s: five', '6s: three', '9s: three', '10s: five', '12s: three', '15s: three five',
    ]);
    expect(clock.sleeps).toEqual([3000, 2000, 1000, 3000, 1000, 2000, 3000, 3000]);
  });

  test('late wakes do not cause drift: deadlines stay on the grid', () => {
    const clock = new RecordingClock({ lateBy: 300 });
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, 'a'), 2);
    start(clock, s);
    clock.advance(7000);
    expect(clock.trace).toEqual(['0s: a', '2.3s: a', '4.3s: a', '6.3s: a']);
    expect(clock.sleeps).toEqual([2000, 1700, 1700, 1700]);
  });

  test('a wake later than a whole interval skips the missed deadlines and counts them', () => {
    const clock = new RecordingClock({ lateBy: 4500 });
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, 'a'), 2);
    start(clock, s);
    clock.advance(6600);
    // asked to sleep 2 s, woke at 6.5 s: deadlines 2, 4 and 6 s are missed, next is 8 s
    expect(clock.trace).toEqual(['0s: a', '6.5s: a']);
    expect(s.missedDeadlines).toBe(2);
    expect(clock.sleeps[1]).toBe(1500);
  });

  test('wrap-around: a clock with a period wraps mid-run without a glitch', () => {
    const period = 2 ** 16;
    const clock = new RecordingClock({ period, start: period - 5000 });
    const s = new Scheduler(clock);
    const sensor = { sensorId: 's', n: 0, sample() { return this.n++; } };
    const rec = new Recorder<any>();
    s.scheduleSensor(sensor, 2, rec);
    s.run();
    clock.advance(12000);
    expect(rec.values.map((e) => e.ts - rec.values[0].ts)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(clock.sleeps.every((ms) => ms === 2000)).toBe(true);
    expect(clock.now()).toBe((period - 5000 + 12000) % period);
  });

  test('ticksDiff and ticksAdd are wrap-safe', () => {
    expect(ticksDiff(5, 65530, 65536)).toBe(11);
    expect(ticksDiff(65530, 5, 65536)).toBe(-11);
    expect(ticksAdd(65530, 11, 65536)).toBe(5);
    expect(ticksDiff(5, 3, undefined)).toBe(2);
  });

  test('a task added while running joins the rhythm of a related interval', () => {
    const clock = new RecordingClock();
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, 'ten'), 10);
    start(clock, s);
    clock.advance(3000);
    s.schedulePeriodic(new Probe(clock, 'five'), 5); // related: starts at ten's next deadline
    clock.advance(17000);
    expect(clock.trace).toEqual(['0s: ten', '10s: five ten', '15s: five', '20s: five ten']); // shorter intervals sample first
  });

  test('intervals scheduled out of order are kept in ascending order: a new related one joins the smallest', () => {
    const clock = new RecordingClock();
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, 'six'), 6);
    s.schedulePeriodic(new Probe(clock, 'four'), 4);
    start(clock, s);
    clock.advance(1000);
    s.schedulePeriodic(new Probe(clock, 'two'), 2); // related to both: takes four's next deadline, not six's
    clock.advance(7000);
    expect(clock.trace).toEqual(['0s: four six', '4s: two four', '6s: two six', '8s: two four']);
  });

  test('an unrelated task added while running is sampled at once', () => {
    const clock = new RecordingClock();
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, 'ten'), 10);
    start(clock, s);
    clock.advance(3000);
    s.schedulePeriodic(new Probe(clock, 'seven'), 7);
    clock.advance(8000);
    expect(clock.trace).toEqual(['0s: ten', '3s: seven', '10s: seven ten']);
  });

  test('completed things are descheduled; the scheduler stops when none are left', () => {
    const clock = new RecordingClock();
    const s = new Scheduler(clock);
    s.schedulePeriodic(new Probe(clock, 'short', 2), 1);
    s.schedulePeriodic(new Probe(clock, 'long', 4), 1);
    start(clock, s);
    expect(s.pending).toBe(2);
    clock.runUntilIdle();
    expect(clock.trace).toEqual(['0s: short long', '1s: short long', '2s: long', '3s: long']);
    expect(s.pending).toBe(0);
    expect(s.isRunning).toBe(false);
    expect(clock.nextWakeIn).toBeUndefined();
  });

  test('a timer armed after the scheduler stopped by itself (a push source\'s, from its pin callback) runs it again; after stop() it waits for run()', () => {
    const clock = new VirtualClock();
    const s = new Scheduler(clock);
    const fired: number[] = [];
    const timer = s.createTimer(() => fired.push(clock.elapsed));
    s.run();
    expect(s.isRunning).toBe(false); // nothing scheduled: finished at once
    clock.advance(1000);
    timer.startMs(20); // as DigitalEdgeSource does on a bounce, outside any wake
    expect(s.isRunning).toBe(true);
    clock.advance(100);
    expect(fired).toEqual([1020]);
    expect(s.isRunning).toBe(false); // nothing left again
    expect(clock.nextWakeIn).toBeUndefined();
    s.stop(); // an explicit stop is not undone by a timer
    timer.startMs(20);
    clock.advance(100);
    expect(fired).toEqual([1020]);
    expect(s.isRunning).toBe(false);
    s.run();
    clock.advance(100);
    expect(fired).toEqual([1020, 1220]);
  });

  test('a source whose only downstream took what it needed is descheduled (take)', () => {
    const clock = new VirtualClock();
    const s = new Scheduler(clock);
    const src = fromIterable([1, 2, 3, 4, 5, 6]);
    const rec = new Recorder<number>();
    take(2)(src).connect(rec);
    s.schedulePeriodic(src, 1);
    s.run();
    clock.runUntilIdle();
    expect(rec.log).toEqual(['next 1', 'next 2', 'completed']);
    expect(clock.elapsed).toBe(1000); // sampled at 0 s and 1 s only
    expect(s.pending).toBe(0);
  });

  test('the cancel function deschedules; stop() drops the pending wake and run() resumes', () => {
    const clock = new RecordingClock();
    const s = new Scheduler(clock);
    const cancel = s.schedulePeriodic(new Probe(clock, 'a'), 1);
    s.schedulePeriodic(new Probe(clock, 'b'), 1);
    start(clock, s);
    cancel();
    clock.advance(1000);
    expect(clock.trace).toEqual(['0s: a b', '1s: b']);
    s.stop();
    clock.advance(5000);
    expect(clock.trace).toHaveLength(2);
    start(clock, s);
    expect(clock.trace[2]).toBe('6s: b');
  });

  test('a task descheduled during a wake by a sibling\'s sink is not sampled in that wake, nor after; the others are', () => {
    const clock = new RecordingClock();
    const s = new Scheduler(clock);
    const a = new Probe(clock, 'a');
    let cancelB: () => void = () => {};
    // a's sink deschedules b at a's second sample (1 s), before b's turn in the same wake.
    a.connect((n) => { if (n === 2) cancelB(); });
    s.schedulePeriodic(a, 1);
    cancelB = s.schedulePeriodic(new Probe(clock, 'b'), 1);
    s.schedulePeriodic(new Probe(clock, 'c'), 1);
    start(clock, s);
    clock.advance(2000);
    expect(clock.trace).toEqual(['0s: a b c', '1s: a c', '2s: a c']);
    expect(s.pending).toBe(2);
  });

  test('scheduleSensor chains thunks and a final sink', () => {
    const clock = new VirtualClock();
    const s = new Scheduler(clock);
    let n = 0;
    const rec = new Recorder<number>();
    s.scheduleSensor({ sensorId: 'x', sample: () => ++n }, 1, map((e: any) => e.val * 10), take(3), rec);
    s.run();
    clock.runUntilIdle();
    expect(rec.log).toEqual(['next 10', 'next 20', 'next 30', 'completed']);
  });

  test('a FatalError stops the scheduler and reaches onFatalError', () => {
    const clock = new VirtualClock();
    const errors: unknown[] = [];
    const s = new Scheduler(clock, { onFatalError: (e) => errors.push(e) });
    const src = fromIterable([1, 2, 3]);
    src.connect((x) => { if (x === 2) throw new FatalError('misconfigured'); });
    s.schedulePeriodic(src, 1);
    s.run();
    clock.runUntilIdle();
    expect(s.isRunning).toBe(false);
    expect((errors[0] as Error).message).toBe('misconfigured');
    expect(s.fatalError).toBe(errors[0]);
  });

  test('without onFatalError the FatalError is rethrown to whoever delivered the wake', () => {
    const clock = new VirtualClock();
    const s = new Scheduler(clock);
    const src = fromIterable([1, 2]);
    src.connect((x) => { if (x === 2) throw new FatalError('boom'); });
    s.schedulePeriodic(src, 1);
    s.run();
    expect(() => clock.advance(1000)).toThrow('boom');
    expect(s.isRunning).toBe(false);
  });

  test('rejects intervals below a millisecond or not finite', () => {
    const s = new Scheduler(new VirtualClock({ period: 10_000 }));
    for (const sec of [0, 0.0001, -1, NaN, Infinity]) {
      expect(() => s.schedulePeriodic(fromIterable([1]), sec)).toThrow(RangeError);
    }
  });

  test('a wrapping clock tolerates wakes up to a quarter period late: elapsed time stays exact', () => {
    const period = 2 ** 16; // a quarter is 16384 ms
    const clock = new RecordingClock({ period, start: period - 100, lateBy: 16_000 });
    const s = new Scheduler(clock);
    const seen: number[] = [];
    const probe = new Probe(clock, 'p', 6);
    probe.connect(() => seen.push(s.elapsed - (clock.elapsed - (period - 100))));
    s.schedulePeriodic(probe, 40); // legs of 16384 ms, each 16 s late
    s.run();
    clock.runUntilIdle();
    expect(seen).toEqual([0, 0, 0, 0, 0]); // the scheduler's elapsed time equals the clock's real elapsed time at every sample
    expect(s.elapsed).toBeGreaterThan(5 * 40_000);
  });

  test('an interval longer than the clock period is slept in legs of a quarter period and keeps its rhythm', () => {
    const clock = new RecordingClock({ period: 10_000, start: 9_000 });
    const s = new Scheduler(clock);
    const probe = new Probe(clock, 'slow', 4);
    s.schedulePeriodic(probe, 25); // 2.5 periods
    s.run();
    clock.runUntilIdle();
    expect(clock.trace).toEqual(['9s: slow', '34s: slow', '59s: slow', '84s: slow']); // the clock started at tick 9000
    expect(Math.max(...clock.sleeps)).toBe(2_500);
    expect(s.elapsed).toBe(75_000);
  });
});
