/**
 * Every filter on Node and on a real XS machine: identical output asserted,
 * plus spot checks of what the filters must do.
 */
import { join } from 'node:path';
import { scenarios } from '../scenarios/filters';
import { runOnNode, runOnXs, type ScenarioOutput } from './xs-scenarios';

const FILE = join(__dirname, '../scenarios/filters.ts');
const names = Object.keys(scenarios);
let xs: ScenarioOutput;

// One child process runs every scenario in fresh XS machines; generous time for a loaded CI box.
beforeAll(() => {
  xs = runOnXs(FILE, names);
}, 180_000);

describe('filter scenarios: XS prints exactly what Node prints', () => {
  test.each(names)('%s', (name) => {
    const node = runOnNode(scenarios, name);
    expect(node.length).toBeGreaterThan(0);
    expect(node.some((l) => l.startsWith('THREW'))).toBe(false);
    expect(xs[name]).toEqual(node);
  });
});

describe('filter behaviour on XS', () => {
  const fluent = (name: string) => xs[name].filter((l) => l.startsWith('fluent ')).map((l) => l.slice('fluent '.length));

  test('map drops undefined and null', () => {
    expect(fluent('map and select; undefined and null are dropped').slice(0, 8)).toEqual(['30', '40', '50', '20', '60', '50', '30', 'completed']);
  });

  test('runningAvg(3) is the mean of the last three, fewer while filling', () => {
    const avgs = fluent('runningAvg over a window of 3, and 1').slice(0, 10).map(Number);
    const nums = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const expected = nums.map((_, i) => {
      const w = nums.slice(Math.max(0, i - 2), i + 1);
      return w.reduce((a, b) => a + b, 0) / w.length;
    });
    avgs.forEach((a, i) => expect(a).toBeCloseTo(expected[i], 12));
  });

  test('the lux example turns the LED on above the threshold and off again', () => {
    const lines = xs['the lux example: sensor → map → runningAvg(5) → map(threshold) → LED'];
    expect(lines.filter((l) => l.includes('LED on')).length).toBeGreaterThan(0);
    expect(lines[lines.length - 2]).toBe('LED stream completed');
  });

  test('a user function that throws ends only its branch; siblings at the fan-out carry on', () => {
    const lines = xs['a throwing user function ends its own branch only; a lone chain releases its source'];
    for (const f of ['map', 'where', 'scan']) expect(lines.filter((l) => l.startsWith(`${f} error`))).toEqual([`${f} error RangeError: cannot take 2`]);
    expect(lines.filter((l) => l.startsWith('raw'))).toEqual(['raw 1', 'raw 2', 'raw 3', 'raw 4', 'raw completed']);
    expect(lines).toContain('lone source abandoned true');
  });

  test('timeout ends the stream with a TimeoutError after the last event', () => {
    const lines = xs['timeout errors when nothing arrives in time'];
    expect(lines).toContain('timeout error TimeoutError: no event within 2.5 s');
  });
});
