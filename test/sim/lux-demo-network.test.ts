/**
 * The demo's --mqtt and --wot-port wiring, against a real broker (aedes, in a
 * child process since jest runs CommonJS) with MQTT.js as the subscriber, and
 * the real Web Thing server read over HTTP while the simulated day runs.
 * (`--mqtt embedded` is run through the CLI in cli.test.ts.)
 */
import mqtt from 'mqtt';
import luxDemo from '../../examples/lux-demo';
import { runSimulation } from '../../sim/run';
import { startBroker, type TestBroker } from '../support/brokers';

const HOUR = 3_600_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await pause(10);
  }
}

describe('the lux demo on the network', () => {
  let broker: TestBroker;
  let peer: mqtt.MqttClient;
  beforeAll(async () => {
    broker = await startBroker('aedes');
    peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
  });
  afterAll(async () => {
    await peer?.endAsync();
    await broker?.stop();
  });

  test('--mqtt <url> publishes every lux, average, temperature and LED event', async () => {
    const got: Record<string, string[]> = {};
    await peer.subscribeAsync('thingflow/sim/#', { qos: 0 });
    peer.on('message', (topic, payload) => (got[topic] ??= []).push(payload.toString()));
    const logs: string[] = [];
    const r = await runSimulation(luxDemo, { durationMs: 24 * HOUR, options: { mqtt: `mqtt://127.0.0.1:${broker.port}` }, log: (m) => logs.push(m) });
    const counts = Object.fromEntries(r.series.map((s) => [s.name, s.events]));
    const ledChanges = r.device.board.led(r.device.pin.led).values.length - 1; // minus the initial 'off' of the constructor
    await waitFor('all messages', () => (got['thingflow/sim/temperature']?.length ?? 0) >= counts['TMP102'] && (got['thingflow/sim/led']?.length ?? 0) >= ledChanges);
    expect(got['thingflow/sim/lux']).toHaveLength(counts['TSL2591 lux']);
    expect(got['thingflow/sim/lux-average']).toHaveLength(counts['running avg (5)']);
    expect(got['thingflow/sim/temperature']).toHaveLength(counts['TMP102']);
    expect(got['thingflow/sim/led']).toEqual(['on', 'off', 'on'].slice(0, ledChanges));
    // ThingFlow-Python's JSON event form: [sensor_id, ts, val].
    const [id, ts, val] = JSON.parse(got['thingflow/sim/lux'][0]);
    expect(id).toBe('lux');
    expect(ts).toBe(Date.UTC(2026, 5, 21) / 1000 + 60);
    expect(val).toBeCloseTo(r.plot.values('TSL2591 lux')!.values[0], 6);
    expect(logs.some((l) => /messages published/.test(l))).toBe(true);
  });

  test('--wot-port serves the board; its properties follow the flow while the day runs', async () => {
    const logs: string[] = [];
    const seen: { temperature: number; illuminance: number; led: boolean; simulated: number }[] = [];
    let port = 0;
    let simulatedNow = () => 0;
    const r = await runSimulation(async (ctx) => {
      simulatedNow = () => ctx.board.now();
      return luxDemo(ctx);
    }, {
      durationMs: 14 * HOUR,
      options: { 'wot-port': '0' },
      log: (m) => {
        logs.push(m);
        const match = /127\.0\.0\.1:(\d+)\//.exec(m);
        if (match && m.startsWith('wot:')) port = Number(match[1]);
      },
      // Between simulated hours, read the Thing over HTTP, as a dashboard would.
      sleep: async () => {
        const props = (await (await fetch(`http://127.0.0.1:${port}/properties`)).json()) as { temperature: number; illuminance: number; led: boolean };
        seen.push({ ...props, simulated: simulatedNow() });
        if (seen.length === 12) {
          const put = await fetch(`http://127.0.0.1:${port}/properties/led`, { method: 'PUT', body: JSON.stringify({ led: true }), headers: { 'content-type': 'application/json' } });
          expect(put.status).toBe(200);
        }
      },
    });
    expect(port).toBeGreaterThan(0);
    expect(seen.length).toBe(13); // after each of the first 13 hours
    const temps = r.plot.values('TMP102')!;
    const lux = r.plot.values('TSL2591 lux')!;
    for (const s of seen) {
      const lastTemp = temps.values[temps.times.filter((t) => t <= s.simulated).length - 1];
      const lastLux = lux.values[lux.times.filter((t) => t <= s.simulated).length - 1];
      expect(s.temperature).toBeCloseTo(lastTemp, 6);
      expect(s.illuminance).toBeCloseTo(lastLux, 6);
    }
    expect(seen[2].led).toBe(true); // 03:00, dark
    expect(seen[11].led).toBe(false); // 12:00, bright
    // 12:00 a client switched the LED on (below); it stays on until the flow's next decision, at dusk.
    expect(seen[12].led).toBe(true);
    const pin = r.device.board.led(r.device.pin.led);
    const onAt = pin.times[pin.values.lastIndexOf(1)];
    expect(onAt).toBeGreaterThanOrEqual(12 * HOUR);
    expect(onAt).toBeLessThan(13 * HOUR);
    await expect(fetch(`http://127.0.0.1:${port}/properties`)).rejects.toThrow(); // stopped after the run
  });
});
