/**
 * Every XS conformance scenario on Node with the runtime preloaded as on a
 * board (test/support/board-preload.ts: the Maps and Sets its modules make
 * while loading are read-only afterwards, and what they made and the
 * built-ins are frozen, as Moddable's preload leaves them; xsnap has no
 * preload, so the XS suites cannot show it): each prints what it prints on
 * plain Node. A write to a preloaded table fails here with "read-only Map
 * instance", as the MQTT client's reconnection did on the emulated Pico W,
 * and `this.name = 'X'` in an Error subclass with "Cannot assign to read only
 * property 'name'", as a refused property write did there. (A preload also
 * makes never-assigned module `let`s constant: not modelled here.)
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ScenarioTable } from '../scenarios/scenario';
import { runOnNode } from './xs-scenarios';

const FILES = ['core', 'door', 'edges', 'filters', 'scheduler', 'timers', 'trace'].map((f) => join(__dirname, '../scenarios', `${f}.ts`))
  .concat(['mqtt/xs-scenarios.ts', 'wot/wot-scenarios.ts', 'sensors/xs-scenarios.ts'].map((f) => join(__dirname, '../runtime', f)));

let preloaded: Record<string, string[]>;
beforeAll(() => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '../support/preloaded-scenarios.ts'), JSON.stringify(FILES)], { encoding: 'utf8', timeout: 170_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`the preloaded run failed (${r.status}): ${r.stderr}`);
  preloaded = JSON.parse(r.stdout) as Record<string, string[]>;
}, 180_000);

const cases = FILES.flatMap((file) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { scenarios } = require(file) as { scenarios: ScenarioTable };
  return Object.keys(scenarios).map((name) => [`${file.split('/').slice(-2).join('/')}: ${name}`, file, name, scenarios] as const);
});

test.each(cases)('%s', (_label, file, name, scenarios) => {
  expect(preloaded[`${file}#${name}`]).toEqual(runOnNode(scenarios, name));
});
