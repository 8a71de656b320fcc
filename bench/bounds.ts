/**
 * `npm run bench:bounds`: the hostile-input figures next to the limits (docs/bounds.md), each part
 * in its own process so one's memory does not colour the other's: the WoT server against
 * never-reading WebSocket and SSE clients and amplification attempts (bench/bounds/wot-hostile.ts),
 * the MQTT client against a broker that stops reading (bench/bounds/mqtt-slow-broker.ts).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PARTS = ['bench/bounds/wot-hostile.ts', 'bench/bounds/mqtt-slow-broker.ts'];

let failed = 0;
for (const part of PARTS) {
  console.log(`\n## ${part}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, part)], { cwd: ROOT, stdio: 'inherit', timeout: 15 * 60_000 });
  if (r.status !== 0) {
    failed++;
    console.log(`${part} failed (exit ${r.status ?? r.signal})`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
