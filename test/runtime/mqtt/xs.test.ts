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

// Issue 11 items 10 and 12: the attempt deadline covers an open that never answers, and a transport
// that closes synchronously (as Moddable's) still reports why the client gave up.
test('connectTimeoutMs bounds the whole attempt; a synchronous close keeps the keep-alive error', () => {
  const lines = runOnNode(scenarios, names[4]);
  expect(lines).toContain('t=1999 state opening');
  expect(lines).toContain('t=2000 client close could not open a connection to broker:1883 within 2000 ms');
  expect(lines).toContain('t=4075 client close no CONNACK from broker:1883 within 2000 ms');
  expect(lines).toContain('t=19150 client close keepalive timeout: nothing heard from broker:1883 for 1.5 x 10 s');
  expect(lines).not.toContain(expect.stringMatching(/client close undefined/));
  expect(lines).toContain('state ended timers 0');
});

// Issue 11 item 11, issue 16 item 7: no reconnect storm against a broker that accepts and drops.
test('the back-off keeps growing while a broker accepts and drops, and resets only after a stable period', () => {
  const lines = runOnNode(scenarios, names[5]);
  expect(lines).toContain('connections 9 connects 9 delays 75,150,300,600,1200,1200,1200,1200,1200');
  expect(lines).toContain('after a stable connection: delay 75');
});

// Issue 11 item 9: a kept session (sessionPresent = 1) gets the changes made offline.
test('with a kept session, subscribe and unsubscribe made offline reach the broker', () => {
  const lines = runOnNode(scenarios, names[6]);
  expect(lines.indexOf('t=75 broker #2 got subscribe b/+')).toBeGreaterThan(lines.indexOf('t=75 broker #2 got connect clean=false'));
  expect(lines).toContain('t=75 broker #2 got unsubscribe a/#');
  expect(lines.filter((l) => l.includes('subscribe keep'))).toEqual([]); // 'keep' was acknowledged: not sent again
  expect(lines).toContain('connected true connections 2');
});

// Issue 11 item 13, issue 16 items 6 and 7, on both engines.
test('decoder: packet identifier 0 refused, an oversize PUBLISH skipped with its topic, memory grows with the bytes', () => {
  const lines = runOnNode(scenarios, 'decode: packet identifier 0 refused; an oversize PUBLISH skipped with its topic; memory grows with the bytes');
  expect(lines.filter((l) => l.includes('packet identifier 0'))).toHaveLength(4);
  expect(lines.filter((l) => l === 'oversize big/t 3012B q1 id9')).toHaveLength(3);
  expect(lines.filter((l) => l === 'packet publish big/t 2B')).toHaveLength(3);
  expect(lines).toContain('5 bytes of a 1,000,006-byte packet: capacity 256');
  for (const l of lines.filter((x) => x.startsWith('chunks of'))) expect(Number(l.split(' ').pop())).toBeLessThanOrEqual(8192);
});

// A retained state supersedes its queued one; a connect listener's publish goes after what waited (on both engines).
test('offline, the queue keeps the newest readings and the last state; on connect it goes out before the listener\'s own publish', () => {
  const lines = runOnNode(scenarios, 'client: offline, a retained state supersedes its queued one; what a connect listener publishes goes after what waited');
  expect(lines.filter((l) => l.startsWith('dropped'))).toEqual(['dropped dev/lux 1 queue-full', 'dropped dev/lux 2 queue-full']);
  expect(lines).toContain('queued 3 superseded 3 dropped 2');
  expect(lines.filter((l) => l.includes('got publish'))).toEqual([
    't=0 broker #1 got publish dev/lux 3 q1', 't=0 broker #1 got publish dev/lux 4 q1',
    't=0 broker #1 got publish dev/values v4 q0 retain', 't=0 broker #1 got publish dev/availability online q1 retain',
  ]);
  expect(lines.indexOf('queued 0 superseded 3 dropped 2')).toBeGreaterThan(lines.indexOf('t=0 broker #1 got publish dev/availability online q1 retain'));
});
