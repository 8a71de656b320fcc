/**
 * `npm run bench:xs`: what thingflow-xs costs per event on the real XS engine
 * (@agoric/xsnap), measured in one run, side by side with RxJS 7 (es2015
 * build, bundled for XS) and a hand-written minimal push chain (the floor).
 *
 * Everything here is deterministic: XS computrons (xsnap's metering of
 * executed work) and XS heap slots, not time.
 * - computrons/event: (batch of N events - the same batch with 0 events) / N.
 * - slots allocated/event: the rise of currentHeapCount across a batch with no
 *   gc in between (it counts every slot handed out, garbage included), minus
 *   the same for 0 events, / N. A gc runs just before each batch so the free
 *   list is full and no collection can happen inside it (checked: linear in N).
 * - slots held: live slots after gc once 100,000 events have passed, minus
 *   after 1,000 (a leak shows as growth).
 * Prints markdown tables; docs/xs.md explains them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startXsWorker } from '../test/xs/xsnap-worker.mjs';
import { BATCH as N, LONG_RUN, loadedWorker, measurePipeline } from '../test/xs/pipeline-meter.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const XS_BUNDLE = process.env.THINGFLOW_XS_BUNDLE ?? join(ROOT, 'dist/thingflow.xs.js');
const BENCH_DIR = join(ROOT, 'dist/bench-xs');
const PIPELINES = join(ROOT, 'bench/xs/pipelines.js');

/** Budgets from issue 4. */
const BUDGET = { vsHand: 1.5, vsRx: 2.3, sourceEventSlots: 4 };

function buildBenchBundles() {
  const r = spawnSync('npx', ['rollup', '-c', 'bench/xs/rollup.bench.mjs', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building bench bundles failed:\n${r.stdout}\n${r.stderr}`);
}

const read = (p) => readFileSync(p, 'utf8');

const SCRIPTS = [XS_BUNDLE, join(BENCH_DIR, 'rxjs.js'), PIPELINES];
const measure = (name) => measurePipeline(name, SCRIPTS);

/** Live XS heap (after gc) of a bare machine, after evaluating a bundle, and after building the lux flow. */
async function startupHeap(bundlePath, buildFlow) {
  const xs = await startXsWorker({ name: 'bench-startup' });
  try {
    const bare = await xs.measureLiveHeap();
    await xs.evaluate(read(bundlePath));
    const loaded = await xs.measureLiveHeap();
    await xs.evaluate(buildFlow);
    const built = await xs.measureLiveHeap();
    await xs.evaluate('for (let i = 0; i < 100; i++) globalThis.__lux.observe(i);');
    const ran = await xs.measureLiveHeap();
    const led = await xs.evaluateText('String(globalThis.__led)');
    return { bare, loaded, built, ran, led };
  } finally {
    await xs.close();
  }
}

const LUX_FLOW_WITH_RUNTIME = `(function () {
  const tf = globalThis.thingflow;
  const sensor = { sensorId: 'lux', level: 0, sample() { this.level = (this.level + 37) % 600; return this.level; } };
  const lux = new tf.SensorAsOutputThing(sensor);
  lux.map((e) => e.val).runningAvg(5).map((v) => v > 400).connect((on) => { globalThis.__led = on; });
  globalThis.__lux = lux;
})();`;
const LUX_FLOW_WITH_APP = `(function () {
  const sensor = { sensorId: 'lux', level: 0, sample() { this.level = (this.level + 37) % 600; return this.level; } };
  globalThis.__lux = globalThis.app.buildLuxFlow(sensor, (on) => { globalThis.__led = on; });
})();`;

function sizes(path) {
  const buf = readFileSync(path);
  return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
}

const fmt = (x, digits = 1) => (Number.isInteger(x) ? String(x) : x.toFixed(digits));
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
function table(headers, rows) {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map((h, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

async function main() {
  buildBenchBundles();
  const started = Date.now();
  const out = [];
  const say = (s = '') => { out.push(s); console.log(s); };

  const names = await (async () => {
    const xs = await loadedWorker('bench-names', SCRIPTS);
    try {
      return JSON.parse(await xs.evaluateText('JSON.stringify({ all: Object.keys(benchPipelines), filters: benchFilterNames })'));
    } finally {
      await xs.close();
    }
  })();

  const results = {};
  for (const name of names.all) results[name] = await measure(name);
  const r = (name) => results[name];

  say(`## Per event on XS (xsnap ${JSON.parse(read(join(ROOT, 'node_modules/@agoric/xsnap/package.json'))).version}), ${N}-event batches, heap check over ${LONG_RUN.toLocaleString('en')} events`);
  say();
  const lux = r('thingflow: lux pipeline');
  const hand = r('hand-written: lux chain');
  const rx = r('rxjs: lux pipeline');
  const row = (label, m, peer) => [label, fmt(m.computrons), peer ? `${(m.computrons / peer.computrons).toFixed(2)}x` : '', fmt(m.slots, 2), String(m.heldGrowth), m.linear ? 'yes' : 'NO'];
  const headers = ['lux pipeline (event → map → runningAvg(5) → map(threshold) → sink)', 'computrons/event', 'vs hand-written', 'slots allocated/event', 'slots held: 100k − 1k events', 'linear in N'];
  say(table(headers, [
    row('hand-written minimal push chain (floor)', hand, hand),
    row('**thingflow-xs**', lux, hand),
    row('RxJS 7 (es2015 build)', rx, hand),
    row('thingflow-xs, LED as a plain callback (`connect(fn)`)', r('thingflow: lux pipeline into a callback sink'), hand),
    row('thingflow-xs, sampled by the Scheduler (VirtualClock, one wake per event)', r('thingflow: lux pipeline, scheduled (VirtualClock wake per event)'), hand),
    row('thingflow-xs, traced (FlowTrace: a tap on each of its 4 connections)', r('thingflow: lux pipeline, traced (a tap on each of its 4 connections)'), hand),
    row('thingflow-xs, traced then tracing stopped (off costs nothing)', r('thingflow: lux pipeline, traced then tracing stopped'), hand),
  ]));
  say();
  say(`RxJS / thingflow-xs: ${(rx.computrons / lux.computrons).toFixed(2)}x the computrons, ${fmt(rx.slots, 2)} vs ${fmt(lux.slots, 2)} slots per event.`);
  say();

  say('### Per stage (each row adds one stage; the cost is the difference from the row above)');
  say();
  const stageRows = [];
  const stages = [
    ['source → sink (creates the 4-slot event)', 'thingflow: source -> sink', 'hand-written: source -> sink'],
    ['+ map(e => e.val)', 'thingflow: + map(e => e.val)', 'hand-written: + map'],
    ['+ runningAvg(5)', 'thingflow: + runningAvg(5)', 'hand-written: + running avg'],
    ['+ map(v => v > 400)', 'thingflow: lux pipeline', 'hand-written: lux chain'],
  ];
  let prevT;
  let prevH;
  for (const [label, t, h] of stages) {
    const mt = r(t);
    const mh = r(h);
    const dt = prevT ? mt.computrons - prevT.computrons : mt.computrons;
    const dh = prevH ? mh.computrons - prevH.computrons : mh.computrons;
    const st = prevT ? mt.slots - prevT.slots : mt.slots;
    const sh = prevH ? mh.slots - prevH.slots : mh.slots;
    stageRows.push([label, fmt(dt), fmt(dh), fmt(dt - dh), fmt(st, 2), fmt(sh, 2)]);
    prevT = mt;
    prevH = mh;
  }
  say(table(['stage', 'thingflow computrons', 'hand-written computrons', 'overhead', 'thingflow slots', 'hand-written slots'], stageRows));
  say();

  say('### Each filter alone (numeric source that allocates nothing → filter → sink; cost above the source → sink base)');
  say();
  const base = r('filter base: counter -> sink');
  const timedBase = r('timed filter base: scheduled counter -> sink');
  const filterRows = [];
  filterRows.push(['(base: counter → sink)', fmt(base.computrons), fmt(base.slots, 2), String(base.heldGrowth), base.linear ? 'yes' : 'NO']);
  for (const f of names.filters.plain) {
    const m = r(`filter: ${f}`);
    filterRows.push([f, fmt(m.computrons - base.computrons), fmt(m.slots - base.slots, 2), String(m.heldGrowth), m.linear ? 'yes' : 'NO']);
  }
  filterRows.push(['(base: counter → sink, scheduled, one 1 s wake per event)', fmt(timedBase.computrons), fmt(timedBase.slots, 2), String(timedBase.heldGrowth), timedBase.linear ? 'yes' : 'NO']);
  for (const f of names.filters.timed) {
    const m = r(`timed filter: ${f}`);
    filterRows.push([`${f} (scheduled)`, fmt(m.computrons - timedBase.computrons), fmt(m.slots - timedBase.slots, 2), String(m.heldGrowth), m.linear ? 'yes' : 'NO']);
  }
  say(table(['filter', 'computrons/event', 'slots allocated/event', 'slots held: 100k − 1k events', 'linear in N'], filterRows));
  say();

  say('## Bundles (not minified; gzip -9)');
  say();
  const bundles = [
    ['dist/thingflow.xs.js (whole runtime)', XS_BUNDLE],
    ['app: lux flow importing only map + runningAvg modules', join(BENCH_DIR, 'app-map-running-avg.js')],
    ['app: same flow importing runtime/index', join(BENCH_DIR, 'app-from-index.js')],
    ['RxJS 7 es2015: Subject + map + scan', join(BENCH_DIR, 'rxjs.js')],
  ];
  say(table(['bundle', 'raw bytes', 'gzip bytes'], bundles.map(([label, p]) => { const s = sizes(p); return [label, `${s.raw} (${kb(s.raw)})`, `${s.gzip} (${kb(s.gzip)})`]; })));
  say();
  const FILTER_CLASSES = ['WhereFilter', 'ScanFilter', 'ReduceFilter', 'TakeFilter', 'SkipFilter', 'TakeLastFilter', 'LastFilter', 'SomeFilter', 'BufferWithCount', 'BufferWithTimeOrCount', 'TimeoutFilter', 'SupplyEventWhenTimeout', 'Transduce', 'SlidingMean', 'PeriodicMedian', 'Dispatcher', 'Output', 'OutputCount', 'Never', 'ToJson', 'FromJson', 'KalmanFilter', 'DistinctUntilChanged', 'Deadband', 'Hysteresis', 'ThrottleFilter', 'Scheduler', 'VirtualClock'];
  const classesIn = (p) => { const text = read(p); return FILTER_CLASSES.filter((c) => new RegExp(`\\bclass ${c}\\b`).test(text)); };
  const appText = read(join(BENCH_DIR, 'app-map-running-avg.js'));
  const appHas = ['MapFilter', 'RunningAverage'].filter((c) => new RegExp(`\\bclass ${c}\\b`).test(appText));
  const appExtra = classesIn(join(BENCH_DIR, 'app-map-running-avg.js'));
  const indexExtra = classesIn(join(BENCH_DIR, 'app-from-index.js'));
  say(`Tree-shaking, by grepping the bundles for \`class <Name>\`: the map + runningAvg app contains ${appHas.join(' and ')}; ` +
    `of the ${FILTER_CLASSES.length} other filter/scheduler classes it contains ${appExtra.length ? appExtra.join(', ') : 'none'}. ` +
    `Importing runtime/index instead keeps ${indexExtra.length} of them (${indexExtra.slice(0, 6).join(', ')}${indexExtra.length > 6 ? ', ...' : ''}).`);
  say();

  say('## XS heap at start-up (live, after gc; from xsnap snapshots: slots of 32 bytes on this 64-bit host, 16 on a 32-bit MCU; chunk bytes)');
  say();
  const whole = await startupHeap(XS_BUNDLE, LUX_FLOW_WITH_RUNTIME);
  const app = await startupHeap(join(BENCH_DIR, 'app-map-running-avg.js'), LUX_FLOW_WITH_APP);
  const d = (a, b) => ({ slots: b.slots - a.slots, chunkBytes: b.chunkBytes - a.chunkBytes });
  const heapRows = [];
  for (const [label, m] of [['whole runtime (dist/thingflow.xs.js)', whole], ['map + runningAvg app bundle', app]]) {
    const load = d(m.bare, m.loaded);
    const flow = d(m.loaded, m.built);
    const run = d(m.built, m.ran);
    const total = d(m.bare, m.ran);
    heapRows.push([label, `${load.slots} / ${load.chunkBytes}`, `${flow.slots} / ${flow.chunkBytes}`, `${run.slots} / ${run.chunkBytes}`, `${total.slots} / ${total.chunkBytes}`, m.led]);
  }
  say(table(['loaded', 'evaluate bundle (slots / chunk bytes)', 'build lux flow', 'after 100 events', 'total above a bare machine', 'LED after 100 events'], heapRows));
  say(`(bare xsnap machine: ${whole.bare.slots} slots / ${whole.bare.chunkBytes} chunk bytes)`);
  say();

  say('## Budgets (issue 4)');
  say();
  const checks = [];
  const check = (ok, text) => { checks.push(ok); say(`- ${ok ? 'PASS' : 'MISS'}: ${text}`); };
  const srcSlots = r('thingflow: source -> sink').slots;
  check(srcSlots === BUDGET.sourceEventSlots, `source allocates only the event object: ${fmt(srcSlots, 2)} slots/event (budget ${BUDGET.sourceEventSlots})`);
  check(lux.slots === srcSlots, `zero slots per stage per event in the lux pipeline: ${fmt(lux.slots - srcSlots, 2)} slots/event above the source`);
  const badFilters = names.filters.plain.filter((f) => r(`filter: ${f}`).slots !== base.slots);
  say(`  - filters allocating per event (alone, above the base): ${badFilters.length ? badFilters.map((f) => `${f} ${fmt(r(`filter: ${f}`).slots - base.slots, 2)}`).join(', ') : 'none'}`);
  const badTimed = names.filters.timed.filter((f) => r(`timed filter: ${f}`).slots !== timedBase.slots);
  say(`  - scheduled filters allocating per event: ${badTimed.length ? badTimed.map((f) => `${f} ${fmt(r(`timed filter: ${f}`).slots - timedBase.slots, 2)}`).join(', ') : 'none'}`);
  check(lux.computrons <= BUDGET.vsHand * hand.computrons, `lux pipeline ≤ ${BUDGET.vsHand}× the hand-written chain: ${fmt(lux.computrons)} vs ${fmt(hand.computrons)} (${(lux.computrons / hand.computrons).toFixed(2)}×, limit ${fmt(BUDGET.vsHand * hand.computrons)})`);
  check(rx.computrons >= BUDGET.vsRx * lux.computrons, `≥ ${BUDGET.vsRx}× fewer computrons than RxJS: ${(rx.computrons / lux.computrons).toFixed(2)}× (${fmt(rx.computrons)} vs ${fmt(lux.computrons)})`);
  const leaks = names.all.filter((n) => results[n].heldGrowth !== 0);
  check(lux.heldGrowth === 0, `heap after ${LONG_RUN.toLocaleString('en')} events == heap after 1,000 (lux pipeline: ${lux.heapAtLong} vs ${lux.heapAtFirst} slots)`);
  say(`  - pipelines whose live heap changed between 1,000 and ${LONG_RUN.toLocaleString('en')} events: ${leaks.length ? leaks.map((n) => `${n} (${results[n].heldGrowth})`).join(', ') : 'none'}`);
  say(`  - all batches linear in N (no hidden gc): ${names.all.every((n) => results[n].linear) ? 'yes' : `NO: ${names.all.filter((n) => !results[n].linear).join(', ')}`}`);
  const perEval = [...new Set(names.all.map((n) => results[n].perEvaluation))];
  say(`  - xsnap's own retention per evaluation, taken out of the growth: ${perEval.join(' or ')} slot(s), the same in every pipeline (hand-written ones included)`);
  say();
  say(`(${names.all.length} pipelines measured in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
