/** The MQTT scenarios on Node and on a real XS machine: identical output. */
import { join } from 'node:path';
import { runOnNode, runOnXs, type ScenarioOutput } from '../../xs/xs-scenarios';
import { scenarios } from './xs-scenarios';

const names = Object.keys(scenarios);
let xs: ScenarioOutput;

beforeAll(() => {
  xs = runOnXs(join(__dirname, 'xs-scenarios.ts'), names);
});

test.each(names)('XS prints exactly what Node prints: %s', (name) => {
  const node = runOnNode(scenarios, name);
  expect(node.length).toBeGreaterThan(0);
  expect(node.join('\n')).not.toMatch(/THREW/);
  expect(xs[name]).toEqual(node);
});

test('the scripted client run shows keep-alive death at 1.5 x keep-alive and a DUP resend after reconnect', () => {
  const lines = runOnNode(scenarios, names[3]);
  expect(lines).toContain('broker stays silent');
  expect(lines).toContain('client close keepalive timeout: nothing heard from broker:1883 for 1.5 x 10 s');
  expect(lines).toContain('t=15000 state waiting');
  expect(lines).toContain('broker got publish data/t q1 dup=true id=4 7B');
  expect(lines).toContain('state connected connections 2 inflight 0 resent 1');
  expect(lines.indexOf('broker got publish data/t q1 dup=true id=4 7B')).toBeLessThan(lines.indexOf('client connect #2'));
});
