/**
 * The portable edges on two engines: CSV and JSON Lines recording (Python's
 * float text, ISO datetimes, quoting), a replay paced on a VirtualClock, an
 * AsyncSink's bounds, a push source and a
 * debounced Digital edge source. Run on Node and on XS by test/xs/edges.test.ts.
 */
import type { Out, ScenarioTable, ThingflowRuntime } from './scenario';

const T0 = 1764826123.456789;
const EVENTS = [
  { sensorId: 'dining-room', ts: 1420110060, val: 1 },
  { sensorId: 1, ts: T0, val: 123.456 },
  { sensorId: 1, ts: T0 + 1, val: -0.000012345 },
  { sensorId: 1, ts: T0 + 2, val: 1e16 },
  { sensorId: 'with,comma "q"', ts: T0 + 3, val: 0.1 + 0.2 },
];

function record(tf: ThingflowRuntime, format: any): string {
  const lines = new tf.MemoryLines();
  const w = new tf.RecordWriter(lines, format);
  for (const e of EVENTS) w.onNext(e);
  w.onCompleted();
  return lines.contents;
}

export const scenarios: ScenarioTable = {
  'csv recording in ThingFlow-Python text'(tf: ThingflowRuntime, out: Out) {
    for (const line of record(tf, tf.csvFormat()).split('\r\n')) out(line);
    out([1e-7, 1e21, 5e-324, -2, 1234567.125].map(tf.pythonFloat).join(' '));
  },

  'json lines recording'(tf: ThingflowRuntime, out: Out) {
    for (const line of record(tf, tf.jsonLinesFormat()).split('\n')) out(line);
  },

  'csv replay on a virtual clock keeps the recorded gaps'(tf: ThingflowRuntime, out: Out) {
    const clock = new tf.VirtualClock();
    const scheduler = new tf.Scheduler(clock);
    const src = new tf.ReplaySource(tf.MemoryLines.of(record(tf, tf.csvFormat())), tf.csvFormat(), scheduler, { badLines: 'skip' });
    src.connect({
      onNext(e: any) { out(`${scheduler.elapsed} ms ${JSON.stringify(e)}`); },
      onCompleted() { out(`completed after ${clock.wakes} wakes`); },
      onError(e: any) { out(`error ${e && e.message}`); },
    });
    scheduler.run();
    clock.runUntilIdle();
  },

  'async sink: bounded queue and concurrency, without waiting'(tf: ThingflowRuntime, out: Out) {
    // Promise callbacks run after the scenario returns; what is checked here happens at once.
    const started: number[] = [];
    const sink = new tf.AsyncSink<number, string>({ concurrency: 2, queueLimit: 3, handler: (x: number) => { started.push(x); return new Promise<string>(() => {}); } });
    for (let i = 1; i <= 5; i++) sink.onNext(i);
    out(`started ${started.join(',')}; in flight ${sink.inFlight}; held ${sink.queued}; dropped ${sink.dropped}`);
  },

  'push source and debounced digital edges'(tf: ThingflowRuntime, out: Out) {
    const push = new tf.PushSource<number>();
    push.connect((x: number) => out(`pushed ${x}`));
    push.push(1);
    push.complete();
    push.push(2);
    out(`after close: ${push.droppedAfterClose}`);

    let pin: any;
    class Pin {
      static Input = 0; static InputPullUp = 1; static Rising = 1; static Falling = 2;
      level = 1;
      onReadable: () => void;
      target: unknown;
      constructor(o: any) { this.onReadable = o.onReadable; this.target = o.target; pin = this; }
      read() { return this.level; }
      close() {}
      set(v: number) { if (v !== this.level) { this.level = v; this.onReadable.call(this); } }
    }
    const clock = new tf.VirtualClock();
    const scheduler = new tf.Scheduler(clock);
    scheduler.schedulePeriodic(tf.fromIterable(new Array(100).fill(0)), 1);
    const button = new tf.DigitalEdgeSource({ io: Pin as any, pin: 0, invert: true, scheduler, sensorId: 'b' });
    button.connect((e: any) => out(`${e.val}@${clock.elapsed}`));
    scheduler.run();
    for (const [at, level] of [[100, 0], [101, 1], [102, 0], [400, 1], [405, 0], [410, 1]]) {
      clock.advance(at - clock.elapsed);
      pin.set(level);
    }
    clock.advance(100);
    out(`emitted ${button.emitted}, bounces ${button.bounces}`);
  },
};
