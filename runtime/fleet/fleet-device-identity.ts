import type { MqttClientOptions } from '../mqtt/client/mqtt-client';
import { thingWill } from '../wot-mqtt/topics';

/** How a fleet device named `id` presents itself: to the broker and, as a Web Thing over MQTT, to a gateway. */
export interface FleetDeviceIdentity {
  /** Its Web Thing's id (`urn:dev:thingflow-xs:fleet:{id}`): its topics are `things/{thingId}/...`. */
  thingId: string;
  /**
   * Its MQTT session: client id `thingflow-fleet-{id}`, a persistent session
   * (QoS 1 readings queued by the broker while it is away), a bounded offline
   * queue, reconnects with backoff, and a last will that marks its thing
   * offline. Add the broker's host and port (and a network where needed).
   */
  client: Pick<MqttClientOptions, 'clientId' | 'clean' | 'keepalive' | 'reconnect' | 'queueLimit' | 'will'>;
}

/** The identity every fleet device has, simulated (sim/fleet.ts) or on a board (manifests/fleet-device). */
export function fleetDeviceIdentity(id: string): FleetDeviceIdentity {
  const thingId = `urn:dev:thingflow-xs:fleet:${id}`;
  return {
    thingId,
    client: { clientId: `thingflow-fleet-${id}`, clean: false, keepalive: 30, reconnect: { minMs: 500, maxMs: 10_000 }, queueLimit: 100, will: thingWill(thingId) },
  };
}
