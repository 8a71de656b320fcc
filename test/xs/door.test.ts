/**
 * The door detector exported by the offline analysis (examples/door-model.ts:
 * plain numbers and a loop, no library) runs on XS exactly as on Node. The
 * model file has no imports, so its text goes in front of the scenario file's
 * (test/scenarios/door.ts) and the one script runs on both engines.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioTable } from '../scenarios/scenario';
import { runOnNode, runOnXs, scenarioScript, type ScenarioOutput } from './xs-scenarios';

const MODEL = join(__dirname, '../../examples/door-model.ts');
const SCENARIOS = join(__dirname, '../scenarios/door.ts');
let dir: string;
let file: string;
let table: ScenarioTable;
let xs: ScenarioOutput;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'door-xs-'));
  file = join(dir, 'door-scenarios.ts');
  writeFileSync(file, `${readFileSync(MODEL, 'utf8')}\n${readFileSync(SCENARIOS, 'utf8')}`);
  // The same transpiled script on Node (with the TypeScript runtime as `tf`) as on XS.
  new Function(scenarioScript(file))();
  table = (globalThis as any).__scenarios;
  xs = runOnXs(file, Object.keys(table));
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the model file has no imports: it is plain numbers and a loop', () => {
  expect(readFileSync(MODEL, 'utf8')).not.toMatch(/^\s*import\b/m);
});

test('XS prints exactly what Node prints, for every split and a day of minutes', () => {
  for (const name of Object.keys(table)) {
    const node = runOnNode(table, name);
    expect(node.length).toBeGreaterThan(0);
    expect(xs[name]).toEqual(node);
  }
});

test('the flow on XS opens on tilt and raises "left open" after ten minutes open', () => {
  // The synthetic door swings open 3° a minute from minute 0 of every 3 hours and shuts at minute 60. The tree
  // splits at z < −2.09 m/s² (about 12° open): open from minute 5 to 59 of each cycle, 55 minutes, 8 cycles a day;
  // minute m is sampled at m × 60 s, so "left open" comes with the tenth open minute, minute 14, and ends at 60.
  const lines = xs['door flow: a day of minutes, open and left open'];
  const expected = ['0 min: left open false'];
  for (let c = 0; c < 8; c++) expected.push(`${c * 180 + 14} min: left open true`, `${c * 180 + 60} min: left open false`);
  expected.push('done: 440 of 1440 minutes open');
  expect(lines).toEqual(expected);
});
