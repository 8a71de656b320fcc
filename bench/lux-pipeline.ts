/**
 * Events per second through the mission's lux pipeline on Node:
 *   event → map(e => e.val) → runningAvg(5) → map(v > THRESHOLD) → sink
 * done three ways in one run: thingflow-xs, RxJS 7, and a hand-written minimal
 * push chain (the floor). Rounds are interleaved and the median is reported,
 * so a noisy neighbour slows all three alike; ratios are what to read.
 *
 * npm run bench [-- --events 2000000 --rounds 7]
 */
import { Subject, map as rxMap, scan as rxScan } from 'rxjs';
import { SensorAsOutputThing } from '../runtime/core/sensor';
import '../runtime/filters/map';
import '../runtime/filters/running-avg';

const THRESHOLD = 300;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg('events', 2_000_000);
const ROUNDS = arg('rounds', 7);

/** Lux readings that wander around the threshold, shared by all three contenders. */
const readings = new Float64Array(4096);
for (let i = 0; i < readings.length; i++) readings[i] = 300 + 200 * Math.sin(i / 50) + ((i * 7919) % 97) - 48;

type Runner = (events: number) => number; // returns how many `true`s reached the sink, so no work is dead code

function thingflowRunner(): Runner {
  let i = 0;
  const sensor = { sensorId: 'lux', sample: () => readings[i++ & 4095] };
  const lux = new SensorAsOutputThing(sensor);
  let trues = 0;
  lux.map((e) => e.val).runningAvg(5).map((v) => v > THRESHOLD).connect((on) => { if (on) trues++; });
  return (events) => {
    trues = 0;
    for (let n = 0; n < events; n++) lux.observe(n);
    return trues;
  };
}

function rxjsRunner(): Runner {
  const subject = new Subject<{ sensorId: string; ts: number; val: number }>();
  let trues = 0;
  // The same running sum over a ring as runningAvg(5), kept in scan's state (mutated, not copied, to be fair).
  const state = { ring: new Float64Array(5), next: 0, count: 0, sum: 0 };
  subject.pipe(
    rxMap((e) => e.val),
    rxScan((s, x: number) => {
      s.sum += x - s.ring[s.next];
      s.ring[s.next] = x;
      s.next = (s.next + 1) % 5;
      if (s.count < 5) s.count++;
      return s;
    }, state),
    rxMap((s) => s.sum / s.count),
    rxMap((v) => v > THRESHOLD),
  ).subscribe((on) => { if (on) trues++; });
  let i = 0;
  return (events) => {
    trues = 0;
    for (let n = 0; n < events; n++) subject.next({ sensorId: 'lux', ts: n, val: readings[i++ & 4095] });
    return trues;
  };
}

/** The floor: four objects calling each other, nothing else. */
function handWrittenRunner(): Runner {
  let trues = 0;
  const sink = { onNext(on: boolean) { if (on) trues++; } };
  const threshold = { next: sink, onNext(v: number) { this.next.onNext(v > THRESHOLD); } };
  const avg = {
    next: threshold, ring: new Float64Array(5), i: 0, count: 0, sum: 0,
    onNext(x: number) {
      this.sum += x - this.ring[this.i];
      this.ring[this.i] = x;
      this.i = (this.i + 1) % 5;
      if (this.count < 5) this.count++;
      this.next.onNext(this.sum / this.count);
    },
  };
  const val = { next: avg, onNext(e: { sensorId: string; ts: number; val: number }) { this.next.onNext(e.val); } };
  let i = 0;
  return (events) => {
    trues = 0;
    for (let n = 0; n < events; n++) val.onNext({ sensorId: 'lux', ts: n, val: readings[i++ & 4095] });
    return trues;
  };
}

/**
 * The same floor written with reusable stage classes, as bench/xs/pipelines.js
 * writes it for XS: the two maps share one class, as a library's stages do.
 */
function handWrittenClassesRunner(): Runner {
  let trues = 0;
  interface Stage<T> { onNext(x: T): void }
  class Sink implements Stage<boolean> { onNext(on: boolean) { if (on) trues++; } }
  class HandMap<I, O> implements Stage<I> {
    constructor(private readonly fn: (x: I) => O, private readonly next: Stage<O>) {}
    onNext(x: I) { this.next.onNext(this.fn(x)); }
  }
  class HandAvg implements Stage<number> {
    private ring = new Float64Array(5); private i = 0; private count = 0; private sum = 0;
    constructor(private readonly next: Stage<number>) {}
    onNext(x: number) {
      this.sum += x - this.ring[this.i];
      this.ring[this.i] = x;
      this.i = this.i + 1 === 5 ? 0 : this.i + 1;
      if (this.count < 5) this.count++;
      this.next.onNext(this.sum / this.count);
    }
  }
  const head = new HandMap((e: { val: number }) => e.val, new HandAvg(new HandMap((v: number) => v > THRESHOLD, new Sink())));
  let i = 0;
  return (events) => {
    trues = 0;
    for (let n = 0; n < events; n++) head.onNext({ sensorId: 'lux', ts: n, val: readings[i++ & 4095] } as { val: number });
    return trues;
  };
}

const contenders: Array<[string, Runner]> = [
  ['thingflow-xs', thingflowRunner()],
  ['RxJS 7', rxjsRunner()],
  ['hand-written chain', handWrittenRunner()],
  ['hand-written, classes', handWrittenClassesRunner()],
];

// Warm up every contender (JIT) and check they compute the same thing.
const answers = contenders.map(([, run]) => run(200_000));
if (new Set(answers).size !== 1) throw new Error(`contenders disagree: ${answers.join(', ')}`);

const rates: number[][] = contenders.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  contenders.forEach(([, run], k) => {
    const t0 = process.hrtime.bigint();
    run(EVENTS);
    const ns = Number(process.hrtime.bigint() - t0);
    rates[k].push(EVENTS / (ns / 1e9));
  });
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const med = rates.map(median);
const [tf, rx, floor, classFloor] = med;

const fmt = (n: number) => (n / 1e6).toFixed(2).padStart(8);
console.log(`\nlux pipeline on Node ${process.version}: ${EVENTS.toLocaleString()} events × ${ROUNDS} interleaved rounds (median)\n`);
console.log('| contender             | M events/s | vs thingflow-xs |');
console.log('|-----------------------|-----------:|----------------:|');
contenders.forEach(([name], k) => {
  console.log(`| ${name.padEnd(21)} | ${fmt(med[k])} | ${(med[k] / tf).toFixed(2).padStart(14)}× |`);
});
console.log(`\nthingflow-xs vs RxJS 7: ${(tf / rx).toFixed(2)}× faster (target ≥ 2×)`);
console.log(`hand-written floor vs thingflow-xs: ${(floor / tf).toFixed(2)}× (target ≤ 1.3×)`);
console.log(`hand-written floor with reusable stage classes vs thingflow-xs: ${(classFloor / tf).toFixed(2)}×`);
