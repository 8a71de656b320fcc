/*
 * The pipelines of `npm run bench:xs`, as one plain script evaluated inside
 * the XS machine after the bundles (globalThis.thingflow, globalThis.rx).
 *
 * Each entry of `globalThis.benchPipelines` builds one flow and returns
 * `runBatch(n)`, which pushes n events through it. Every flow ends in the same
 * kind of sink and reads the same sensor, so differences are the flows' own.
 * Plain ES2015+ (no TypeScript): it is evaluated as is, without a build step.
 */
(function () {
  'use strict';
  const THRESHOLD = 400;

  /** The lux sensor: integer readings (nothing allocated) repeating every 600 samples, so every 1,200-event batch does the same work. */
  function makeSensor() {
    return {
      sensorId: 'lux',
      level: 0,
      sample() {
        this.level = (this.level + 37) % 600;
        return this.level;
      },
    };
  }

  /** The LED: counts what it receives and keeps the last value. */
  function makeSink() {
    return {
      count: 0,
      last: undefined,
      onNext(x) { this.count++; this.last = x; },
      onCompleted() {},
      onError(e) { throw e; },
      // RxJS observer names
      next(x) { this.count++; this.last = x; },
      complete() {},
      error(e) { throw e; },
    };
  }

  /** Drive a thingflow or hand-written source directly, one observe per event (no scheduler). */
  function observeLoop(source) {
    let ts = 0;
    return function runBatch(n) {
      for (let i = 0; i < n; i++) source.observe(ts++);
    };
  }

  // ---- thingflow-xs ---------------------------------------------------------

  /** A numeric source that allocates nothing per event: isolates a filter's own cost. */
  function makeCounter(tf) {
    class Counter extends tf.OutputThing {
      constructor() {
        super();
        this.i = 0;
      }
      observe() {
        this.i = (this.i + 37) % 600;
        this.dispatchNext(this.i);
      }
    }
    return new Counter();
  }

  function luxStages(tf, stages, callbackSink) {
    const sink = makeSink();
    const lux = new tf.SensorAsOutputThing(makeSensor());
    let end = lux;
    if (stages >= 1) end = end.map((e) => e.val);
    if (stages >= 2) end = end.runningAvg(5);
    if (stages >= 3) end = end.map((v) => v > THRESHOLD);
    // A plain function as the LED (thingflow wraps it) or an input-thing object, as in the other contenders.
    if (callbackSink) end.connect((x) => sink.onNext(x));
    else end.connect(sink);
    return { lux, sink };
  }

  // ---- hand-written minimal push chain (the floor) ----------------------------

  class HandSource {
    constructor(sensor, next) { this.sensor = sensor; this.next = next; }
    observe(ts) {
      this.next.onNext({ sensorId: this.sensor.sensorId, ts, val: this.sensor.sample() });
    }
  }
  class HandMap {
    constructor(fn, next) { this.fn = fn; this.next = next; }
    onNext(x) { this.next.onNext(this.fn(x)); }
  }
  /** Running average with a running sum over a ring of the last n values. */
  class HandAvg {
    constructor(n, next) {
      this.n = n; this.next = next;
      this.ring = new Array(n).fill(0);
      this.at = 0; this.count = 0; this.sum = 0;
    }
    onNext(x) {
      this.sum += x - this.ring[this.at];
      this.ring[this.at] = x;
      this.at = this.at + 1 === this.n ? 0 : this.at + 1;
      if (this.count < this.n) this.count++;
      this.next.onNext(this.sum / this.count);
    }
  }
  function handStages(stages) {
    const sink = makeSink();
    let head = sink;
    if (stages >= 3) head = new HandMap((v) => v > THRESHOLD, head);
    if (stages >= 2) head = new HandAvg(5, head);
    if (stages >= 1) head = new HandMap((e) => e.val, head);
    return new HandSource(makeSensor(), head);
  }

  // ---- RxJS 7 (es2015 build) ---------------------------------------------------

  function rxLux(rx) {
    const sink = makeSink();
    const subject = new rx.Subject();
    const ring = [0, 0, 0, 0, 0];
    let at = 0, count = 0, sum = 0;
    subject.pipe(
      rx.map((e) => e.val),
      rx.scan((avg, x) => {
        sum += x - ring[at];
        ring[at] = x;
        at = at + 1 === 5 ? 0 : at + 1;
        if (count < 5) count++;
        return sum / count;
      }, 0),
      rx.map((v) => v > THRESHOLD),
    ).subscribe(sink);
    const sensor = makeSensor();
    let ts = 0;
    return function runBatch(n) {
      for (let i = 0; i < n; i++) subject.next({ sensorId: sensor.sensorId, ts: ts++, val: sensor.sample() });
    };
  }

  // ---- each filter alone: counter -> filter -> sink --------------------------

  const noPrint = () => {};
  /** How each filter is built on a numeric source, for the per-filter table. */
  const FILTERS = {
    map: (src) => src.map((x) => x * 2),
    where: (src) => src.where((x) => (x & 1) === 0),
    scan: (src) => src.scan((a, x) => a + x, 0),
    reduce: (src) => src.reduce((a, x) => a + x, 0),
    take: (src) => src.take(1e9),
    skip: (src) => src.skip(1),
    takeLast: (src) => src.takeLast(5),
    last: (src) => src.last(),
    some: (src) => src.some((x) => x < 0),
    runningAvg: (src) => src.runningAvg(5),
    bufferWithCount: (src) => src.bufferWithCount(5),
    'transduce(SlidingMean(5))': (src, tf) => src.transduce(new tf.SlidingMean(5)),
    'transduce(PeriodicMedian(5))': (src, tf) => src.transduce(new tf.PeriodicMedian(5)),
    dispatch: (src, tf, sink) => {
      const d = src.dispatch([[(x) => x > 500, 'high']]);
      d.connect(sink, { portMapping: ['high', 'default'] });
      return d;
    },
    passthrough: (src, tf, sink) => src.passthrough(sink),
    output: (src) => src.output(noPrint),
    outputCount: (src) => src.outputCount(noPrint),
    toJson: (src) => src.toJson(),
    'toJson+fromJson': (src) => src.toJson().fromJson(),
    kalman: (src) => src.kalman({ processNoise: 0.01, measurementNoise: 4 }),
    distinctUntilChanged: (src) => src.map((x) => x >> 6).distinctUntilChanged(),
    deadband: (src) => src.deadband(50),
    hysteresis: (src) => src.hysteresis({ low: 200, high: 400 }),
  };
  /** Filters that need a running scheduler: driven by a VirtualClock, one event per 1 s wake. */
  const TIMED_FILTERS = {
    timeout: (src, tf, sink, sched) => src.timeout(10, sched),
    supplyEventWhenTimeout: (src, tf, sink, sched) => src.supplyEventWhenTimeout({ onNext() {}, produceEventForTimeout: () => -1 }, sched, 10),
    bufferWithTime: (src, tf, sink, sched) => src.bufferWithTime(5, sched),
    bufferWithTimeOrCount: (src, tf, sink, sched) => src.bufferWithTimeOrCount(5, 3, sched),
    throttle: (src, tf, sink, sched) => src.throttle(2, sched),
  };

  function filterAlone(tf, build) {
    const sink = makeSink();
    const src = makeCounter(tf);
    const end = build ? build(src, tf, sink) : src;
    end.connect(sink);
    return observeLoop(src);
  }

  function timedFilterAlone(tf, build) {
    const sink = makeSink();
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock);
    const src = makeCounter(tf);
    const end = build ? build(src, tf, sink, sched) : src;
    end.connect(sink);
    sched.schedulePeriodic(src, 1);
    sched.run();
    return function runBatch(n) {
      clock.advance(n * 1000);
    };
  }

  /** The lux flow sampled by the scheduler on a VirtualClock: one event per wake. */
  function scheduledLux(tf) {
    const { lux } = luxStages(tf, 3);
    const clock = new tf.VirtualClock();
    const sched = new tf.Scheduler(clock);
    sched.schedulePeriodic(lux, 1);
    sched.run();
    return function runBatch(n) {
      clock.advance(n * 1000);
    };
  }

  /** The lux pipeline with every connection traced (runtime/trace), or traced and then stopped. */
  function tracedLux(tf, thenStop) {
    const { lux } = luxStages(tf, 3);
    const trace = new tf.FlowTrace();
    trace.traceGraph(lux);
    if (thenStop) trace.stop();
    return observeLoop(lux);
  }

  const pipelines = {
    'thingflow: lux pipeline': (tf) => observeLoop(luxStages(tf, 3).lux),
    'thingflow: lux pipeline, traced (a tap on each of its 4 connections)': (tf) => tracedLux(tf, false),
    'thingflow: lux pipeline, traced then tracing stopped': (tf) => tracedLux(tf, true),
    'thingflow: source -> sink': (tf) => observeLoop(luxStages(tf, 0).lux),
    'thingflow: + map(e => e.val)': (tf) => observeLoop(luxStages(tf, 1).lux),
    'thingflow: + runningAvg(5)': (tf) => observeLoop(luxStages(tf, 2).lux),
    'thingflow: lux pipeline, scheduled (VirtualClock wake per event)': (tf) => scheduledLux(tf),
    'thingflow: lux pipeline into a callback sink': (tf) => observeLoop(luxStages(tf, 3, true).lux),
    'hand-written: lux chain': () => observeLoop(handStages(3)),
    'hand-written: source -> sink': () => observeLoop(handStages(0)),
    'hand-written: + map': () => observeLoop(handStages(1)),
    'hand-written: + running avg': () => observeLoop(handStages(2)),
    'rxjs: lux pipeline': (tf, rx) => rxLux(rx),
    'filter base: counter -> sink': (tf) => filterAlone(tf, undefined),
    'timed filter base: scheduled counter -> sink': (tf) => timedFilterAlone(tf, undefined),
  };
  for (const name of Object.keys(FILTERS)) pipelines[`filter: ${name}`] = (tf) => filterAlone(tf, FILTERS[name]);
  for (const name of Object.keys(TIMED_FILTERS)) pipelines[`timed filter: ${name}`] = (tf) => timedFilterAlone(tf, TIMED_FILTERS[name]);

  globalThis.benchPipelines = pipelines;
  globalThis.benchFilterNames = { plain: Object.keys(FILTERS), timed: Object.keys(TIMED_FILTERS) };
  /** Build the lux flow only (for the start-up heap measurement). */
  globalThis.benchBuildLux = (tf) => luxStages(tf, 3);
})();
