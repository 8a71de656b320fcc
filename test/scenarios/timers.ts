/**
 * Timers, long waits, wrap-around and bad readings (issue 11, items 1–8):
 * the board must sleep when nothing is left, never lose a day on wrap, and
 * keep running when one timer or one reading is bad. Run on Node and on XS by
 * test/xs/timers.test.ts, which also checks what each scenario must show.
 */
import type { Out, ScenarioTable, ThingflowRuntime } from './scenario';

const DAY = 86_400_000;
/** Moddable's `Time.ticks >>> 0` period. */
const P32 = 4294967296;

function errorText(e: any): string {
  return `${e && e.name}: ${e && e.message}`;
}

/** A sensor that counts its samples and a scheduler sampling it every `sec` seconds; events are the count. */
function counting(tf: ThingflowRuntime, sched: any, sec: number, id = 'n') {
  let n = 0;
  const src = new tf.SensorAsOutputThing({ sensorId: id, sample: () => ++n });
  sched.schedulePeriodic(src, sec);
  return src.map((e: any) => e.val);
}

function tracingClock(tf: ThingflowRuntime, out: Out, opts: { period?: number; lateBy?: number }) {
  const lateBy = opts.lateBy ?? 0;
  class LateClock extends tf.VirtualClock {
    override wake(ms: number, fn: () => void): void {
      super.wake(ms + lateBy, fn);
    }
  }
  void out;
  return new LateClock({ period: opts.period });
}

export const scenarios: ScenarioTable = {
  '1. timed filters whose consumer has gone let the scheduler stop': (tf, out) => {
    const kinds: Record<string, (s: any, sched: any) => any> = {
      bufferWithTime: (s, sched) => s.bufferWithTime(10, sched),
      bufferWithTimeOrCount: (s, sched) => s.bufferWithTimeOrCount(10, 100, sched),
      timeout: (s, sched) => s.timeout(600, sched),
      supplyEventWhenTimeout: (s, sched) => s.where((v: number) => v > 1e9).supplyEventWhenTimeout({ onNext() {}, produceEventForTimeout: () => -1 }, sched, 5),
    };
    for (const name of Object.keys(kinds)) {
      const clock = new tf.VirtualClock();
      const sched = new tf.Scheduler(clock);
      let got = 0;
      kinds[name](counting(tf, sched, 1), sched).take(2).connect(() => { got++; });
      sched.run();
      clock.advance(3_600_000);
      out(`${name}: got ${got} pending ${sched.pending} running ${sched.isRunning} wakes ${clock.wakes}`);
    }
  },

  '2. throttle passes events after 30 days of quiet on a 2^32-tick clock': (tf, out) => {
    const clock = new tf.VirtualClock({ period: P32 });
    const sched = new tf.Scheduler(clock);
    // One sample an hour; an event passes the where at hour 0, then once a day from day 30 on.
    const hours = counting(tf, sched, 3600).map((n: number) => n - 1);
    const throttled = hours.where((h: number) => h === 0 || (h >= 720 && h % 24 === 0)).throttle(60, sched);
    let passed = 0;
    throttled.connect((h: number) => {
      passed++;
      out(`passed day ${h / 24}`);
    });
    sched.run();
    clock.advance(50 * DAY - 1);
    out(`passed ${passed} dropped ${(throttled as any).dropped}`);
  },

  '3. a 30-day timeout and a 30-day interval on a 2^32-tick clock': (tf, out) => {
    const clock = new tf.VirtualClock({ period: P32 });
    const sched = new tf.Scheduler(clock);
    const quiet = new tf.OutputThing<number>();
    quiet.timeout(30 * 86400, sched).connect({
      onNext() {},
      onCompleted() {},
      onError(e: any) { out(`timeout ${errorText(e)} at day ${clock.elapsed / DAY}`); },
    });
    let samples = 0;
    try {
      const monthly = new tf.SensorAsOutputThing({ sensorId: 'm', sample: () => ++samples });
      monthly.connect((e: any) => out(`monthly sample ${e.val} at day ${clock.elapsed / DAY} ts ${e.ts / 86400}`));
      sched.schedulePeriodic(monthly, 30 * 86400);
    } catch (e) {
      out(`schedulePeriodic 30 days: ${errorText(e)}`);
    }
    sched.run();
    clock.advance(29 * DAY);
    out(`day 29: wakes ${clock.wakes}`);
    clock.advance(62 * DAY);
    out(`day 91: samples ${samples} wakes ${clock.wakes} elapsed ${sched.elapsed / DAY}`);
  },

  '5. an interval just under half the period, with every wake 20 ms late': (tf, out) => {
    const clock = tracingClock(tf, out, { period: P32, lateBy: 20 });
    const sched = new tf.Scheduler(clock);
    const src = new tf.SensorAsOutputThing({ sensorId: 'h', sample: () => sched.elapsed });
    src.connect((e: any) => out(`sample elapsed ${e.val} ts ${e.ts * 1000} clock ${clock.elapsed}`));
    sched.schedulePeriodic(src, (2 ** 31 - 10) / 1000);
    sched.run();
    clock.advance(3 * 2 ** 31 + 1000);
    out(`missed ${sched.missedDeadlines}`);
  },

  '6a. a timer callback that throws is reported and the board keeps running': (tf, out) => {
    tf.setErrorReporter((m, e) => out(`reported: ${m} ${errorText(e)}`));
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock, { onFatalError: (e) => out(`fatal ${errorText(e)}`) });
    let samples = 0;
    counting(tf, sched, 1).connect(() => { samples++; });
    const timer = sched.createTimer(() => { throw new RangeError('timer bug'); });
    timer.start(2.5);
    sched.run();
    clock.advance(5000);
    out(`samples ${samples} running ${sched.isRunning} fatal ${String(sched.fatalError)} timer armed ${timer.armed}`);
  },

  '6b. a timed filter whose timer throws ends its own branch; siblings carry on': (tf, out) => {
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock, { onFatalError: (e) => out(`fatal ${errorText(e)}`) });
    class FaultyTimed extends tf.TimedFilter<number> {
      constructor(prev: any) {
        super(prev, sched);
        this.startTimer(1500);
      }
      override onTimer(): void {
        throw new RangeError(`timer bug at ${clock.elapsed}`);
      }
    }
    const values = counting(tf, sched, 1);
    new FaultyTimed(values).connect({
      onNext(v: number) { out(`faulty ${v}`); },
      onCompleted() { out('faulty completed'); },
      onError(e: any) { out(`faulty error ${errorText(e)}`); },
    });
    let ok = 0;
    values.connect(() => { ok++; });
    sched.run();
    clock.advance(4000);
    out(`ok ${ok} running ${sched.isRunning} fatal ${String(sched.fatalError)}`);
  },

  '7. a task descheduled or abandoned by a sibling in the same wake is not read again': (tf, out) => {
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock);
    let released = false;
    let releasedB2 = false;
    const a = new tf.SensorAsOutputThing({ sensorId: 'a', sample: () => 1 });
    const b = new tf.SensorAsOutputThing({ sensorId: 'b', sample: () => { out(released ? 'read b AFTER RELEASE' : `read b at ${clock.elapsed}`); return 2; } });
    const b2 = new tf.SensorAsOutputThing({ sensorId: 'b2', sample: () => { out(releasedB2 ? 'read b2 AFTER RELEASE' : `read b2 at ${clock.elapsed}`); return 3; } });
    b.connect(() => {});
    const stopB2Sink = b2.connect(() => {});
    let seen = 0;
    a.connect(() => {
      if (++seen !== 2) return;
      cancelB(); // deschedule b, then release its device
      released = true;
      stopB2Sink(); // b2 loses its only listener: abandoned
      releasedB2 = true;
      out(`released b and b2 at ${clock.elapsed}`);
    });
    sched.schedulePeriodic(a, 1);
    const cancelB = sched.schedulePeriodic(b, 1);
    sched.schedulePeriodic(b2, 1);
    sched.run();
    clock.advance(3000);
    out(`pending ${sched.pending}`);
  },

  '8. a NaN or Infinity reading is dropped by kalman, runningAvg and SlidingMean': (tf, out) => {
    const readings = [10, 10, NaN, 12, Infinity, 10, -Infinity, 12, 10, 12, 10, 12, 10];
    const print = (name: string) => (v: number) => out(`${name} ${Math.round(v * 1000) / 1000}`);
    const src = tf.fromIterable(readings);
    const k = src.kalman({ processNoise: 0.1, measurementNoise: 4 });
    k.connect(print('kalman'));
    const r = src.runningAvg(5);
    r.connect(print('runningAvg'));
    const mean = new tf.SlidingMean<number>(5);
    src.transduce(mean).connect(print('slidingMean'));
    for (let t = 0; t < 20 && !src.closed; t++) src.observe(t);
    out(`nonFinite kalman ${(k as any).nonFinite} runningAvg ${(r as any).nonFinite} slidingMean ${(mean as any).nonFinite}`);
  },
};
