/**
 * Run by uplink.test.ts in its own process (aedes is ESM-only, jest is CommonJS):
 * `--mqtt embedded` end to end. Prints one JSON line with what an MQTT.js subscriber got.
 */
import mqtt from 'mqtt';
import { MqttWriter, openMqttUplink } from '../../../../hosts/node/index';

const uplink = await openMqttUplink('embedded', { port: 0 });
const peer = await mqtt.connectAsync(uplink.url);
await peer.subscribeAsync('thingflow/#', { qos: 1 });
const got: string[] = [];
peer.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
const writer = new MqttWriter(uplink.client, 'thingflow/lux', { qos: 1 });
writer.onNext({ sensorId: 'lux-1', ts: 1.5, val: 42 });
const until = Date.now() + 5000;
while (got.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
await peer.endAsync();
await uplink.close();
process.stdout.write(`${JSON.stringify({ url: uplink.url.replace(/:\d+$/, ':PORT'), got })}\n`);
