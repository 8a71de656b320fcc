/**
 * Every filter of runtime/filters, fluent and standalone (thunk) forms, on
 * recorded streams. Run on Node and on XS by test/xs/filters.test.ts.
 */
import type { OutputThing } from '../../runtime/core/output-thing';
import type { Out, ScenarioTable, ThingflowRuntime } from './scenario';

function errorText(e: any): string {
  return `${e && e.name}: ${e && e.message}`;
}

function recorder(name: string, out: Out) {
  return {
    onNext(x: unknown) { out(`${name} ${JSON.stringify(x)}`); },
    onCompleted() { out(`${name} completed`); },
    onError(e: any) { out(`${name} error ${errorText(e)}`); },
  };
}

/** Observe `src` (a fromIterable) until it closes: what the scheduler would do, without one. */
function drain(src: OutputThing<any>, max = 100): void {
  for (let t = 0; t < max && !src.closed; t++) src.observe(t);
}

/** Run `values` through `build` and print what comes out, then the same through `buildThunk` (standalone form). */
function both(tf: ThingflowRuntime, out: Out, values: unknown[], build: (src: any) => any, buildThunk?: () => any): void {
  const src = tf.fromIterable(values);
  build(src).connect(recorder('fluent', out));
  drain(src);
  if (buildThunk) {
    const src2 = tf.fromIterable(values);
    tf.compose(buildThunk(), recorder('thunk', out))(src2);
    drain(src2);
  }
}

const NUMS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];

export const scenarios: ScenarioTable = {
  'map and select; undefined and null are dropped': (tf, out) => {
    both(tf, out, NUMS, (s) => s.map((x: number) => (x === 1 ? undefined : x === 9 ? null : x * 10)), () => tf.map((x: number) => (x === 1 ? undefined : x * 10)));
    both(tf, out, ['a', 'b'], (s) => s.select((x: string) => x.toUpperCase()), () => tf.select((x: string) => x + x));
  },

  'where and filter': (tf, out) => {
    both(tf, out, NUMS, (s) => s.where((x: number) => x > 3), () => tf.where((x: number) => x % 2 === 0));
    both(tf, out, NUMS, (s) => s.filter((x: number) => x === 5), () => tf.filter((x: number) => x < 2));
  },

  'scan and reduce, with and without a seed': (tf, out) => {
    both(tf, out, NUMS, (s) => s.scan((a: number, x: number) => a + x, 100), () => tf.scan((a: number, x: number) => Math.max(a, x)));
    both(tf, out, NUMS, (s) => s.reduce((a: number, x: number) => a + x), () => tf.reduce((a: number[], x: number) => a.concat(x), [] as number[]));
    both(tf, out, [], (s) => s.reduce((a: number, x: number) => a + x), () => tf.reduce((a: number, x: number) => a + x, 7));
  },

  'take, first, skip': (tf, out) => {
    both(tf, out, NUMS, (s) => s.take(3), () => tf.take(0));
    both(tf, out, NUMS, (s) => s.first(), () => tf.first());
    both(tf, out, [], (s) => s.first());
    both(tf, out, NUMS, (s) => s.skip(7), () => tf.skip(20));
  },

  'take stops sampling: the source loses its only listener': (tf, out) => {
    const src = tf.fromIterable(NUMS);
    src.take(2).connect(recorder('take', out));
    drain(src, 5);
    out(`source abandoned ${src.abandoned} closed ${src.closed}`);
  },

  'takeLast and last, with a default': (tf, out) => {
    both(tf, out, NUMS, (s) => s.takeLast(3), () => tf.takeLast(20));
    both(tf, out, NUMS, (s) => s.last(), () => tf.last());
    both(tf, out, [], (s) => s.last('none'), () => tf.last());
    both(tf, out, NUMS, (s) => s.takeLast(0));
  },

  'some answers once and completes': (tf, out) => {
    both(tf, out, NUMS, (s) => s.some((x: number) => x > 8), () => tf.some((x: number) => x > 100));
    both(tf, out, [], (s) => s.some());
    both(tf, out, [0], (s) => s.some());
  },

  'runningAvg over a window of 3, and 1': (tf, out) => {
    both(tf, out, NUMS, (s) => s.runningAvg(3), () => tf.runningAvg(1));
    try {
      tf.fromIterable([1]).runningAvg(0);
    } catch (e) {
      out(`runningAvg(0): ${errorText(e)}`);
    }
  },

  'bufferWithCount flushes the rest at completion and at error': (tf, out) => {
    both(tf, out, NUMS, (s) => s.bufferWithCount(4), () => tf.bufferWithCount(3));
    const src = new tf.OutputThing<number>();
    src.bufferWithCount(3).connect(recorder('err', out));
    src.dispatchNext(1);
    src.dispatchNext(2);
    src.dispatchError(new Error('link lost'));
  },

  'transduce with SlidingMean and PeriodicMedian, on numbers and sensor events': (tf, out) => {
    both(tf, out, NUMS, (s) => s.transduce(new tf.SlidingMean(4)), () => tf.transduce(new tf.PeriodicMedian(3)));
    const events = NUMS.map((val, i) => ({ sensorId: 'x', ts: i, val }));
    both(tf, out, events, (s) => s.transduce(new tf.PeriodicMedian(4)), () => tf.transduce(new tf.SlidingMean(2)));
  },

  'dispatch routes to the first matching port, else default': (tf, out) => {
    const src = tf.fromIterable(NUMS);
    const d = src.dispatch([[(x: number) => x < 3, 'low'], [(x: number) => x > 5, 'high']]);
    d.connect(recorder('low', out), { portMapping: ['low', 'default'] });
    d.connect(recorder('high', out), { portMapping: ['high', 'default'] });
    d.connect(recorder('mid', out));
    drain(src);
  },

  'compose, parallel and passthrough': (tf, out) => {
    const src = tf.fromIterable(NUMS);
    const chain = tf.compose(tf.where((x: number) => x > 2), tf.map((x: number) => x * 2), tf.take(4));
    tf.parallel<number>(tf.compose(chain, recorder('composed', out)), tf.compose(tf.skip(8), recorder('skipped', out)))(src);
    src.passthrough(recorder('spur', out)).last().connect(recorder('last', out));
    drain(src);
  },

  'output and outputCount print through a given printer': (tf, out) => {
    both(tf, out, [1, { a: 'b' }, 'text'], (s) => s.output((line: string) => out(`printed ${line}`)));
    both(tf, out, [1, 2, 3], (s) => s.outputCount((line: string) => out(`counted ${line}`)));
    const src = new tf.OutputThing<number>();
    src.output((line: string) => out(`printed ${line}`)).connect(recorder('after output', out));
    src.dispatchError(new Error('boom'));
  },

  'toJson and fromJson round trip, with a constructor': (tf, out) => {
    const events = [{ sensorId: 'a', ts: 1, val: 2.5 }, { sensorId: 'b', ts: 2, val: -1 }];
    both(tf, out, events, (s) => s.toJson(), () => tf.toJson());
    both(tf, out, events, (s) => s.toJson().fromJson());
    both(tf, out, ['["s",1,2]'], (s) => s.fromJson((sensorId: string, ts: number, val: number) => ({ sensorId, ts, val })));
  },

  'never emits nothing': (tf, out) => {
    const n = tf.never<number>();
    n.connect(recorder('never', out));
    for (let t = 0; t < 3; t++) n.observe(t);
    out(`closed ${n.closed}`);
  },

  'kalman smooths toward the measurements': (tf, out) => {
    const noisy = [10, 12, 9, 11, 10, 30, 10, 11];
    both(tf, out, noisy, (s) => s.kalman({ processNoise: 0.1, measurementNoise: 4 }).map((v: number) => Math.round(v * 1000) / 1000),
      () => tf.compose(tf.kalman({ processNoise: 1, measurementNoise: 1, initialEstimate: 0 }), tf.map((v: number) => Math.round(v * 1000) / 1000)));
  },

  'distinctUntilChanged, deadband, hysteresis': (tf, out) => {
    const levels = [1, 1, 2, 2, 2, 1, 3, 3];
    both(tf, out, levels, (s) => s.distinctUntilChanged(), () => tf.distinctUntilChanged((a: number, b: number) => Math.abs(a - b) < 2));
    const drift = [20, 20.4, 20.9, 21.6, 21.2, 19.9, 25];
    both(tf, out, drift, (s) => s.deadband(1), () => tf.deadband(0.5));
    const lux = [100, 390, 410, 395, 520, 480, 405, 300, 410];
    both(tf, out, lux, (s) => s.hysteresis({ low: 380, high: 500 }), () => tf.hysteresis({ low: 380, high: 500, onlyChanges: true }));
  },

  'timeout errors when nothing arrives in time': (tf, out) => {
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock, { onFatalError: (e) => out(`fatal ${errorText(e)}`) });
    let n = 0;
    const sensor = { sensorId: 's', sample: () => (++n <= 3 ? n : undefined) };
    const src = new tf.SensorAsOutputThing(sensor);
    src.where((e: any) => e.val !== undefined).map((e: any) => e.val).timeout(2.5, sched).connect(recorder('timeout', out));
    sched.schedulePeriodic(src, 1);
    sched.run();
    clock.advance(10_000);
    out(`elapsed ${clock.elapsed} pending ${sched.pending}`);
  },

  'supplyEventWhenTimeout fills the gaps': (tf, out) => {
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock);
    const readings = [1, 2, undefined, undefined, undefined, 6, 7];
    let i = 0;
    const src = new tf.SensorAsOutputThing({ sensorId: 's', sample: () => readings[i++ % readings.length] });
    let last = 0;
    const watcher = { onNext(x: number) { last = x; }, produceEventForTimeout: () => -last };
    src.map((e: any) => e.val).where((v: any) => v !== undefined).supplyEventWhenTimeout(watcher, sched, 1.5).take(8).connect(recorder('supplied', out));
    sched.schedulePeriodic(src, 1);
    sched.run();
    clock.advance(20_000);
    out(`pending ${sched.pending}`);
  },

  'bufferWithTime and bufferWithTimeOrCount': (tf, out) => {
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock);
    let n = 0;
    const src = new tf.SensorAsOutputThing({ sensorId: 's', sample: () => { if (++n > 9) throw new tf.StopIteration(); return n; } });
    const vals = src.map((e: any) => e.val);
    vals.bufferWithTime(2.5, sched).connect(recorder('time', out));
    vals.bufferWithTimeOrCount(4, 3, sched).connect(recorder('timeOrCount', out));
    sched.schedulePeriodic(src, 1);
    sched.run();
    clock.advance(20_000);
    out(`pending ${sched.pending} running ${sched.isRunning}`);
  },

  'throttle passes at most one event per interval': (tf, out) => {
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock);
    let n = 0;
    const src = new tf.SensorAsOutputThing({ sensorId: 's', sample: () => ++n });
    const throttled = src.map((e: any) => e.val).throttle(2.5, sched);
    throttled.take(4).connect(recorder('throttled', out));
    sched.schedulePeriodic(src, 1);
    sched.run();
    clock.advance(30_000);
    out(`dropped ${(throttled as any).dropped}`);
  },

  'a throwing user function ends its own branch only; a lone chain releases its source': (tf, out) => {
    const boom = (x: number) => {
      if (x === 2) throw new RangeError('cannot take 2');
      return x;
    };
    const src = tf.fromIterable([1, 2, 3, 4]);
    src.map((x: number) => boom(x) * 10).connect(recorder('map', out));
    src.where((x: number) => boom(x) > 0).connect(recorder('where', out));
    src.scan((a: number, x: number) => a + boom(x), 0).connect(recorder('scan', out));
    src.connect(recorder('raw', out));
    drain(src);
    out(`fan-out source abandoned ${src.abandoned} closed ${src.closed}`);
    const lone = tf.fromIterable([1, 2, 3]);
    lone.map((x: number) => x + 1).where((x: number) => boom(x) > 0).map((x: number) => -x).connect(recorder('lone', out));
    drain(lone);
    out(`lone source abandoned ${lone.abandoned}`);
  },

  'the lux example: sensor → map → runningAvg(5) → map(threshold) → LED': (tf, out) => {
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock);
    const readings = [100, 300, 500, 700, 900, 800, 600, 200, 100, 50];
    let i = 0;
    const lux = new tf.SensorAsOutputThing({ sensorId: 'lux', sample: () => { if (i >= readings.length) throw new tf.StopIteration(); return readings[i++]; } });
    lux.map((e) => e.val).runningAvg(5).map((v) => v > 400).connect({
      onNext(on: boolean) { out(`t=${clock.elapsed / 1000} LED ${on ? 'on' : 'off'}`); },
      onCompleted() { out('LED stream completed'); },
      onError(e: any) { out(`LED error ${errorText(e)}`); },
    });
    sched.schedulePeriodic(lux, 60);
    sched.run();
    clock.runUntilIdle();
    out(`wakes ${clock.wakes} running ${sched.isRunning}`);
  },
};
