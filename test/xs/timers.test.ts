/**
 * Issue 11, items 1–8 (timers, long waits, wrap-around, bad readings), on Node
 * and on a real XS machine: the outputs must be identical, and each engine's
 * output must show the fixed behaviour.
 */
import { join } from 'node:path';
import { scenarios } from '../scenarios/timers';
import { runOnNode, runOnXs, type ScenarioOutput } from './xs-scenarios';

const FILE = join(__dirname, '../scenarios/timers.ts');
const names = Object.keys(scenarios);
let xs: ScenarioOutput;
const node: ScenarioOutput = {};

beforeAll(() => {
  xs = runOnXs(FILE, names);
  for (const name of names) node[name] = runOnNode(scenarios, name);
}, 180_000);

describe('timer scenarios: XS prints exactly what Node prints', () => {
  test.each(names)('%s', (name) => {
    expect(node[name].length).toBeGreaterThan(0);
    expect(node[name].some((l) => l.startsWith('THREW'))).toBe(false);
    expect(xs[name]).toEqual(node[name]);
  });
});

const engines: [string, () => ScenarioOutput][] = [['Node', () => node], ['XS', () => xs]];

describe.each(engines)('on %s', (_engine, output) => {
  const lines = (prefix: string) => output()[names.find((n) => n.startsWith(prefix))!];

  test('1. a timed filter abandoned by its consumer disposes its timer: the scheduler stops', () => {
    const out = lines('1.');
    expect(out).toHaveLength(4);
    for (const line of out) {
      expect(line).toMatch(/: got 2 pending 0 running false wakes \d+$/);
      expect(Number(line.split(' ').pop())).toBeLessThanOrEqual(20); // not one wake per buffer window for the rest of the hour
    }
  });

  test('2. throttle on a 2^32-tick clock lets events through after 30 days of quiet', () => {
    const out = lines('2.');
    expect(out[out.length - 1]).toBe('passed 21 dropped 0');
    expect(out).toContain('passed day 30');
    expect(out).toContain('passed day 49');
  });

  test('3. a 30-day timeout fires at day 30; a 30-day interval samples at days 0, 30, 60, 90', () => {
    const out = lines('3.');
    expect(out.filter((l) => l.startsWith('timeout'))).toEqual(['timeout TimeoutError: no event within 2592000 s at day 30']);
    expect(out.filter((l) => l.startsWith('monthly'))).toEqual([0, 30, 60, 90].map((d, i) => `monthly sample ${i + 1} at day ${d} ts ${d}`));
    expect(out[out.length - 1]).toMatch(/^day 91: samples 4 wakes \d+ elapsed 90$/);
  });

  test('5. late wakes on an interval just under half the period keep elapsed time and timestamps right', () => {
    const samples = lines('5.').filter((l) => l.startsWith('sample')).map((l) => l.split(' ').filter((_, i) => i % 2 === 0 && i > 0).map(Number));
    expect(samples.length).toBe(4);
    let previous = -1;
    for (const [elapsed, tsMs, clockMs] of samples) {
      expect(elapsed).toBe(clockMs);
      expect(tsMs).toBe(clockMs);
      expect(elapsed).toBeGreaterThan(previous);
      previous = elapsed;
    }
    expect(samples.map((s) => s[0] - (s[0] % 1000))).toEqual([0, 2147483000, 4294967000, 6442450000]);
  });

  test('6a. a throwing timer callback is reported; the scheduler keeps sampling', () => {
    const out = lines('6a.');
    expect(out.filter((l) => l.startsWith('reported:'))).toHaveLength(1);
    expect(out[0]).toContain('RangeError: timer bug');
    expect(out[out.length - 1]).toBe('samples 6 running true fatal undefined timer armed false');
  });

  test('6b. a timed filter whose timer throws ends its branch with the error; the sibling keeps getting events', () => {
    expect(lines('6b.')).toEqual(['faulty 1', 'faulty 2', 'faulty error RangeError: timer bug at 1500', 'ok 5 running true fatal undefined']);
  });

  test('7. a device released by a sibling sink in the same wake is not read again', () => {
    const out = lines('7.');
    expect(out.filter((l) => l.includes('AFTER RELEASE'))).toEqual([]);
    expect(out).toContain('released b and b2 at 1000');
    expect(out[out.length - 1]).toBe('pending 1');
  });

  test('8. non-finite readings are dropped and counted; kalman, runningAvg and SlidingMean stay finite', () => {
    const out = lines('8.');
    for (const name of ['kalman', 'runningAvg', 'slidingMean']) {
      const values = out.filter((l) => l.startsWith(`${name} `)).map((l) => Number(l.split(' ')[1]));
      expect(values).toHaveLength(10);
      for (const v of values) expect(Number.isFinite(v)).toBe(true);
    }
    expect(out.filter((l) => l.startsWith('runningAvg ')).slice(-1)).toEqual(['runningAvg 10.8']);
    expect(out[out.length - 1]).toBe('nonFinite kalman 3 runningAvg 3 slidingMean 3');
  });
});
