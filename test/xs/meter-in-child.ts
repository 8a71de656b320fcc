/**
 * Meters named pipelines on the real XS engine in a child process
 * (measure-scripts.mjs, pipeline-meter.mjs): the runtime bundle, then
 * `scripts` that define the pipelines; deterministic heap-slot counts.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { xsBundlePath } from './xs-scenarios';

export interface Meter { slots: number; heldGrowth: number; linear: boolean; computrons: number }

export function meterInChild(scripts: string[], names: string[], longRun = 20_000): Record<string, Meter> {
  const child = spawnSync(process.execPath, [join(__dirname, 'measure-scripts.mjs')], {
    input: JSON.stringify({ bundle: xsBundlePath(), scripts, names, longRun }),
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    timeout: 290_000,
  });
  if (child.status !== 0) throw new Error(`metering failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Record<string, Meter>;
}
