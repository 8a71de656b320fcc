/**
 * Where a Scheduler wake goes on XS, in computrons (deterministic): the whole
 * wake through a VirtualClock, then each private step of runDueTasks called on
 * its own in a loop (JavaScript has no real privacy for TypeScript `private`).
 * Also re-arming a SchedulerTimer, which timeout() does per event.
 * Run after `npm run build`: node bench/xs/scheduler-costs.mjs
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startXsWorker } from '../../test/xs/xsnap-worker.mjs';

const BUNDLE = process.env.THINGFLOW_XS_BUNDLE ?? fileURLToPath(new URL('../../dist/thingflow.xs.js', import.meta.url));
const N = 1000;

const xs = await startXsWorker({ name: 'scheduler-costs' });
await xs.evaluate(readFileSync(BUNDLE, 'utf8'));
await xs.evaluate(`
  const tf = globalThis.thingflow;
  /** A scheduled thing that does nothing when sampled (and stays connected, so it is kept). */
  class Idle extends tf.OutputThing { observe() {} }
  function rig(withTimer, repeating = false) {
    const clock = new tf.VirtualClock({ repeating });
    const sched = new tf.Scheduler(clock);
    const idle = new Idle();
    idle.connect(() => {});
    sched.schedulePeriodic(idle, 1);
    const timer = withTimer ? sched.createTimer(() => {}) : undefined;
    sched.run();
    return { clock, sched, idle, timer, group: sched.groups[0] };
  }
  const bare = { clock: new tf.VirtualClock(), fn: undefined };
  bare.fn = () => bare.clock.wake(1000, bare.fn);
  bare.clock.wake(1000, bare.fn);
  const r = rig(false);
  const rt = rig(true);
  const rr = rig(false, true);
  const now = r.clock.now();
  globalThis.cases = {
    'loop only': (n) => { for (let i = 0; i < n; i++); },
    'VirtualClock alone: wake(1000, fn) + advance(1000)': (n) => { for (let i = 0; i < n; i++) bare.clock.advance(1000); },
    'Scheduler wake, one idle task (advance 1 s)': (n) => { for (let i = 0; i < n; i++) r.clock.advance(1000); },
    'Scheduler wake, one idle task + one unarmed timer': (n) => { for (let i = 0; i < n; i++) rt.clock.advance(1000); },
    'Scheduler wake, one idle task, repeating clock (wakeEvery: armed once)': (n) => { for (let i = 0; i < n; i++) rr.clock.advance(1000); },
    '  runDueTasks() (timers and tasks; the wake then calls scheduleNextWake)': (n) => { for (let i = 0; i < n; i++) r.sched.runDueTasks(); },
    '  readTime()': (n) => { for (let i = 0; i < n; i++) r.sched.readTime(); },
    '  scheduleNextWake()': (n) => { for (let i = 0; i < n; i++) r.sched.scheduleNextWake(); },
    '  skipMissedDeadlines(group, now): a wake a whole interval late (on time, the deadline advances inline)': (n) => { for (let i = 0; i < n; i++) r.sched.skipMissedDeadlines(r.group, r.group.nextDue); },
    '  fireDueTimers(now), no timers': (n) => { for (let i = 0; i < n; i++) r.sched.fireDueTimers(now); },
    '  ticksDiff(a, b, undefined)': (n) => { for (let i = 0; i < n; i++) tf.ticksDiff(i, 5, undefined); },
    '  clock.now()': (n) => { for (let i = 0; i < n; i++) r.clock.now(); },
    'SchedulerTimer.start(10) while running (timeout() does this per event)': (n) => { for (let i = 0; i < n; i++) rt.timer.start(10); },
  };
  globalThis.measure = (name, n) => globalThis.cases[name](n);
`);
const names = JSON.parse(await xs.evaluateText('JSON.stringify(Object.keys(globalThis.cases))'));
console.log('| what (per call) | computrons |');
console.log('| --- | ---: |');
let loop = 0;
for (const name of names) {
  const a = await xs.evaluate(`measure(${JSON.stringify(name)}, 0)`);
  const b = await xs.evaluate(`measure(${JSON.stringify(name)}, ${N})`);
  const c = (b.computrons - a.computrons) / N;
  if (name === 'loop only') loop = c;
  console.log(`| ${name} | ${name === 'loop only' ? c : (c - loop).toFixed(1)} |`);
}
console.log(`\n(loop overhead of ${loop} per iteration subtracted from every other row)`);
await xs.close();
