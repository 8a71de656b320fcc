/**
 * `MqttClient.publish` on the real XS engine (@agoric/xsnap): computrons and heap slots per QoS 0
 * publish while connected, the path a board runs for every reading (topic bytes cached, payload
 * already bytes, the transport asked for its buffered bytes against the byte budget). The
 * transport here takes bytes and drops them, so what is measured is the client and the encoder.
 * Run in its own process (it loads @endo/init); prints one JSON line. Method as xs-codec.mjs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startXsWorker } from '../../test/xs/xsnap-worker.mjs';
import { batchMeasurer } from './xs-batch-measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const N = 1000;

const r = spawnSync('npx', ['rollup', '-c', 'bench/mqtt/rollup.client.mjs', '--silent'], { cwd: ROOT, encoding: 'utf8' });
if (r.status !== 0) throw new Error(`bundling the MQTT runtime failed:\n${r.stdout}\n${r.stderr}`);

const xs = await startXsWorker({ name: 'bench-mqtt-client' });
try {
  await xs.evaluate(readFileSync(join(ROOT, 'dist/bench-mqtt/client.xs.js'), 'utf8'));
  await xs.evaluate(`
    const M = mqttRuntime;
    globalThis.written = 0;
    const network = {
      open(_h, _p, handler) {
        globalThis.handler = handler;
        return { write(b) { written += b.length; }, close() {}, bufferedBytes() { return 0; } };
      },
      setTimer() { return 1; },
      clearTimer() {},
      now() { return 0; },
    };
    globalThis.client = new M.MqttClient({ host: 'broker', network, keepalive: 0, clientId: 'bench' });
    client.connect();
    handler.onOpen();
    handler.onData(M.encode({ cmd: 'connack', sessionPresent: false, returnCode: 0 }));
    globalThis.payload = M.utf8Bytes('["lux-1", 1478552600.25, 101.5]');
    globalThis.publishBatch = function (n) { for (let i = 0; i < n; i++) client.publish('thingflow/dev-01/lux', payload); };
    publishBatch(1); // the topic's bytes are cached on first use
  `);
  const measure = batchMeasurer(xs, N);
  const result = {
    publish: await measure('publishBatch'),
    connected: await xs.evaluateText('String(client.connected)'),
    written: Number(await xs.evaluateText('String(written)')),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await xs.close();
}
