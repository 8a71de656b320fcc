/**
 * `npm run bench:mqtt`: the MQTT stack against its peers, measured in one run.
 *
 * 1. Codec throughput on Node vs mqtt-packet (the library MQTT.js and aedes
 *    use): encode (`encode(packet)` vs `mqttPacket.generate(packet)`) and
 *    decode (a 1,000-packet stream cut into 1,460-byte TCP segments, fed to
 *    our PacketDecoder vs mqtt-packet's parser). Median of 5 interleaved rounds.
 * 2. XS: computrons and heap slots per QoS 0 PUBLISH encode and decode, on the
 *    real XS engine (bench/mqtt/xs-codec.mjs in its own process; deterministic).
 * 3. End to end: publish rate to a local mosquitto, our MqttClient vs MQTT.js,
 *    counted at one subscriber (QoS 0), or until every PUBACK (QoS 1).
 * Prints markdown tables (docs/mqtt.md quotes them).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import * as mqttPacket from 'mqtt-packet';
import { nodeMqttNetwork } from '../hosts/node/mqtt-tcp';
import { MqttClient } from '../runtime/mqtt/client/mqtt-client';
import { encode } from '../runtime/mqtt/codec/encode';
import { PacketDecoder } from '../runtime/mqtt/codec/decode';
import type { Packet } from '../runtime/mqtt/codec/packet';
import { mosquittoPath, startMosquitto } from '../test/support/brokers';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOPIC = 'thingflow/dev-01/lux';
const PAYLOAD_TEXT = '["lux-1", 1478552600.25, 101.5]'; // one SensorEvent in ThingFlow's JSON form
const PAYLOAD = Buffer.from(PAYLOAD_TEXT);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Operations per second of `fn` (which does `batch` operations per call), over ~`ms`. */
function opsPerSec(fn: () => void, batch: number, ms = 300): number {
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    calls++;
    now = performance.now();
  }
  return (calls * batch) / ((now - start) / 1000);
}

let sink = 0; // keeps results alive so nothing is optimised away

function codecBench(): string {
  const cases: [string, Packet][] = [
    ['PUBLISH QoS 0, 32-byte payload', { cmd: 'publish', topic: TOPIC, payload: PAYLOAD, qos: 0, retain: false, dup: false }],
    ['PUBLISH QoS 1, 32-byte payload', { cmd: 'publish', topic: TOPIC, payload: PAYLOAD, qos: 1, messageId: 42, retain: false, dup: false }],
    ['PUBLISH QoS 0, string payload', { cmd: 'publish', topic: TOPIC, payload: PAYLOAD_TEXT, qos: 0 }],
    ['CONNECT with will and credentials', { cmd: 'connect', clientId: 'dev-01', keepalive: 30, clean: true, username: 'u', password: Buffer.from('p'), will: { topic: 'status/dev-01', payload: Buffer.from('offline'), qos: 1, retain: true } }],
    ['SUBSCRIBE, 2 filters', { cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'cmd/dev-01/#', qos: 1 }, { topic: 'cfg/+', qos: 0 }] }],
  ];
  const rows: string[][] = [];
  for (const [name, packet] of cases) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < 5; round++) {
      ours.push(opsPerSec(() => { for (let i = 0; i < 1000; i++) sink += encode(packet).length; }, 1000));
      theirs.push(opsPerSec(() => { for (let i = 0; i < 1000; i++) sink += mqttPacket.generate(packet as any).length; }, 1000));
    }
    const o = median(ours);
    const t = median(theirs);
    rows.push([`encode ${name}`, fmt(o), fmt(t), `${(o / t).toFixed(2)}x`]);
  }
  // Decode: 1,000 packets in one stream, cut into TCP-sized segments.
  const streams: [string, Packet][] = [
    ['PUBLISH QoS 0 stream', cases[0][1]],
    ['PUBLISH QoS 1 stream', cases[1][1]],
  ];
  for (const [name, packet] of streams) {
    const one = Buffer.from(encode(packet));
    const stream = Buffer.concat(Array.from({ length: 1000 }, () => one));
    const segments: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 1460) segments.push(stream.subarray(i, i + 1460));
    let count = 0;
    const decoder = new PacketDecoder({ onPacket: () => { count++; }, onProtocolError: (e) => { throw e; } });
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', () => { count++; });
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < 5; round++) {
      ours.push(opsPerSec(() => { for (let i = 0; i < segments.length; i++) decoder.push(segments[i]); }, 1000));
      theirs.push(opsPerSec(() => { for (let i = 0; i < segments.length; i++) parser.parse(segments[i]); }, 1000));
    }
    sink += count;
    const o = median(ours);
    const t = median(theirs);
    rows.push([`decode ${name} (${one.length} B each, 1,460 B segments)`, fmt(o), fmt(t), `${(o / t).toFixed(2)}x`]);
  }
  return table(['codec on Node', 'ours ops/s', 'mqtt-packet ops/s', 'ours / mqtt-packet'], rows);
}

function xsBench(): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bench/mqtt/xs-codec.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return `XS measurement failed: ${r.stderr || r.stdout}`;
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, { computrons: number; slots: number; linear: boolean }> & { packetBytes: number };
  const row = (name: string, k: string) => [name, fmt(m[k].computrons), m[k].slots.toFixed(1), m[k].linear ? 'yes' : 'NO'];
  const rows = [
    row('encode(packet) (string topic)', 'encode'),
    row("encodePublishFields (the client's path: cached topic bytes)", 'encodeFields'),
    row("encodePublishFields with the payload as JSON text (MqttWriter's path)", 'encodeText'),
    row('PacketDecoder.push (one packet per chunk)', 'decode'),
  ];
  // The whole client call a board makes per reading: encode plus the byte-budget check (bench/mqtt/xs-client.mjs).
  const c = spawnSync(process.execPath, [join(ROOT, 'bench/mqtt/xs-client.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (c.status === 0) {
    const p = (JSON.parse(c.stdout.trim().split('\n').pop()!) as { publish: { computrons: number; slots: number; linear: boolean } }).publish;
    rows.push(['MqttClient.publish, QoS 0, connected (encode + byte-budget check)', fmt(p.computrons), p.slots.toFixed(1), p.linear ? 'yes' : 'NO']);
  } else {
    rows.push(['MqttClient.publish: XS measurement failed', c.stderr || c.stdout, '', '']);
  }
  return table(['on XS (xsnap), one ' + m.packetBytes + '-byte QoS 0 PUBLISH', 'computrons/op', 'heap slots allocated/op', 'linear in N'], rows);
}

async function e2eBench(): Promise<string> {
  if (!mosquittoPath()) return 'mosquitto is not installed: end-to-end comparison skipped';
  const broker = await startMosquitto();
  try {
    // One counting subscriber, in its own process, for both publishers.
    const N0 = 20_000;
    const counter = spawn(process.execPath, [join(ROOT, 'bench/mqtt/count-subscriber.mjs'), String(broker.port), 'bench/e2e', String(N0)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: counter.stdout! });
    const waiting: (() => void)[] = [];
    lines.on('line', () => waiting.shift()?.());
    await new Promise<void>((r) => waiting.push(r)); // ready
    const ours = new MqttClient({ host: '127.0.0.1', port: broker.port, network: nodeMqttNetwork, clientId: 'bench-ours', queueLimit: 100_000 });
    ours.connect();
    await new Promise<void>((r) => ours.on('connect', () => r()));
    const theirs = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'bench-mqttjs' });

    const waitUntil = async (cond: () => boolean, timeoutMs: number) => {
      const until = Date.now() + timeoutMs;
      while (!cond() && Date.now() < until) await sleep(1);
      return cond();
    };
    const N1 = 5_000;
    const runQos0 = async (publish: () => void) => {
      const counted = new Promise<void>((r) => waiting.push(r));
      const t0 = performance.now();
      for (let i = 0; i < N0; i++) publish();
      const ok = await Promise.race([counted.then(() => true), sleep(60_000).then(() => false)]);
      const dt = performance.now() - t0;
      await sleep(100);
      return ok ? N0 / (dt / 1000) : NaN;
    };
    const runQos1Ours = async () => {
      const t0 = performance.now();
      for (let i = 0; i < N1; i++) ours.publish('bench/q1', PAYLOAD, { qos: 1 });
      const ok = await waitUntil(() => ours.inflightCount === 0 && ours.queued === 0, 30_000);
      return ok ? N1 / ((performance.now() - t0) / 1000) : NaN;
    };
    const runQos1Theirs = async () => {
      let acked = 0;
      const t0 = performance.now();
      for (let i = 0; i < N1; i++) theirs.publish('bench/q1', PAYLOAD, { qos: 1 }, () => { acked++; });
      const ok = await waitUntil(() => acked === N1, 30_000);
      return ok ? N1 / ((performance.now() - t0) / 1000) : NaN;
    };
    const q0o: number[] = [];
    const q0t: number[] = [];
    const q1o: number[] = [];
    const q1t: number[] = [];
    for (let round = 0; round < 3; round++) {
      q0o.push(await runQos0(() => ours.publish('bench/e2e', PAYLOAD)));
      q0t.push(await runQos0(() => { theirs.publish('bench/e2e', PAYLOAD); }));
      q1o.push(await runQos1Ours());
      q1t.push(await runQos1Theirs());
    }
    ours.end();
    await theirs.endAsync();
    counter.stdin!.end();
    const rows = [
      [`QoS 0: ${fmt(N0)} messages until all reached a subscriber (another process)`, fmt(median(q0o)), fmt(median(q0t)), `${(median(q0o) / median(q0t)).toFixed(2)}x`],
      [`QoS 1: ${fmt(N1)} messages until all PUBACKs (ours: window 32; MQTT.js: unbounded)`, fmt(median(q1o)), fmt(median(q1t)), `${(median(q1o) / median(q1t)).toFixed(2)}x`],
    ];
    return table(['to mosquitto on 127.0.0.1, median of 3', 'MqttClient msg/s', 'MQTT.js msg/s', 'ours / MQTT.js'], rows);
  } finally {
    await broker.stop();
  }
}

async function main(): Promise<void> {
  console.log(`# MQTT benchmark (Node ${process.version})\n`);
  console.log(codecBench());
  console.log();
  console.log(xsBench());
  console.log();
  console.log(await e2eBench());
  if (sink === 0.5) console.log(sink);
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
