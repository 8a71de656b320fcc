/**
 * Our MQTT things against a ThingFlow-Python peer (paho-mqtt with
 * ThingFlow-Python's serialisation, python-peer.py), through a real broker.
 * Needs python3 with paho-mqtt (test/support/system-tools.ts: skipped with one line saying so, an
 * error under CI=true).
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { nodeMqttNetwork } from '../../../../hosts/node/mqtt-tcp';
import type { SensorEvent } from '../../../../runtime/core/input-thing';
import { MqttClient } from '../../../../runtime/mqtt/client/mqtt-client';
import { MqttReader } from '../../../../runtime/mqtt/mqtt-reader';
import { MqttWriter } from '../../../../runtime/mqtt/mqtt-writer';
import { startBroker, type TestBroker } from '../../../support/brokers';
import { PYTHON_PAHO } from '../../../support/python-paho';
import { needTool } from '../../../support/system-tools';

const PEER = join(__dirname, 'python-peer.py');
const python = needTool(PYTHON_PAHO, 'the ThingFlow-Python interop tests');
const withPython = python ? describe : describe.skip;

withPython('ThingFlow-Python peer (paho-mqtt)', () => {
  let broker: TestBroker;
  let client: MqttClient;
  beforeAll(async () => { broker = await startBroker('aedes'); });
  afterAll(async () => { await broker.stop(); });
  beforeEach(() => {
    client = new MqttClient({ host: '127.0.0.1', port: broker.port, network: nodeMqttNetwork });
    client.connect();
  });
  afterEach(() => client.end());

  test('MqttReader reads what ThingFlow-Python publishes as SensorEvents', async () => {
    const reader = new MqttReader<SensorEvent<unknown>>(client, 'py/out', { qos: 1 });
    const got: SensorEvent<unknown>[] = [];
    reader.connect((e) => got.push(e));
    await new Promise<void>((r) => client.on('connect', () => r()));
    while (client.awaitingSuback > 0) await new Promise((r) => setTimeout(r, 10));
    const r = spawnSync(python!, [PEER, String(broker.port), 'publish', 'py/out'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    const until = Date.now() + 5000;
    while (got.length < 2 && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
    expect(got).toEqual([
      { sensorId: 'lux-1', ts: 1478552600.25, val: 101.5 },
      { sensorId: 7, ts: 2, val: { a: [1, 2.5], on: true } },
    ]);
  });

  test('ThingFlow-Python reads what MqttWriter publishes, byte for byte as its own json.dumps', async () => {
    const peer = spawn(python!, [PEER, String(broker.port), 'subscribe', 'py/in', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: peer.stdout! });
    const out: string[] = [];
    const ready = new Promise<void>((r) => lines.on('line', (l) => { out.push(l); if (l === 'ready') r(); }));
    const exited = new Promise((r) => peer.on('exit', r));
    await ready;
    const writer = new MqttWriter<SensorEvent<unknown>>(client, 'py/in', { qos: 1 });
    writer.onNext({ sensorId: 'lux-1', ts: 1478552600.25, val: 101.5 });
    writer.onNext({ sensorId: 7, ts: 2.5, val: { a: [1, 2.5], on: true } });
    await exited;
    const got = JSON.parse(out[out.length - 1]);
    // Python's own json.dumps of the event it rebuilt is the very text we sent.
    for (const g of got) expect(g.text).toBe(g.redumped);
    for (const g of got) delete g.redumped;
    expect(got).toEqual([
      { sensor_id: 'lux-1', ts: 1478552600.25, val: 101.5, text: '["lux-1", 1478552600.25, 101.5]' },
      { sensor_id: 7, ts: 2.5, val: { a: [1, 2.5], on: true }, text: '[7, 2.5, {"a": [1, 2.5], "on": true}]' },
    ]);
  });
});
