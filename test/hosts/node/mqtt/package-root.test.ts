/** On Node the package root registers the `net` transport: a MqttClient needs no `network` option. */
import * as root from '../../../../hosts/node/index';
import { startBroker, type TestBroker } from '../../../support/brokers';

let broker: TestBroker;
beforeAll(async () => { broker = await startBroker('aedes'); });
afterAll(async () => { await broker.stop(); });

test('MqttClient from the package root connects over TCP by default', async () => {
  const c = new root.MqttClient({ host: '127.0.0.1', port: broker.port });
  expect(root.defaultMqttNetwork()).toBe(root.nodeMqttNetwork);
  const got: string[] = [];
  c.on('message', (_t: string, p: Uint8Array) => got.push(Buffer.from(p).toString()));
  c.subscribe('root/t', { qos: 1 });
  c.connect();
  await new Promise<void>((r) => c.on('connect', () => r()));
  while (c.awaitingSuback > 0) await new Promise((r) => setTimeout(r, 10));
  c.publish('root/t', 'via net', { qos: 1 });
  const until = Date.now() + 5000;
  while (got.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  c.end();
  expect(got).toEqual(['via net']);
  expect(typeof root.startEmbeddedBroker).toBe('function');
});
