/**
 * The WoT runtime on a real XS machine (dist/thingflow.xs.js in @agoric/xsnap):
 * every scenario prints exactly what it prints on Node, with and without
 * xsnap's host globals.
 */
import { join } from 'node:path';
import { scenarios } from './wot-scenarios';
import { runOnNode, runOnXs, type ScenarioOutput } from '../../xs/xs-scenarios';

const FILE = join(__dirname, 'wot-scenarios.ts');
const names = Object.keys(scenarios);
let xs: ScenarioOutput;
let bare: ScenarioOutput;

beforeAll(() => {
  xs = runOnXs(FILE, names);
  bare = runOnXs(FILE, names, { bare: true });
}, 120_000);

describe('WoT scenarios: XS prints exactly what Node prints', () => {
  test.each(names)('%s', (name) => {
    const node = runOnNode(scenarios, name);
    expect(node.length).toBeGreaterThan(3);
    expect(node.some((l) => l.startsWith('THREW'))).toBe(false);
    expect(xs[name]).toEqual(node);
    expect(bare[name]).toEqual(node);
  });
});

describe('WoT behaviour (as printed on XS)', () => {
  test('status codes of the REST routes', () => {
    const codes = xs['REST routes and status codes'].filter((l) => l.includes(' → ')).map((l) => l.replace(/^(\S+ \S+) → (\d+).*$/, '$1 $2'));
    expect(codes).toEqual([
      'GET /properties 200', 'GET /properties/brightness 200', 'PUT /properties/brightness 200', 'PUT /properties/brightness 400',
      'PUT /properties/brightness 400', 'PUT /properties/brightness 400', 'GET /properties/volume 404', 'DELETE /properties/on 405',
      'GET / 403', 'OPTIONS /actions 204', 'POST /actions 201', 'GET /actions/fade/<id> 200', 'GET /properties/brightness 200',
      'GET /events 200', 'POST /actions 400', 'POST /actions 404', 'DELETE /actions/fade/<id> 204', 'GET /actions/fade/<id> 404',
    ]);
    expect(xs['REST routes and status codes']).toContain('GET /properties/brightness → 200 {"brightness":20}');
  });

  test('WebSocket: propertyStatus, errors, action statuses, events; nothing after close', () => {
    const lines = xs['WebSocket session messages'];
    expect(lines[0]).toBe('← {"messageType":"propertyStatus","data":{"brightness":33}}');
    expect(lines.filter((l) => l.includes('"actionStatus"')).map((l) => /"status":"(\w+)"/.exec(l)![1])).toEqual(['created', 'pending', 'completed']);
    expect(lines.some((l) => l.includes('"messageType":"event"') && l.includes('"data":102'))).toBe(true);
    expect(lines).toContain('subscribers after close 0');
    expect(lines).toContain('socket at /properties: 404');
  });

  test('flows: readings drive the property, bad ones are reported, events raised, LED follows writes not syncs', () => {
    const lines = xs['flows in and out of a thing'];
    expect(lines.filter((l) => l.startsWith('led'))).toEqual(['led false', 'led false']);
    expect(lines.filter((l) => l.startsWith('reported'))).toHaveLength(1);
    expect(lines[lines.length - 1]).toMatch(/^brightness 13 events \[\{"overheated":\{"timestamp":"<time>","data":101\}\}\]$/);
  });
});
