/**
 * The MQTT client while the broker stops reading (issue 16 item 2): 100,000 QoS 0 publishes of
 * 1 KiB each to a broker that accepted the connection and then never reads again. Measured for our
 * MqttClient and for MQTT.js in the same run, each in its own process (so one's heap does not
 * colour the other's RSS): RSS growth from just after CONNACK to the end, what was sent, what was
 * dropped and counted, and what the socket still holds.
 *
 * Run: npx tsx bench/bounds/mqtt-slow-broker.ts   (prints a markdown table)
 * The broker is a TCP server scripted here on 127.0.0.1: it answers CONNECT with CONNACK and then
 * pauses the socket, so the kernel buffers fill and then the client's.
 */
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import * as mqttPacket from 'mqtt-packet';
import { nodeMqttNetwork } from '../../hosts/node/mqtt-tcp';
import { MqttClient } from '../../runtime/mqtt/client/mqtt-client';

const MESSAGES = 100_000;
const PAYLOAD_BYTES = 1024;
const BATCH = 1000;
const MiB = 1024 * 1024;

interface Result {
  client: string;
  rssGrowthMiB: number;
  sent: number;
  dropped: number;
  bufferedBytes: number;
  budget: string;
}

const yieldToLoop = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

async function runOurs(port: number): Promise<Result> {
  const c = new MqttClient({ host: '127.0.0.1', port, network: nodeMqttNetwork, keepalive: 0, reconnect: false });
  c.connect();
  while (!c.connected) await sleep(5);
  const payload = new Uint8Array(PAYLOAD_BYTES).fill(0x61);
  const before = rss();
  for (let i = 0; i < MESSAGES; i++) {
    c.publish('bench/slow', payload);
    if (i % BATCH === BATCH - 1) await yieldToLoop();
  }
  await sleep(500);
  const result: Result = {
    client: 'thingflow MqttClient',
    rssGrowthMiB: (rss() - before) / MiB,
    sent: c.stats.published,
    dropped: c.stats.overBudget,
    bufferedBytes: c.bufferedBytes,
    budget: `${c.maxBufferedBytes / 1024} KiB`,
  };
  c.end();
  return result;
}

async function runMqttJs(port: number): Promise<Result> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { keepalive: 0, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => { c.once('connect', () => resolve()); c.once('error', reject); });
  const payload = Buffer.alloc(PAYLOAD_BYTES, 0x61);
  const before = rss();
  let sent = 0;
  for (let i = 0; i < MESSAGES; i++) {
    c.publish('bench/slow', payload, { qos: 0 });
    sent++;
    if (i % BATCH === BATCH - 1) await yieldToLoop();
  }
  await sleep(500);
  const stream = (c as unknown as { stream?: { writableLength?: number } }).stream;
  const result: Result = {
    client: 'MQTT.js',
    rssGrowthMiB: (rss() - before) / MiB,
    sent,
    dropped: 0,
    bufferedBytes: stream?.writableLength ?? 0,
    budget: 'none',
  };
  c.end(true);
  return result;
}

/** A broker that accepts, answers CONNACK, then stops reading. */
async function stalledBroker(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p) => {
      if (p.cmd !== 'connect') return;
      socket.write(mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false } as mqttPacket.IConnackPacket));
      socket.pause();
    });
    socket.on('data', (d) => parser.parse(d));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

function runChild(which: string, port: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), 'child', which, String(port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d) => { out += String(d); });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${which} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as Result);
    });
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === 'child') {
    const port = Number(process.argv[4]);
    const r = process.argv[3] === 'ours' ? await runOurs(port) : await runMqttJs(port);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  }
  const results: Result[] = [];
  for (const which of ['ours', 'mqttjs']) {
    const broker = await stalledBroker();
    try {
      results.push(await runChild(which, broker.port));
    } finally {
      await broker.close();
    }
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const rows = results.map((r) => `| ${r.client} | ${r.budget} | ${r.rssGrowthMiB.toFixed(1)} | ${fmt(r.sent)} | ${fmt(r.dropped)} | ${fmt(r.bufferedBytes)} |`);
  const ours = results[0];
  const peer = results[1];
  process.stdout.write([
    `MQTT client, broker stops reading after CONNACK: ${fmt(MESSAGES)} QoS 0 publishes of ${PAYLOAD_BYTES} B (127.0.0.1, each client in its own process)`,
    '',
    '| client | byte budget | RSS growth (MiB) | written to the socket | dropped (counted) | bytes still buffered |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `RSS growth ours / MQTT.js: ${(ours.rssGrowthMiB / Math.max(peer.rssGrowthMiB, 0.1)).toFixed(3)}x (limit asked: <= 16 MiB; ours ${ours.rssGrowthMiB <= 16 ? 'within' : 'OVER'})`,
    '',
  ].join('\n'));
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
