/**
 * Per-operation cost of a batch function already defined in an XS worker (`fn(n)` does n
 * operations): computrons from two runs (0 and N), heap slots left after a GC from runs of 0, N and
 * 2N, and whether that rise is linear in N (a steady per-op allocation, not a one-off).
 * Shared by xs-codec.mjs and xs-client.mjs.
 */
export function batchMeasurer(xs, N) {
  return async (fn) => {
    const run = (n) => xs.evaluate(`${fn}(${n});`);
    const c0 = (await run(0)).computrons;
    const c1 = (await run(N)).computrons;
    const rise = async (n) => {
      const before = await xs.evaluate('gc();');
      const after = await run(n);
      return after.heapCount - before.heapCount;
    };
    const r0 = await rise(0);
    const r1 = await rise(N);
    const r2 = await rise(2 * N);
    return { computrons: (c1 - c0) / N, slots: (r1 - r0) / N, linear: Math.abs((r2 - r0) - 2 * (r1 - r0)) <= 2 };
  };
}
