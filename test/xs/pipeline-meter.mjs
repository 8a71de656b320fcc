/**
 * Per-event metering of a pipeline in a real XS machine, shared by
 * `npm run bench:xs` (bench/xs-footprint.mjs) and the allocation test
 * (test/xs/allocation.test.ts and edges-allocation.test.ts, through meter-in-child.ts and measure-scripts.mjs).
 *
 * A pipeline is an entry of `globalThis.benchPipelines` (bench/xs/pipelines.js):
 * a function that builds a flow and returns `runBatch(n)`.
 * - computrons/event: (batch of N events − the same batch with 0 events) / N.
 * - slots allocated/event: rise of currentHeapCount across a batch with no gc
 *   in between (every slot handed out counts, garbage included), minus the
 *   same for 0 events, / N. A gc runs just before each batch, so the free list
 *   is full and no collection happens inside it (checked: linear in N).
 * - held growth: live slots after gc once 100,000 events have passed, minus
 *   after 1,000, less xsnap's own per-evaluation retention (measured).
 */
import { readFileSync } from 'node:fs';
import { startXsWorker } from './xsnap-worker.mjs';

/** Batch size: a multiple of every window, count and input period in the pipelines (2, 3, 5, 600). */
export const BATCH = 1200;
export const FIRST_MARK = 1000;
export const LONG_RUN = 100_000;

/** A fresh XS machine with these scripts evaluated in order (bundles, then the pipelines). */
export async function loadedWorker(name, scriptPaths) {
  const xs = await startXsWorker({ name });
  for (const p of scriptPaths) await xs.evaluate(readFileSync(p, 'utf8'));
  return xs;
}

/** Meter pipeline `name` in its own XS machine loaded with `scriptPaths`. */
export async function measurePipeline(name, scriptPaths, opts = {}) {
  const longRun = opts.longRun ?? LONG_RUN;
  const xs = await loadedWorker(`meter-${name.replace(/[^A-Za-z0-9_.-]/g, '-')}`, scriptPaths);
  try {
    await xs.evaluate(`globalThis.runBatch = benchPipelines[${JSON.stringify(name)}](globalThis.thingflow, globalThis.rx);`);
    let events = 0;
    const run = async (n, collect) => {
      events += n;
      return xs.evaluate(`runBatch(${n});${collect ? ' gc();' : ''}`);
    };
    // The heap marks first: live slots after 1,000 events, then after the long run, each right after a gc.
    const atFirst = await run(FIRST_MARK, true);
    const atLong = await run(longRun - FIRST_MARK, true);
    // xsnap keeps about one slot per evaluation (every pipeline, hand-written ones included, shows it):
    // one more evaluation with no events measures that, and it is taken out of the growth.
    const control = await run(0, true);
    const perEvaluation = control.heapCount - atLong.heapCount;
    const computronsFor = async (n) => (await run(n, false)).computrons;
    const c0 = await computronsFor(0);
    const c1 = await computronsFor(BATCH);
    const c2 = await computronsFor(2 * BATCH);
    const riseFor = async (n) => {
      const before = await xs.evaluate('gc();');
      const after = await run(n, false);
      return after.heapCount - before.heapCount;
    };
    const r0 = await riseFor(0);
    const r1 = await riseFor(BATCH);
    const r2 = await riseFor(2 * BATCH);
    return {
      computrons: (c1 - c0) / BATCH,
      slots: (r1 - r0) / BATCH,
      // Linear in N: no gc and no one-off cost hid inside a batch.
      linear: c2 - c1 === c1 - c0 && r2 - r1 === r1 - r0,
      heldGrowth: atLong.heapCount - atFirst.heapCount - perEvaluation,
      perEvaluation,
      heapAtFirst: atFirst.heapCount,
      heapAtLong: atLong.heapCount,
      events,
    };
  } finally {
    await xs.close();
  }
}
