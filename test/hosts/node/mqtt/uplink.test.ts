/** `openMqttUplink`, what the simulator's `--mqtt` flag calls. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { openMqttUplink } from '../../../../hosts/node/mqtt-broker';
import { MqttWriter } from '../../../../runtime/mqtt/mqtt-writer';
import { startBroker, type TestBroker } from '../../../support/brokers';

test("--mqtt embedded: an aedes broker in the process, events published to it", () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'embedded-uplink-run.ts')], {
    cwd: join(__dirname, '../../../..'), encoding: 'utf8', timeout: 30_000,
  });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout.trim())).toEqual({ url: 'mqtt://127.0.0.1:PORT', got: ['thingflow/lux ["lux-1", 1.5, 42]'] });
});

describe('--mqtt mqtt://host:port', () => {
  let broker: TestBroker;
  beforeAll(async () => { broker = await startBroker('aedes'); });
  afterAll(async () => { await broker.stop(); });

  test('connects to the given broker', async () => {
    const peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
    await peer.subscribeAsync('up/#', { qos: 1 });
    const got: string[] = [];
    peer.on('message', (_t, p) => got.push(p.toString()));
    const uplink = await openMqttUplink(`mqtt://127.0.0.1:${broker.port}`);
    expect(uplink.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(uplink.broker).toBeUndefined();
    new MqttWriter(uplink.client, 'up/x', { qos: 1 }).onNext({ sensorId: 1, ts: 2, val: 3 });
    const until = Date.now() + 5000;
    while (got.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await uplink.close();
    await peer.endAsync();
    expect(got).toEqual(['[1, 2, 3]']);
  });

  test('a bad spec is a clear error', async () => {
    await expect(openMqttUplink('tcp://x')).rejects.toThrow("--mqtt must be 'embedded' or mqtt://host[:port], got 'tcp://x'");
  });
});
