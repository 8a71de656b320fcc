/**
 * The fleet device's entry on a board: examples/fleet-device.ts, the app
 * every board of `thingflow-xs fleet` runs, given the board's `device`, a
 * scheduler on the board's clock (the Moddable host) and an MQTT client to
 * the broker at config.mqtt, with the identity every fleet device has
 * (runtime/fleet/fleet-device-identity.ts: thing id, client id, persistent
 * session, last will), as a simulated one (sim/fleet.ts), so a gateway serves
 * it the same way. `thingflow-board/device` is the global `device` on boards and
 * sim/'s simulated board on lin (manifest.json).
 */
import config from 'mc/config';
import fleetDevice, { type FleetDeviceApp } from 'thingflow/examples/fleet-device';
import { runOnBoard, type BoardAppContext } from 'thingflow/hosts/moddable/index';
import { MqttClient } from 'thingflow/runtime/mqtt/client/mqtt-client';
import { fleetDeviceIdentity } from 'thingflow/runtime/fleet/fleet-device-identity';
import provider from 'thingflow-board/device';

interface FleetDeviceConfig {
  id: string;
  mqtt: { host: string; port: number };
}

export default function main(): void {
  const { id, mqtt: broker } = config as unknown as FleetDeviceConfig;
  const { thingId, client } = fleetDeviceIdentity(id);
  const mqtt = new MqttClient({ host: broker.host, port: broker.port, ...client });
  mqtt.on('connect', () => trace(`fleet-device: ${id} connected to ${broker.host}:${broker.port}\n`));
  // A board has no other window on its uplink: the console says when the connection goes and when it tries again.
  mqtt.on('close', (error?: unknown) => trace(`fleet-device: ${id} lost its broker${error ? `: ${String(error)}` : ''}\n`));
  mqtt.on('reconnect', (attempt: number, delayMs: number) => trace(`fleet-device: ${id} reconnects in ${delayMs} ms (attempt ${attempt})\n`));
  // The board's device is ECMA-419's, as sim/'s is (their types differ only in what the simulator adds); no fleet monitor counts here.
  runOnBoard((ctx: BoardAppContext) => fleetDevice({
    id, thingId, device: ctx.device as unknown as FleetDeviceApp['device'], scheduler: ctx.scheduler, mqtt, countSent: () => {},
  }), {}, provider);
  mqtt.connect();
}
