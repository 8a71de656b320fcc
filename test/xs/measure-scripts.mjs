/**
 * Child process for XS allocation tests that bring their own pipelines file:
 * meters the named entries of `scripts` (evaluated after the bundle) in real
 * XS machines. stdin: { bundle, scripts, names, longRun }  stdout: { [name]: meter result }
 */
import { readFileSync } from 'node:fs';
import { measurePipeline } from './pipeline-meter.mjs';

const job = JSON.parse(readFileSync(0, 'utf8'));
const out = {};
for (const name of job.names) out[name] = await measurePipeline(name, [job.bundle, ...job.scripts], { longRun: job.longRun });
process.stdout.write(JSON.stringify(out));
