/**
 * Child process for test/xs/allocation.test.ts: meters the named pipelines of
 * bench/xs/pipelines.js in real XS machines against the runtime bundle.
 * stdin: { bundle, names, longRun }   stdout: { [name]: meter result }
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measurePipeline } from './pipeline-meter.mjs';

const PIPELINES = fileURLToPath(new URL('../../bench/xs/pipelines.js', import.meta.url));
const job = JSON.parse(readFileSync(0, 'utf8'));
const out = {};
// A few XS machines at a time, each pipeline in its own.
let next = 0;
async function lane() {
  while (next < job.names.length) {
    const name = job.names[next++];
    out[name] = await measurePipeline(name, [job.bundle, PIPELINES], { longRun: job.longRun });
  }
}
await Promise.all([lane(), lane(), lane(), lane()]);
process.stdout.write(JSON.stringify(out));
