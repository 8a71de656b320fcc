/**
 * Fleet figures (`npm run bench:fleet`), against a local mosquitto started for the run:
 * 1. Memory of an idle, connected MQTT client: ours vs MQTT.js 5 vs a bare TCP socket (the floor),
 *    each in a fresh process, 1,000 clients.
 * 2. A 1,000-device fleet: memory per whole device (board, models, runtime, client), sustained
 *    messages per second reaching the broker.
 * 3. The same fleet through a broker restart (kill -9, 30 s simulated down): how long until every
 *    device is back, the peak reconnect rate, and what was lost.
 * Ratios are against peers measured in the same run; absolute rates depend on the machine.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeMqttNetwork } from '../hosts/node/mqtt-tcp';
import { MqttClient } from '../runtime/mqtt/client/mqtt-client';
import { mosquittoPath, startMosquitto } from '../test/support/brokers';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const N_CLIENTS = Number(process.env.FLEET_BENCH_CLIENTS ?? 1000);
const N_DEVICES = Number(process.env.FLEET_BENCH_DEVICES ?? 1000);

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
const kib = (b: number) => (b / 1024).toFixed(1);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function child(script: string, args: string[], onLine?: (line: string, stdin: NodeJS.WritableStream) => void): Promise<any> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, script), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    let last = '';
    createInterface({ input: p.stdout! }).on('line', (l) => {
      if (l.startsWith('{')) last = l;
      else onLine?.(l, p.stdin!);
    });
    p.on('exit', (code) => (code === 0 && last ? resolve(JSON.parse(last)) : reject(new Error(`${script} exited ${code}`))));
  });
}

/** Readings per second the gateway flow handles with `workers` workers sharing the subscription. */
async function gatewayThroughput(port: number, workers: number, readings: number): Promise<number> {
  const counts: number[] = new Array(workers).fill(0);
  const procs = [];
  const ready: Promise<void>[] = [];
  for (let w = 0; w < workers; w++) {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/fleet/gateway-worker.ts'), String(port), `w${w}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(p);
    ready.push(new Promise((resolve) => createInterface({ input: p.stdout! }).on('line', (l) => {
      if (l === 'READY') resolve();
      else if (l.startsWith('H ')) counts[w] = Number(l.slice(2));
    })));
  }
  await Promise.all(ready);
  const publishers: MqttClient[] = [];
  for (let i = 0; i < 4; i++) {
    const c = new MqttClient({ host: '127.0.0.1', port, network: nodeMqttNetwork, clientId: `bench-publisher-${i}-${process.pid}`, queueLimit: readings, maxInflight: 256 });
    c.connect();
    await new Promise<void>((r) => c.on('connect', () => r()));
    publishers.push(c);
  }
  const start = performance.now();
  for (let i = 0; i < readings; i++) publishers[i % 4].publish(`fleet/dev-${i % 1000}/lux/`.slice(0, -1), `["dev-${i % 1000}",${i},${i % 977}]`, { qos: 1 });
  const total = () => counts.reduce((a, b) => a + b, 0);
  while (total() < readings && performance.now() - start < 120_000) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - start) / 1000;
  const handled = total();
  for (const c of publishers) c.end();
  for (const p of procs) p.kill();
  return handled / seconds;
}

async function main(): Promise<void> {
  if (!mosquittoPath()) {
    console.log('mosquitto is not installed (apt-get install mosquitto): the fleet benchmark needs it');
    return;
  }
  const broker = await startMosquitto({ extraConfig: ['max_connections -1', 'max_queued_messages 0', 'autosave_on_changes false'] });
  try {
    const idle: Record<string, any> = {};
    for (const kind of ['bare', 'ours', 'mqttjs']) idle[kind] = await child('bench/fleet/idle-clients.ts', [kind, String(N_CLIENTS), String(broker.port)]);
    console.log(`\n### Idle, connected MQTT clients (${N_CLIENTS} in one process, per client, after GC)\n`);
    console.log(table(['client', 'JS heap KiB', 'RSS KiB', 'heap vs ours'], [
      ['thingflow-xs MqttClient', kib(idle.ours.heapPerClient), kib(idle.ours.rssPerClient), '1.00'],
      ['MQTT.js 5', kib(idle.mqttjs.heapPerClient), kib(idle.mqttjs.rssPerClient), (idle.mqttjs.heapPerClient / idle.ours.heapPerClient).toFixed(2)],
      ['bare TCP socket (floor)', kib(idle.bare.heapPerClient), kib(idle.bare.rssPerClient), (idle.bare.heapPerClient / idle.ours.heapPerClient).toFixed(2)],
    ]));
    console.log(`\ngoal: ≤ 4 KiB heap per idle client (${idle.ours.heapPerClient <= 4096 ? 'met' : 'MISSED'})`);

    const steady = await child('bench/fleet/run-fleet.ts', [String(N_DEVICES), String(broker.port), String(20 * 60_000), '240']);
    let outageReal = 0;
    const restart = await child('bench/fleet/run-fleet.ts', [String(N_DEVICES), String(broker.port), String(6 * 60_000), '60', 'outage'], (line, stdin) => {
      const m = /^OUTAGE (\d+)/.exec(line);
      if (!m) return;
      outageReal = Number(m[1]);
      void broker.outage(outageReal).then(() => stdin.write('BACK\n'));
    });
    console.log(`\n### A fleet of ${N_DEVICES} devices against mosquitto (one Node process, 2 cores shared with the broker)\n`);
    console.log(table(['run', 'devices connected in', 'heap per device', 'messages/s at the broker', 'sent', 'lost', 'dropped', 'QoS 1 duplicates'], [
      [`steady, 20 min simulated at 240x`, `${(steady.connectAllMs / 1000).toFixed(1)} s`, `${kib(steady.heapPerDeviceBytes)} KiB`, fmt(steady.messagesPerSecond), fmt(steady.sent), String(steady.lost), String(steady.dropped), String(steady.duplicates)],
      [`broker killed (-9) for ${(outageReal / 1000).toFixed(1)} s real, restarted`, `${(restart.connectAllMs / 1000).toFixed(1)} s`, `${kib(restart.heapPerDeviceBytes)} KiB`, fmt(restart.messagesPerSecond), fmt(restart.sent), String(restart.lost), String(restart.dropped), String(restart.duplicates)],
    ]));
    const rec = restart.recoveries[0];
    console.log(`\nafter the restart: every device back within ${rec ? (rec.backWithinMs / 1000).toFixed(1) + ' s' : 'NOT ALL BACK'}, ` +
      `peak ${rec ? fmt(rec.peakReconnectsPerSecond) : '?'} reconnects/s (jittered back-off from 0.5 s), ${restart.reconnects} reconnects in all`);

    const READINGS = Number(process.env.FLEET_BENCH_READINGS ?? 100_000);
    const one = await gatewayThroughput(broker.port, 1, READINGS);
    const two = await gatewayThroughput(broker.port, 2, READINGS);
    console.log(`\n### The gateway's flow (MqttReader on $share/gateway/fleet/+/lux → FleetAggregate), ${fmt(READINGS)} QoS 1 readings from 4 publishers\n`);
    console.log(table(['gateway workers (processes)', 'readings/s handled', 'vs 1 worker'], [
      ['1', fmt(one), '1.00'],
      ['2', fmt(two), (two / one).toFixed(2)],
    ]));
    console.log('\n(mosquitto is run with max_queued_messages 0: with its default of 1,000 queued per client, a burst larger than a worker keeps up with is dropped by the broker, QoS 1 or not)');
    console.log('\n(2 cores run the broker, the publishers and the workers: a second worker can only show scaling where cores are free)');
  } finally {
    await broker.stop();
  }
}

void main();
