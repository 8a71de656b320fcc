/**
 * The MQTT codec on the real XS engine (@agoric/xsnap): computrons and heap
 * slots per QoS 0 PUBLISH encode (and per decode), deterministic counts.
 * Run in its own process (it loads @endo/init, which locks down this realm);
 * prints one JSON line. Method as bench/xs-footprint.mjs:
 * - computrons/op: (batch of N - batch of 0) / N;
 * - slots allocated/op: rise of currentHeapCount across a batch right after a
 *   gc, minus the same for 0, / N (every slot handed out, garbage included).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startXsWorker } from '../../test/xs/xsnap-worker.mjs';
import { batchMeasurer } from './xs-batch-measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const N = 1000;

const r = spawnSync('npx', ['rollup', '-c', 'bench/mqtt/rollup.codec.mjs', '--silent'], { cwd: ROOT, encoding: 'utf8' });
if (r.status !== 0) throw new Error(`bundling the codec failed:\n${r.stdout}\n${r.stderr}`);

const xs = await startXsWorker({ name: 'bench-mqtt' });
try {
  await xs.evaluate(readFileSync(join(ROOT, 'dist/bench-mqtt/codec.xs.js'), 'utf8'));
  // The same message as the Node benchmark: a sensor event in ThingFlow's JSON form.
  await xs.evaluate(`
    globalThis.topic = 'thingflow/dev-01/lux';
    globalThis.payload = mqttCodec.utf8Bytes('["lux-1", 1478552600.25, 101.5]');
    globalThis.packet = { cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false };
    globalThis.encodeBatch = function (n) { let last; for (let i = 0; i < n; i++) last = mqttCodec.encode(packet); return last; };
    // The client's path: topic bytes cached once per topic, payload already bytes.
    globalThis.topicBytes = mqttCodec.utf8Bytes(topic);
    globalThis.encodeFieldsBatch = function (n) { let last; for (let i = 0; i < n; i++) last = mqttCodec.encodePublishFields(topicBytes, payload, 0, false, false, undefined); return last; };
    // MqttWriter's path: the event's JSON text as the payload.
    globalThis.payloadText = '["lux-1", 1478552600.25, 101.5]';
    globalThis.encodeTextBatch = function (n) { let last; for (let i = 0; i < n; i++) last = mqttCodec.encodePublishFields(topicBytes, payloadText, 0, false, false, undefined); return last; };
    const one = mqttCodec.encode(packet);
    globalThis.chunk = one; // one packet per chunk, as a small socket read would give
    globalThis.decoded = 0;
    globalThis.decoder = new mqttCodec.PacketDecoder({ onPacket() { decoded++; }, onProtocolError(e) { throw e; } });
    globalThis.decodeBatch = function (n) { for (let i = 0; i < n; i++) decoder.push(chunk); };
    globalThis.packetBytes = one.length;
  `);
  const measure = batchMeasurer(xs, N);
  const result = {
    encode: await measure('encodeBatch'),
    encodeFields: await measure('encodeFieldsBatch'),
    encodeText: await measure('encodeTextBatch'),
    decode: await measure('decodeBatch'),
    packetBytes: Number((await xs.evaluateText('String(packetBytes)'))),
    decodedCheck: Number(await xs.evaluateText('String(decoded)')),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await xs.close();
}
