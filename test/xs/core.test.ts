/**
 * Core scenarios on Node and on a real XS machine: identical output asserted,
 * plus the behaviour each scenario exists to show.
 */
import { join } from 'node:path';
import { scenarios } from '../scenarios/core';
import { runOnNode, runOnXs, type ScenarioOutput } from './xs-scenarios';

const FILE = join(__dirname, '../scenarios/core.ts');
const names = Object.keys(scenarios);
let xs: ScenarioOutput;

// One child process runs every scenario in fresh XS machines; generous time for a loaded CI box.
beforeAll(() => {
  xs = runOnXs(FILE, names);
}, 180_000);

describe('core scenarios: XS prints exactly what Node prints', () => {
  test.each(names)('%s', (name) => {
    const node = runOnNode(scenarios, name);
    expect(node.length).toBeGreaterThan(0);
    expect(xs[name]).toEqual(node);
  });
});

describe('core behaviour on XS', () => {
  test('an error stays in its branch: siblings keep receiving, the thrower gets onError once', () => {
    const lines = xs['an error stays in its branch'];
    expect(lines).toContain('fragile error Error: fragile cannot take 2');
    expect(lines).not.toContain('fragile next 3');
    expect(lines).toContain('after next 4');
    expect(lines).toContain('before completed');
    expect(lines).not.toContain('fragile completed');
  });

  test('bad ports raise the FatalError subclasses by name', () => {
    const lines = xs['bad ports are fatal errors with clear messages'];
    expect(lines.find((l) => l.startsWith('connect to undeclared port'))).toMatch(/InvalidPortError: invalid output port 'b'/);
    expect(lines.find((l) => l.startsWith('dispatch to undeclared port'))).toMatch(/UnknownPortError/);
    expect(lines.find((l) => l.startsWith('dispatch after completed'))).toMatch(/PortAlreadyClosed/);
    expect(lines).toContain('isFatal true instanceof FatalError true PortAlreadyClosed true');
  });

  test('a thing disconnecting itself mid-dispatch does not disturb its siblings', () => {
    const lines = xs['disconnect, also from inside a dispatch'];
    expect(lines).toEqual([
      'a next 1', 'self next 1', 'c next 1',
      'self next 2', 'c next 2',
      'c next 3',
      'c completed',
    ]);
  });

  test('sensor read errors: skip mode counts them, strict mode ends the stream', () => {
    const lines = xs['sensor events, read errors and StopIteration'];
    expect(lines).toContain('read error i2c nack');
    expect(lines).toContain('skip completed');
    expect(lines).toContain('strict error Error: i2c nack');
    expect(lines.filter((l) => l.startsWith('strict next'))).toHaveLength(2);
  });
});
