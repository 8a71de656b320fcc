/**
 * MqttWriter and MqttReader in flows, through a real broker, with MQTT.js
 * standing in for a ThingFlow-Python peer (it sends and checks the exact
 * text `json.dumps(SensorEvent(...))` produces).
 */
import mqtt from 'mqtt';
import { NodeClock } from '../../../../hosts/node/clock';
import { nodeMqttNetwork } from '../../../../hosts/node/mqtt-tcp';
import { fromIterable } from '../../../../runtime/core/from-iterable';
import type { SensorEvent } from '../../../../runtime/core/input-thing';
import { setErrorReporter } from '../../../../runtime/core/report-error';
import { MqttClient } from '../../../../runtime/mqtt/client/mqtt-client';
import { MqttReader } from '../../../../runtime/mqtt/mqtt-reader';
import { MqttWriter } from '../../../../runtime/mqtt/mqtt-writer';
import { Scheduler } from '../../../../runtime/scheduler/scheduler';
import { startBroker, type TestBroker } from '../../../support/brokers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let broker: TestBroker;
let client: MqttClient;
let peer: mqtt.MqttClient;
const reported: string[] = [];

beforeAll(async () => {
  broker = await startBroker('aedes');
  peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
  setErrorReporter((message) => reported.push(message));
});
afterAll(async () => {
  setErrorReporter(undefined);
  await peer.endAsync();
  await broker.stop();
});
beforeEach(() => {
  client = new MqttClient({ host: '127.0.0.1', port: broker.port, network: nodeMqttNetwork, keepalive: 5 });
  client.connect();
});
afterEach(() => client.end());

test('a scheduled flow publishes its events in the ThingFlow-Python JSON form', async () => {
  const texts: string[] = [];
  await peer.subscribeAsync('things/lux', { qos: 1 });
  peer.on('message', (topic, payload) => { if (topic === 'things/lux') texts.push(payload.toString()); });
  const events: SensorEvent[] = [
    { sensorId: 'lux-1', ts: 1.5, val: 42 },
    { sensorId: 'lux-1', ts: 2.5, val: 40.25 },
    { sensorId: 7, ts: 3.5, val: -1 },
  ];
  const scheduler = new Scheduler(new NodeClock());
  const source = fromIterable(events);
  source.connect(new MqttWriter<SensorEvent>(client, 'things/lux', { qos: 1 }));
  scheduler.schedulePeriodic(source, 0.01);
  scheduler.run();
  await waitFor('3 messages at the peer', () => texts.length === 3);
  expect(texts).toEqual(['["lux-1", 1.5, 42]', '["lux-1", 2.5, 40.25]', '[7, 3.5, -1]']);
});

test("MqttReader turns ThingFlow-Python's messages into SensorEvents; a bad one is reported and skipped", async () => {
  const reader = new MqttReader<SensorEvent>(client, 'things/in/+', { qos: 1 });
  const got: SensorEvent[] = [];
  let completed = false;
  reader.connect({ onNext: (e) => got.push(e), onCompleted: () => { completed = true; }, onError: () => {} });
  await waitFor('SUBACK', () => client.connected && client.awaitingSuback === 0);
  await peer.publishAsync('things/in/a', '["lux-1", 1478552600.25, 101.5]', { qos: 1 });
  await peer.publishAsync('things/in/b', '{not json', { qos: 1 });
  await peer.publishAsync('things/other', '["x", 1, 2]', { qos: 1 }); // outside the filter
  await peer.publishAsync('things/in/c', '[3, 1.0, NaN]', { qos: 1 });
  await waitFor('2 events', () => got.length === 2);
  expect(got[0]).toEqual({ sensorId: 'lux-1', ts: 1478552600.25, val: 101.5 });
  expect(got[1].sensorId).toBe(3);
  expect(got[1].val).toBeNaN();
  expect(reader.decodeErrors).toBe(1);
  expect(reported.some((m) => m.includes("MqttReader(things/in/+) could not decode a message on 'things/in/b'"))).toBe(true);
  reader.close();
  expect(completed).toBe(true);
  await sleep(100);
  await peer.publishAsync('things/in/d', '["late", 1, 2]', { qos: 1 });
  await sleep(200);
  expect(got).toHaveLength(2);
});

test('writer and reader round trip through the broker with custom encode/decode', async () => {
  const reader = new MqttReader<number>(client, 'things/raw', { qos: 1, decode: (p) => p[0] * 256 + p[1] });
  const got: number[] = [];
  reader.connect((n) => got.push(n));
  const writer = new MqttWriter<number>(client, 'things/raw', { qos: 1, encode: (n) => Uint8Array.of(n >> 8, n & 0xff) });
  await waitFor('SUBACK', () => client.connected && client.awaitingSuback === 0);
  for (const n of [1, 300, 65535]) writer.onNext(n);
  await waitFor('3 values', () => got.length === 3);
  expect(got).toEqual([1, 300, 65535]);
});

test('closing one of two readers on the same filter keeps the subscription for the other', async () => {
  const a = new MqttReader<unknown>(client, 'things/shared', { qos: 1 });
  const b = new MqttReader<unknown>(client, 'things/shared', { qos: 1 });
  const gotB: unknown[] = [];
  b.connect((x) => gotB.push(x));
  await waitFor('SUBACK', () => client.connected && client.awaitingSuback === 0);
  a.close();
  await sleep(100); // room for an UNSUBSCRIBE to take effect, were one (wrongly) sent
  await peer.publishAsync('things/shared', '{"n": 1}', { qos: 1 });
  await waitFor('b gets the message', () => gotB.length === 1);
  expect(gotB).toEqual([{ n: 1 }]);
  b.close();
});
