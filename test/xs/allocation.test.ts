/**
 * The allocation claims, measured on the real XS engine (deterministic slot
 * counts, not time): per event, the lux pipeline allocates only the event
 * object its source creates (4 slots), no filter stage allocates, and the
 * live heap does not grow over a long run. Computrons are reported by
 * `npm run bench:xs`, not asserted here.
 */
import { join } from 'node:path';
import { meterInChild, type Meter } from './meter-in-child';

const ZERO_ALLOCATION_FILTERS = ['map', 'where', 'scan', 'reduce', 'take', 'skip', 'takeLast', 'last', 'some', 'runningAvg',
  'transduce(SlidingMean(5))', 'transduce(PeriodicMedian(5))', 'dispatch', 'passthrough', 'outputCount', 'kalman',
  'distinctUntilChanged', 'deadband', 'hysteresis'];
const ZERO_ALLOCATION_TIMED = ['timeout', 'supplyEventWhenTimeout', 'throttle'];
const PIPELINES = [
  'thingflow: lux pipeline',
  'thingflow: source -> sink',
  'thingflow: lux pipeline, scheduled (VirtualClock wake per event)',
  'filter base: counter -> sink',
  'timed filter base: scheduled counter -> sink',
  ...ZERO_ALLOCATION_FILTERS.map((f) => `filter: ${f}`),
  ...ZERO_ALLOCATION_TIMED.map((f) => `timed filter: ${f}`),
];

let meters: Record<string, Meter>;

beforeAll(() => {
  meters = meterInChild([join(__dirname, '../../bench/xs/pipelines.js')], PIPELINES);
}, 300_000);

test('every batch was exactly linear in its size (no gc inside a measured batch)', () => {
  for (const name of PIPELINES) expect({ name, linear: meters[name].linear }).toEqual({ name, linear: true });
});

test('the sensor source allocates exactly its 4-slot event per sample', () => {
  expect(meters['thingflow: source -> sink'].slots).toBe(4);
});

test('the lux pipeline allocates nothing per event beyond the source event, also when the scheduler drives it', () => {
  expect(meters['thingflow: lux pipeline'].slots).toBe(4);
  expect(meters['thingflow: lux pipeline, scheduled (VirtualClock wake per event)'].slots).toBe(4);
});

test.each(ZERO_ALLOCATION_FILTERS)('filter %s allocates nothing per event', (f) => {
  expect(meters[`filter: ${f}`].slots - meters['filter base: counter -> sink'].slots).toBe(0);
});

test.each(ZERO_ALLOCATION_TIMED)('scheduled filter %s allocates nothing per event (timer re-armed in place)', (f) => {
  expect(meters[`timed filter: ${f}`].slots - meters['timed filter base: scheduled counter -> sink'].slots).toBe(0);
});

test('the live heap after 20,000 events equals the heap after 1,000, for every pipeline', () => {
  for (const name of PIPELINES) expect({ name, growth: meters[name].heldGrowth }).toEqual({ name, growth: 0 });
});
