/**
 * Push sources on the real XS engine (deterministic heap-slot counts, as in
 * allocation.test.ts): a debounced Digital edge source allocates only its
 * event per accepted edge (the same 4 slots as a sensor's event), bounce
 * allocates nothing, and a push source allocates nothing of its own.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { xsBundlePath } from './xs-scenarios';

interface Meter { slots: number; heldGrowth: number; linear: boolean; computrons: number }

const NAMES = [
  'edges: digital pin toggled, no source',
  'edges: digital edge source -> sink',
  'edges: digital edge source, bounce absorbed',
  'edges: push source -> sink',
];

let meters: Record<string, Meter>;

beforeAll(() => {
  const child = spawnSync(process.execPath, [join(__dirname, 'measure-scripts.mjs')], {
    input: JSON.stringify({ bundle: xsBundlePath(), scripts: [join(__dirname, 'edge-pipelines.js')], names: NAMES, longRun: 20_000 }),
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    timeout: 290_000,
  });
  if (child.status !== 0) throw new Error(`metering failed: ${child.stderr}`);
  meters = JSON.parse(child.stdout);
}, 300_000);

test('every batch was exactly linear in its size (no gc inside a measured batch)', () => {
  for (const name of NAMES) expect({ name, linear: meters[name].linear }).toEqual({ name, linear: true });
});

test('a debounced Digital edge source allocates only its 4-slot event per edge, beyond the pin toggling', () => {
  expect(meters['edges: digital edge source -> sink'].slots - meters['edges: digital pin toggled, no source'].slots).toBe(4);
});

test('contact bounce inside the debounce window allocates nothing', () => {
  expect(meters['edges: digital edge source, bounce absorbed'].slots - meters['edges: digital pin toggled, no source'].slots).toBe(0);
});

test('a push source allocates nothing per pushed value', () => {
  expect(meters['edges: push source -> sink'].slots).toBe(0);
});

test('the live heap does not grow over a long run', () => {
  for (const name of NAMES) expect({ name, growth: meters[name].heldGrowth }).toEqual({ name, growth: 0 });
});
