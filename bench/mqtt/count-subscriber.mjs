/**
 * A counting subscriber in its own process (so it does not share the event
 * loop with the publishers being measured). MQTT.js, QoS 0.
 * Usage: node bench/mqtt/count-subscriber.mjs <port> <topic> <every>
 * Prints "ready" once subscribed, then "count <n>" each time n reaches a multiple of <every>.
 */
import mqtt from 'mqtt';

const [port, topic, every] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4])];
const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `bench-count-${process.pid}` });
await client.subscribeAsync(topic, { qos: 0 });
let n = 0;
client.on('message', () => {
  n++;
  if (n % every === 0) process.stdout.write(`count ${n}\n`);
});
process.stdout.write('ready\n');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
