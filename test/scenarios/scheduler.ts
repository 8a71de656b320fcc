/**
 * Scheduler scenarios on a VirtualClock: the wake trace (each sleep the
 * scheduler asks for, and what is sampled at each wake). Run on Node and on XS
 * by test/xs/scheduler.test.ts.
 */
import type { VirtualClock, VirtualClockOptions } from '../../runtime/scheduler/virtual-clock';
import type { Out, ScenarioTable, ThingflowRuntime } from './scenario';

interface Rig {
  clock: VirtualClock;
  /** A thing that prints its name when sampled and completes after `limit` samples. */
  probe(name: string, limit?: number): any;
}

/**
 * A clock that prints every wake request and every wake, and probes that
 * print when they are sampled: together, the trace of a board's day.
 */
function rig(tf: ThingflowRuntime, out: Out, opts: VirtualClockOptions & { lateBy?: number } = {}): Rig {
  const lateBy = opts.lateBy ?? 0;
  class TracingClock extends tf.VirtualClock {
    override wake(ms: number, fn: () => void): void {
      out(`  sleep ${ms}`);
      super.wake(ms + lateBy, () => {
        out(`wake at ${this.elapsed} (tick ${this.now()})`);
        fn();
      });
    }
  }
  const clock = new TracingClock(opts);
  class Probe extends tf.OutputThing<number> {
    private samples = 0;
    constructor(readonly name: string, private readonly limit: number) {
      super();
      this.connect(() => {});
    }
    override observe(): void {
      this.samples++;
      out(`  sample ${this.name} #${this.samples}`);
      if (this.samples >= this.limit) this.dispatchCompleted();
      else this.dispatchNext(this.samples);
    }
    override toString(): string {
      return `Probe(${this.name})`;
    }
  }
  return { clock, probe: (name, limit = Infinity) => new Probe(name, limit) };
}

export const scenarios: ScenarioTable = {
  'related intervals share wakes; first sample at run()': (tf, out) => {
    const { clock, probe } = rig(tf, out);
    const sched = new tf.Scheduler(clock);
    sched.schedulePeriodic(probe('a'), 1);
    sched.schedulePeriodic(probe('b'), 2);
    sched.schedulePeriodic(probe('c'), 4);
    out('run');
    sched.run();
    clock.advance(8000);
    out(`wakes ${clock.wakes} scheduler wakeCount ${sched.wakeCount}`);
  },

  'unrelated intervals coincide at common multiples': (tf, out) => {
    const { clock, probe } = rig(tf, out);
    const sched = new tf.Scheduler(clock);
    sched.schedulePeriodic(probe('two'), 2);
    sched.schedulePeriodic(probe('three'), 3);
    sched.run();
    clock.advance(12000);
  },

  'late wakes do not drift; a wake later than an interval skips deadlines': (tf, out) => {
    const late = rig(tf, out, { lateBy: 300 });
    const sched = new tf.Scheduler(late.clock);
    sched.schedulePeriodic(late.probe('p'), 1);
    sched.run();
    late.clock.advance(4500);
    out(`missed ${sched.missedDeadlines}`);
    const veryLate = rig(tf, out, { lateBy: 2500 });
    const sched2 = new tf.Scheduler(veryLate.clock);
    sched2.schedulePeriodic(veryLate.probe('q'), 1);
    sched2.run();
    veryLate.clock.advance(10000);
    out(`missed ${sched2.missedDeadlines}`);
  },

  'wrap-around: a 2^16-tick clock wraps mid-run': (tf, out) => {
    const { clock, probe } = rig(tf, out, { period: 65536, start: 65536 - 2500 });
    const sched = new tf.Scheduler(clock);
    sched.schedulePeriodic(probe('w'), 1);
    sched.run();
    clock.advance(5000);
    out(`ticksDiff(100, 65000) = ${tf.ticksDiff(100, 65000, 65536)}; ticksAdd(65000, 1000) = ${tf.ticksAdd(65000, 1000, 65536)}`);
  },

  'tasks added while running fit into the rhythm': (tf, out) => {
    const { clock, probe } = rig(tf, out);
    const sched = new tf.Scheduler(clock);
    sched.schedulePeriodic(probe('base'), 2);
    sched.run();
    clock.advance(3000);
    out('add related (4 s) and unrelated (3 s)');
    sched.schedulePeriodic(probe('related'), 4);
    sched.schedulePeriodic(probe('unrelated'), 3);
    clock.advance(9000);
  },

  'completed things are descheduled; the scheduler stops when none are left': (tf, out) => {
    const { clock, probe } = rig(tf, out);
    const sched = new tf.Scheduler(clock);
    sched.schedulePeriodic(probe('short', 2), 1);
    sched.schedulePeriodic(probe('long', 3), 2);
    sched.run();
    clock.runUntilIdle();
    out(`pending ${sched.pending} running ${sched.isRunning} wakes ${clock.wakes}`);
  },

  'cancel, stop and run again': (tf, out) => {
    const { clock, probe } = rig(tf, out);
    const sched = new tf.Scheduler(clock);
    const cancel = sched.schedulePeriodic(probe('x'), 1);
    sched.schedulePeriodic(probe('y'), 1);
    sched.run();
    clock.advance(1000);
    cancel();
    clock.advance(1000);
    sched.stop();
    out(`stopped; next wake ${String(clock.nextWakeIn)}`);
    clock.advance(5000);
    out('run again');
    sched.run();
    clock.advance(1000);
  },

  'scheduleSensor chains thunks and a sink': (tf, out) => {
    const { clock } = rig(tf, out);
    const sched = new tf.Scheduler(clock);
    let n = 0;
    const sensor = { sensorId: 'temp', sample: () => 20 + (n++ % 3) };
    sched.scheduleSensor(sensor, 10, tf.map((e: any) => `${e.sensorId}@${e.ts}=${e.val}`), tf.take(3), (s: string) => out(`  got ${s}`));
    sched.run();
    clock.runUntilIdle();
    out(`pending ${sched.pending}`);
  },

  'a FatalError stops the scheduler': (tf, out) => {
    const { clock } = rig(tf, out);
    const sched = new tf.Scheduler(clock, { onFatalError: (e: any) => out(`onFatalError ${e.name}: ${e.message}`) });
    let n = 0;
    sched.scheduleSensor({ sensorId: 's', sample: () => ++n }, 1, (e: any) => {
      out(`  event ${e.val}`);
      if (e.val === 3) throw new tf.FatalError('wiring bug');
    });
    sched.run();
    clock.advance(10000);
    out(`running ${sched.isRunning} fatal ${String(sched.fatalError)}`);
  },

  'bad intervals are rejected; one longer than the clock period is accepted': (tf, out) => {
    const { clock, probe } = rig(tf, out, { period: 1000 });
    const sched = new tf.Scheduler(clock);
    for (const sec of [0, 0.0001, -1, NaN, Infinity, 0.6, 2.5]) {
      try {
        sched.schedulePeriodic(probe('bad'), sec);
        out(`${sec}: accepted`);
      } catch (e: any) {
        out(`${sec}: ${e.name}: ${e.message}`);
      }
    }
  },

  'a repeating alarm (wakeEvery): armed once for a steady rhythm, one-shot wakes while a timer is armed': (tf, out) => {
    const clock = new tf.VirtualClock({ repeating: true });
    const every = clock.wakeEvery!;
    (clock as any).wakeEvery = (ms: number, everyMs: number, fn: () => void) => {
      out(`  wakeEvery ${ms} then ${everyMs}`);
      every(ms, everyMs, () => {
        out(`wake at ${clock.elapsed}`);
        fn();
      });
    };
    const wake = clock.wake.bind(clock);
    // Defined, not assigned: on a board's preload the prototype's `wake` is read-only (test/support/board-preload.ts).
    Object.defineProperty(clock, 'wake', {
      value: (ms: number, fn: () => void) => {
        out(`  sleep ${ms}`);
        wake(ms, () => {
          out(`wake at ${clock.elapsed}`);
          fn();
        });
      },
    });
    const { probe } = rig(tf, out);
    const sched = new tf.Scheduler(clock);
    sched.schedulePeriodic(probe('minute'), 60);
    sched.schedulePeriodic(probe('five'), 300);
    sched.run();
    clock.advance(330_000);
    out('timer in 45 s');
    const timer = sched.createTimer(() => out('  timer fired'));
    timer.start(45);
    clock.advance(80_000);
    sched.disposeTimer(timer);
    clock.advance(130_000);
    out(`wakes ${clock.wakes} scheduler wakeCount ${sched.wakeCount} missed ${sched.missedDeadlines}`);
  },

  'a day of the lux sensor: one wake per minute, 1440 wakes': (tf, out) => {
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock);
    let t = 0;
    const lux = new tf.SensorAsOutputThing({ sensorId: 'lux', sample: () => { const m = t++ % 1440; return m < 720 ? m : 1440 - m; } }); // dawn to dusk as a triangle (no Math.sin: libm differs between engines)
    let switches = 0;
    let last: boolean | undefined;
    lux.map((e) => e.val).runningAvg(5).map((v) => v > 400).connect((on: boolean) => {
      if (on !== last) {
        switches++;
        out(`minute ${clock.elapsed / 60000}: LED ${on ? 'on' : 'off'}`);
      }
      last = on;
    });
    sched.schedulePeriodic(lux, 60);
    sched.run();
    clock.advance(24 * 3600 * 1000 - 1);
    out(`wakes ${clock.wakes} switches ${switches}`);
  },
};
