/**
 * Child process for the XS allocation tests (meter-in-child.ts): meters the
 * named entries of `scripts` (evaluated after the bundle) in real XS
 * machines, a few at a time, each pipeline in its own.
 * stdin: { bundle, scripts, names, longRun }  stdout: { [name]: meter result }
 */
import { readFileSync } from 'node:fs';
import { measurePipeline } from './pipeline-meter.mjs';

const job = JSON.parse(readFileSync(0, 'utf8'));
const out = {};
let next = 0;
async function lane() {
  while (next < job.names.length) {
    const name = job.names[next++];
    out[name] = await measurePipeline(name, [job.bundle, ...job.scripts], { longRun: job.longRun });
  }
}
await Promise.all([lane(), lane(), lane(), lane()]);
process.stdout.write(JSON.stringify(out));
