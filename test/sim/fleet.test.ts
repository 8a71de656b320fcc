/**
 * A simulated fleet against real brokers: every device its own board, scheduler and MQTT client;
 * the gateway's flow notices a device whose network drops (missing), its will marks its proxy
 * disconnected, and it comes back; nothing sent at QoS 1 is lost. A broker outage under the fleet
 * (embedded broker): every device back, with a bounded reconnect rate, nothing lost.
 */
import { runFleet, type FleetResult } from '../../sim/fleet';
import fleetDevice from '../../examples/fleet-device';
import { startFleetGateway, type FleetGateway } from '../../examples/fleet-gateway';
import { setErrorReporter } from '../../runtime/core/report-error';
import { availableBrokers, startBroker, type TestBroker } from '../support/brokers';
import { request } from '../hosts/node/wot/http-client';

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const reported: string[] = [];
beforeAll(() => setErrorReporter((m, e) => reported.push(`${m} ${String(e)}`)));
afterAll(() => setErrorReporter(undefined));

describe.each(availableBrokers())('a fleet of 12 boards and its gateway on %s', (brokerName) => {
  let broker: TestBroker;
  let gw: FleetGateway;
  beforeAll(async () => {
    broker = await startBroker(brokerName);
    gw = await startFleetGateway({ host: '127.0.0.1', port: broker.port, summaryEverySec: 0.5, missingAfterSec: 2 });
  });
  afterAll(async () => {
    await gw?.close();
    await broker?.stop();
  });

  test('the gateway sees every device, notices the one whose network drops, and nothing is lost', async () => {
    const lostDevice = 'urn:dev:thingflow-xs:fleet:dev-0004';
    const run = runFleet(fleetDevice, {
      devices: 12, broker: `mqtt://127.0.0.1:${broker.port}`, durationMs: 14 * 60_000, speed: 60, seed: 7,
      // dev-0004 loses its network from minute 4 to minute 9 (4 s to 9 s of real time).
      networkOutages: [{ device: 3, atMs: 4 * 60_000, forMs: 5 * 60_000 }],
      mqtt: { keepalive: 2, reconnect: { minMs: 100, maxMs: 500 } },
    });
    let result: FleetResult | undefined;
    void run.then((r) => { result = r; });
    const summary = gw.summary;

    await waitFor('all 12 devices reporting', () => summary.getProperty('reporting') === 12);
    await waitFor('12 device proxies', () => gw.gateway.deviceCount === 12);
    const index = (await request(gw.server.port, 'GET', '/')).json;
    expect(index).toHaveLength(13);
    expect(index[0].title).toBe('Fleet summary');

    await waitFor('dev-0004 missing', () => (summary.getProperty('missingIds') as string[]).includes('dev-0004'));
    expect(summary.getProperty('missing')).toBe(1);
    await waitFor('its will', () => gw.gateway.proxyFor(lostDevice)!.getProperty('connected') === false);
    const href = gw.gateway.proxyFor(lostDevice)!.getHref();
    expect((await request(gw.server.port, 'GET', `${href}/properties/connected`)).json).toEqual({ connected: false });

    await waitFor('dev-0004 back', () => gw.gateway.proxyFor(lostDevice)!.getProperty('connected') === true && summary.getProperty('reporting') === 12);
    await waitFor('the run to end', () => result !== undefined, 30_000);
    const r = result!;
    expect(r.sent).toBeGreaterThan(12 * 10);
    expect(r.lost).toBe(0);
    expect(r.dropped).toBe(0);
    expect(r.received).toBe(r.sent + r.duplicates);
    expect(r.reconnects).toBeGreaterThanOrEqual(1);
    expect(r.svg).toContain('Devices connected');
  }, 60_000);
});

describe.each(availableBrokers())('the whole fleet through a broker outage on %s', (brokerName) => {
  let broker: TestBroker;
  beforeEach(async () => { broker = await startBroker(brokerName); });
  afterEach(async () => { await broker?.stop(); });

  test('every device comes back (jittered back-off, peak reconnect rate measured) and nothing sent at QoS 1 is lost', async () => {
    const r = await runFleet(fleetDevice, {
      devices: 100, broker: `mqtt://127.0.0.1:${broker.port}`, durationMs: 6 * 60_000, speed: 60, seed: 3,
      brokerOutages: [{ atMs: 60_000, forMs: 60_000 }],
      brokerOutage: async (ms) => { await broker.outage(ms); await broker.persisted(); },
      mqtt: { reconnect: { minMs: 200, maxMs: 2000 } },
    });
    expect(r.recoveries).toHaveLength(1);
    expect(r.recoveries[0].backWithinMs).toBeLessThan(15_000);
    expect(r.reconnects).toBeGreaterThanOrEqual(100);
    expect(r.recoveries[0].peakReconnectsPerSecond).toBeGreaterThan(0);
    expect(r.lost).toBe(0);
    expect(r.dropped).toBe(0);
    expect(r.received - r.duplicates).toBe(r.sent);
  }, 60_000);

  test('a flaky tenth of the fleet reconnects again and again and still loses nothing', async () => {
    const r = await runFleet(fleetDevice, {
      devices: 40, broker: `mqtt://127.0.0.1:${broker.port}`, durationMs: 8 * 60_000, speed: 60, seed: 5,
      flaky: { fraction: 0.1, everyMs: 120_000, forMs: 30_000 },
      mqtt: { keepalive: 2, reconnect: { minMs: 100, maxMs: 500 } },
    });
    expect(r.reconnects).toBeGreaterThanOrEqual(4);
    expect(r.lost).toBe(0);
    expect(r.received - r.duplicates).toBe(r.sent);
  }, 60_000);
});
