/**
 * Tracing on Node and on a real XS machine: identical output asserted, plus
 * what each scenario is for.
 */
import { join } from 'node:path';
import { scenarios } from '../scenarios/trace';
import { runOnNode, runOnXs, type ScenarioOutput } from './xs-scenarios';

const FILE = join(__dirname, '../scenarios/trace.ts');
const names = Object.keys(scenarios);
let xs: ScenarioOutput;

beforeAll(() => {
  xs = runOnXs(FILE, names);
}, 180_000);

describe('trace scenarios: XS prints exactly what Node prints', () => {
  test.each(names)('%s', (name) => {
    const node = runOnNode(scenarios, name);
    expect(node.length).toBeGreaterThan(0);
    expect(node.some((l) => l.startsWith('THREW'))).toBe(false);
    expect(xs[name]).toEqual(node);
  });
});

describe('tracing on XS', () => {
  test('counts, last values and times per connection; stop() leaves the flow running untraced', () => {
    const lines = xs['a traced flow counts each connection and passes every event on'];
    expect(lines[0]).toBe('traced 2 connections');
    const graph = JSON.parse(lines[4]);
    expect(graph.edges).toEqual([
      { from: 0, to: 1, port: 'default', inPort: 'default', count: 3, errors: 0, state: 'open', last: '3', lastAtMs: 3000 },
      { from: 1, to: 2, port: 'default', inPort: 'default', count: 3, errors: 0, state: 'open', last: '6', lastAtMs: 3000 },
    ]);
    expect(lines).toContain('led next 8');
    expect(lines[lines.length - 1]).toBe('after stop: {"nodes":[],"edges":[]}');
  });

  test('an error ends its branch (both edges say so), the sibling completes, closed things are marked', () => {
    const lines = xs['an error and a completion show on their connections'];
    const edges = lines.filter((l) => l.startsWith('{"from"')).map((l) => JSON.parse(l));
    expect(edges.map((e) => [e.from, e.to, e.count, e.state, e.error])).toEqual([
      [0, 1, 2, 'error', 'Error: too big'], [0, 3, 2, 'completed', undefined], [1, 2, 1, 'error', 'Error: too big'],
    ]);
    expect(JSON.parse(lines[lines.length - 1]).map((n: any) => [n.name, n.kind, n.closed])).toEqual([
      ['src', 'source', true], ['picky', 'filter', true], ['a', 'sink', false], ['b', 'sink', false],
    ]);
  });

  test('the printer gives time, ports, names and value', () => {
    expect(xs['the trace printer prints each event as it crosses']).toEqual([
      '1.500s sensor.default → end.default: lux: 12.35',
      'end next {"sensorId":"lux","ts":1,"val":12.3456}',
      '1.500s sensor.default → end.default: error Error: bus hung',
      'end error bus hung',
    ]);
  });
});
