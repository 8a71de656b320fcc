/**
 * The portable edges (recording formats, replay, async sink, push sources)
 * on Node and on a real XS machine: identical output.
 */
import { join } from 'node:path';
import { scenarios } from '../scenarios/edges';
import { runOnNode, runOnXs, type ScenarioOutput } from './xs-scenarios';

const FILE = join(__dirname, '../scenarios/edges.ts');
const names = Object.keys(scenarios);
let xs: ScenarioOutput;

beforeAll(() => {
  xs = runOnXs(FILE, names);
}, 180_000);

describe('edges scenarios: XS prints exactly what Node prints', () => {
  test.each(names)('%s', (name) => {
    const node = runOnNode(scenarios, name);
    expect(node.length).toBeGreaterThan(0);
    expect(xs[name]).toEqual(node);
  });
});

test('the CSV text is ThingFlow-Python\'s on XS too', () => {
  expect(xs['csv recording in ThingFlow-Python text'].slice(0, 3)).toEqual([
    'timestamp,datetime,sensor_id,value',
    '1420110060.0,2015-01-01T11:01:00,dining-room,1',
    '1764826123.456789,2025-12-04T05:28:43.456789,1,123.456',
  ]);
  expect(xs['csv recording in ThingFlow-Python text']).toContain('1e-07 1e+21 5e-324 -2.0 1234567.125');
});

test('debounce on XS: one event per press and release, bounce counted', () => {
  expect(xs['push source and debounced digital edges']).toEqual([
    'pushed 1', 'after close: 1', '1@100', '0@400', 'emitted 2, bounces 4',
  ]);
});
