/**
 * Push sources on the real XS engine (deterministic heap-slot counts, as in
 * allocation.test.ts): a debounced Digital edge source allocates only its
 * event per accepted edge (the same 4 slots as a sensor's event), bounce
 * allocates nothing, and a push source allocates nothing of its own.
 */
import { join } from 'node:path';
import { meterInChild, type Meter } from './meter-in-child';

const NAMES = [
  'edges: digital pin toggled, no source',
  'edges: digital edge source -> sink',
  'edges: digital edge source, bounce absorbed',
  'edges: push source -> sink',
];

let meters: Record<string, Meter>;

beforeAll(() => {
  meters = meterInChild([join(__dirname, 'edge-pipelines.js')], NAMES);
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
