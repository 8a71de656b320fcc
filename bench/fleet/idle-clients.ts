/**
 * Memory of N idle, connected MQTT clients in a fresh process (run by bench/fleet.ts with
 * `node --expose-gc --import tsx`): `bare` (a plain TCP socket), `ours` (MqttClient), `mqttjs`
 * (MQTT.js 5). Prints one JSON line: heap and RSS growth per client after a full GC.
 */
import { connect, type Socket } from 'node:net';
import mqtt from 'mqtt';
import { nodeMqttNetwork } from '../../hosts/node/mqtt-tcp';
import { MqttClient } from '../../runtime/mqtt/client/mqtt-client';

const [kind, nArg, portArg] = process.argv.slice(2);
const n = Number(nArg);
const port = Number(portArg);
const gc = (globalThis as { gc?: () => void }).gc!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const keep: unknown[] = [];
  // Warm the code paths with one client, so what follows is per-client state, not code.
  const warm = await open(kind, 'warm');
  await sleep(200);
  gc();
  await sleep(50);
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < n; i++) {
    keep.push(await open(kind, `c${i}`));
  }
  await sleep(1000);
  gc();
  await sleep(100);
  gc();
  const after = process.memoryUsage();
  const perClient = (k: 'heapUsed' | 'rss' | 'external') => (after[k] - before[k]) / n;
  console.log(JSON.stringify({ kind, n, heapPerClient: perClient('heapUsed'), externalPerClient: perClient('external'), rssPerClient: perClient('rss') }));
  void warm;
  process.exit(0);
}

function open(k: string, id: string): Promise<unknown> {
  if (k === 'bare') {
    return new Promise((resolve, reject) => {
      const s: Socket = connect(port, '127.0.0.1', () => resolve(s));
      s.on('error', reject);
    });
  }
  if (k === 'ours') {
    return new Promise((resolve) => {
      const c = new MqttClient({ host: '127.0.0.1', port, network: nodeMqttNetwork, clientId: `idle-ours-${process.pid}-${id}`, keepalive: 60 });
      c.on('connect', () => resolve(c));
      c.connect();
    });
  }
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `idle-mqttjs-${process.pid}-${id}`, keepalive: 60 });
}

void main();
