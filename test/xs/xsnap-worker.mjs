/**
 * A real XS machine for tests and benchmarks: one @agoric/xsnap worker
 * (Moddable's XS compiled at `npm install`), driven from Node.
 *
 * Every `evaluate` is one "crank" in xsnap: it reports the computrons that
 * evaluation took and the machine's `currentHeapCount` (live + garbage slots
 * since the last collection) after it. Text comes back from XS as the
 * evaluation's value when that value is a string (encoded to an ArrayBuffer
 * inside XS, which is how xsnap returns results).
 *
 * `@endo/init` (SES lockdown) runs in whatever Node process imports this file,
 * so import it only from a dedicated process (bench script, jest child), never
 * inside the jest worker itself.
 */
import '@endo/init';
import { xsnap } from '@agoric/xsnap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const decoder = new TextDecoder();

/** Path of the xsnap-worker binary that `npm install` builds (for error messages and CI checks). */
export const XSNAP_WORKER_BINARY = fileURLToPath(
  new URL('../../node_modules/@agoric/xsnap/xsnap-native/xsnap/build/bin/lin/release/xsnap-worker', import.meta.url),
);

/**
 * Wrap `code` so that its completion value, when a string, is returned to Node.
 * XS returns an ArrayBuffer result to the parent; anything else comes back empty.
 */
function returningText(code) {
  return `(function (v) { return typeof v === 'string' ? new TextEncoder().encode(v).buffer : undefined; })((0, eval)(${JSON.stringify(code)}))`;
}

/**
 * Start an XS worker. `print()` output inside XS is collected into `printed`.
 * @param {{ name?: string }} [opts]
 */
export async function startXsWorker(opts = {}) {
  const printed = { stdout: '', stderr: '' };
  // Keep hold of the child so its stdout (XS `print`) and stderr (XS `trace`) are drained and kept.
  const spawnAndCapture = (...args) => {
    const child = spawn(...args);
    child.stdout?.setEncoding('utf8').on('data', (s) => { printed.stdout += s; });
    child.stderr?.setEncoding('utf8').on('data', (s) => { printed.stderr += s; });
    return child;
  };
  const worker = await xsnap({
    name: opts.name ?? 'thingflow-xs',
    os: os.type(),
    spawn: spawnAndCapture,
    fs: { ...fs, ...fsp },
    stdout: 'pipe',
    stderr: 'pipe',
    // No crank limit: a benchmark batch of 100,000 events is one crank.
    meteringLimit: 0,
  });
  return makeSession(worker, printed);
}

function makeSession(worker, printed) {
  return {
    worker,
    /** What XS wrote with `print` (stdout) and `trace` (stderr) so far. */
    printed,
    /**
     * Evaluate a script in the global scope (indirect eval).
     * @param {string} code
     * @returns {Promise<{ text: string | undefined, computrons: number, heapCount: number }>}
     */
    async evaluate(code) {
      const { reply, meterUsage } = await worker.evaluate(code);
      return {
        text: reply.byteLength > 0 ? decoder.decode(reply) : undefined,
        computrons: meterUsage.compute,
        heapCount: meterUsage.currentHeapCount,
      };
    },
    /**
     * Evaluate `code` and return its completion value as text (it must be a string).
     * Exceptions thrown inside XS reject with the XS error text.
     */
    async evaluateText(code) {
      const { reply } = await worker.evaluate(returningText(code));
      return decoder.decode(reply);
    },
    /**
     * Take an XS snapshot (xsnap collects garbage first) and measure what is
     * live: `slots` in the slot heap and `chunkBytes` of chunk memory (strings,
     * arrays, closures' code, ...). Read from the snapshot's HEAP and BLOC atoms.
     */
    async measureLiveHeap() {
      const parts = [];
      for await (const chunk of worker.makeSnapshotStream('measure')) parts.push(Buffer.from(chunk));
      return parseSnapshotSizes(Buffer.concat(parts));
    },
    close() {
      return worker.close().catch(() => undefined);
    },
  };
}

/**
 * The XS snapshot is a tree of atoms (4-byte big-endian size including the
 * 8-byte header, then a 4-letter type): XS_M { VERS SIGN CREA BLOC HEAP STAC KEYS NAME SYMB }.
 * BLOC holds the live chunks, HEAP the live slots (one `txSlot` each).
 */
export function parseSnapshotSizes(buf) {
  const sizes = {};
  let at = 8; // skip the XS_M container header
  while (at + 8 <= buf.length) {
    const size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    sizes[type] = size - 8;
    if (size < 8) break;
    at += size;
  }
  if (sizes.HEAP === undefined || sizes.BLOC === undefined) throw new Error('unexpected xsnap snapshot layout');
  // txSlot is 4 pointers wide: 32 bytes on a 64-bit host, 16 on a 32-bit MCU.
  const slotBytes = 32;
  return { slots: sizes.HEAP / slotBytes, chunkBytes: sizes.BLOC, snapshotBytes: buf.length };
}
