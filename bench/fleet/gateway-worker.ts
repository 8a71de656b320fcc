/**
 * One gateway worker in its own process (bench/fleet.ts): the gateway's flow over the fleet's
 * readings, MqttReader on `$share/gateway/fleet/+/lux` → FleetAggregate, on a clean session.
 * Prints `READY`, then `H <handled>` every 100 ms.
 */
import { nodeMqttNetwork } from '../../hosts/node/mqtt-tcp';
import { MqttClient } from '../../runtime/mqtt/client/mqtt-client';
import { MqttReader } from '../../runtime/mqtt/mqtt-reader';
import { FleetAggregate } from '../../runtime/fleet/fleet-aggregate';
import type { SensorEvent } from '../../runtime/core/input-thing';

const [port, name] = process.argv.slice(2);
const client = new MqttClient({ host: '127.0.0.1', port: Number(port), network: nodeMqttNetwork, clientId: `bench-gateway-${name}-${process.pid}`, keepalive: 30 });
let handled = 0;
const reader = new MqttReader<SensorEvent<number>>(client, '$share/gateway/fleet/+/lux', { qos: 1 });
reader.connect(() => { handled++; });
const aggregate = new FleetAggregate(reader);
aggregate.connect(() => {});
client.on('connect', () => setTimeout(() => console.log('READY'), 300));
client.connect();
setInterval(() => {
  aggregate.observe(0);
  console.log(`H ${handled}`);
}, 100);
