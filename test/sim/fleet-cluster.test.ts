/**
 * Past one machine, with real mosquitto brokers: devices on one broker and the gateway on another,
 * joined by a mosquitto bridge; and gateway workers that split the fleet's readings with a shared
 * subscription ($share/{group}/fleet/+/lux), where a worker can be killed and another added with
 * no reading lost and none handled twice beyond QoS 1's duplicates.
 */
import { nodeMqttNetwork } from '../../hosts/node/mqtt-tcp';
import { MqttClient } from '../../runtime/mqtt/client/mqtt-client';
import { setErrorReporter } from '../../runtime/core/report-error';
import { runFleet, type FleetResult } from '../../sim/fleet';
import { FaultyNetwork } from '../../sim/faulty-network';
import fleetDevice from '../../examples/fleet-device';
import { startFleetGateway } from '../../examples/fleet-gateway';
import { MOSQUITTO, startBroker, type TestBroker } from '../support/brokers';
import { needTool } from '../support/system-tools';
import { request } from '../hosts/node/wot/http-client';

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const describeMosquitto = needTool(MOSQUITTO, 'the bridge and shared-subscription tests') ? describe : describe.skip;

beforeAll(() => setErrorReporter(() => {}));
afterAll(() => setErrorReporter(undefined));

describeMosquitto('two mosquitto brokers joined by a bridge: devices on one, the gateway on the other', () => {
  let gatewayBroker: TestBroker;
  let deviceBroker: TestBroker;
  beforeAll(async () => {
    gatewayBroker = await startBroker('mosquitto');
    deviceBroker = await startBroker('mosquitto', {
      extraConfig: [
        'connection to-gateway',
        `address 127.0.0.1:${gatewayBroker.port}`,
        'bridge_protocol_version mqttv311',
        'cleansession false',
        'topic fleet/# out 1',
        'topic things/# both 1',
      ],
    });
  });
  afterAll(async () => {
    await deviceBroker?.stop();
    await gatewayBroker?.stop();
  });

  test('the gateway across the bridge sees every device and its writes reach them', async () => {
    const gw = await startFleetGateway({ host: '127.0.0.1', port: gatewayBroker.port, summaryEverySec: 0.5, missingAfterSec: 3 });
    try {
      let result: FleetResult | undefined;
      void runFleet(fleetDevice, {
        devices: 10, broker: `mqtt://127.0.0.1:${deviceBroker.port}`, durationMs: 8 * 60_000, speed: 60, seed: 11,
      }).then((r) => { result = r; });
      await waitFor('10 devices reporting across the bridge', () => gw.summary.getProperty('reporting') === 10);
      await waitFor('10 proxies', () => gw.gateway.deviceCount === 10);
      const proxy = gw.gateway.proxyFor('urn:dev:thingflow-xs:fleet:dev-0002')!;
      const put = await request(gw.server.port, 'PUT', `${proxy.getHref()}/properties/led`, { body: JSON.stringify({ led: true }) });
      expect(put.status).toBe(200);
      // The write went gateway broker → bridge → device broker → device, whose new value came back the same way.
      await waitFor('the device to report led = true', () => proxy.getProperty('led') === true);
      await waitFor('the run to end', () => result !== undefined, 30_000);
      expect(result!.lost).toBe(0);
    } finally {
      await gw.close();
    }
  }, 60_000);
});

describeMosquitto('gateway workers sharing the fleet through $share/gateway/fleet/+/lux', () => {
  let broker: TestBroker;
  beforeAll(async () => { broker = await startBroker('mosquitto'); });
  afterAll(async () => { await broker?.stop(); });

  // mosquitto keeps routing a share to a member whose persistent session is offline (measured: 80 of
  // 272 readings waited in a killed worker's session): a worker that may die for good subscribes
  // with a clean session; one with a persistent session must come back under the same client id.
  test.each([
    ['clean sessions: worker b dies for good', true],
    ['persistent sessions: worker b dies and is restarted with its client id', false],
  ])('%s while worker c joins: every reading handled, none twice beyond QoS 1 duplicates', async (_name, clean) => {
    const handled = new Map<string, number>();
    const perWorker: number[] = [];
    const workers: { client: MqttClient; network: FaultyNetwork }[] = [];
    const addWorker = (name: string) => {
      const network = new FaultyNetwork(nodeMqttNetwork);
      const index = perWorker.push(0) - 1;
      const client = new MqttClient({ host: '127.0.0.1', port: broker.port, network, clientId: `worker-${name}-${clean ? 'c' : 'p'}-${process.pid}`, clean, keepalive: 2, reconnect: { minMs: 100, maxMs: 400 } });
      client.on('message', (_t: string, payload: Uint8Array) => {
        const [id, ts] = JSON.parse(Buffer.from(payload).toString()) as [string, number];
        const key = `${id}@${ts}`;
        handled.set(key, (handled.get(key) ?? 0) + 1);
        perWorker[index]++;
      });
      client.subscribe('$share/gateway/fleet/+/lux', { qos: 1 });
      client.connect();
      workers.push({ client, network });
      return workers[workers.length - 1];
    };
    const a = addWorker('a');
    const b = addWorker('b');
    await waitFor('two workers', () => a.client.connected && b.client.connected);

    let result: FleetResult | undefined;
    void runFleet(fleetDevice, { devices: 30, seed: clean ? 13 : 17, broker: `mqtt://127.0.0.1:${broker.port}`, durationMs: 10 * 60_000, speed: 60 })
      .then((r) => { result = r; });
    await new Promise((r) => setTimeout(r, 3000));
    // Worker b dies (its network drops, no DISCONNECT); worker c joins. b's session waits for it.
    b.network.cut();
    const c = addWorker('c');
    await new Promise((r) => setTimeout(r, 3000));
    // A persistent worker comes back (restarted, same client id): what the broker held for it arrives.
    if (!clean) b.network.restore();
    await waitFor('the run to end', () => result !== undefined, 40_000);
    await waitFor('every reading handled', () => handled.size >= result!.sent, 10_000).catch(() => {});
    for (const w of workers) w.client.end();

    const r = result!;
    const twice = [...handled.values()].filter((n) => n > 1).length;
    expect(handled.size).toBe(r.sent);
    // Each reading went to one worker: a repeat can only be a QoS 1 redelivery after b's connection dropped.
    expect(twice).toBeLessThanOrEqual(perWorker[1]);
    expect(perWorker[0]).toBeGreaterThan(0);
    expect(perWorker[2]).toBeGreaterThan(0);
  }, 90_000);
});
