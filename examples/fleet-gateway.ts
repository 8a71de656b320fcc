/**
 * The gateway of a simulated fleet: every device that speaks Web Things over MQTT becomes a proxy
 * thing, and a ThingFlow flow over the devices' readings (MqttReader → FleetAggregate, sampled on a
 * schedule) keeps a "fleet summary" thing up to date: how many devices report, which are missing
 * (nothing heard for `missingAfterSec`), and the mean, min and max of their latest light readings.
 * One WoT server serves them all: the summary at /0, the devices at /1, /2, ...
 *
 * With `shareGroup`, the readings come through a shared subscription (`$share/{group}/fleet/+/lux`),
 * so several gateway workers split the fleet's messages between them.
 */
import { FleetAggregate, MqttClient, MqttReader, MqttThingGateway, NodeClock, Property, Scheduler, Thing, Value, WebThingServer, type FleetSnapshot, type SensorEvent } from '../hosts/node/index';
import type { Clock } from '../runtime/scheduler/clock';

export interface FleetGatewayOptions {
  host: string;
  port: number;
  /** HTTP port of the WoT server; 0 picks one. */
  httpPort?: number;
  summaryEverySec?: number;
  missingAfterSec?: number;
  shareGroup?: string;
  clientId?: string;
  clock?: Clock;
}

export interface FleetGateway {
  gateway: MqttThingGateway;
  summary: Thing;
  aggregate: FleetAggregate;
  reader: MqttReader<SensorEvent<number>>;
  server: WebThingServer;
  client: MqttClient;
  close(): Promise<void>;
}

const SUMMARY_PROPERTIES: [keyof FleetSnapshot, string, object][] = [
  ['devices', 'Devices known', { type: 'integer' }],
  ['reporting', 'Devices reporting', { type: 'integer' }],
  ['missing', 'Devices missing', { type: 'integer' }],
  ['missingIds', 'Missing devices (first 10)', { type: 'array', items: { type: 'string' } }],
  ['mean', 'Mean light', { type: 'number', unit: 'lux' }],
  ['min', 'Least light', { type: 'number', unit: 'lux' }],
  ['max', 'Most light', { type: 'number', unit: 'lux' }],
];

export async function startFleetGateway(opts: FleetGatewayOptions): Promise<FleetGateway> {
  const client = new MqttClient({ host: opts.host, port: opts.port, clientId: opts.clientId ?? `thingflow-gateway-${process.pid}`, keepalive: 30 });
  const summary = new Thing('urn:dev:thingflow-xs:fleet-summary', 'Fleet summary', [], 'What the fleet reports, aggregated by the gateway');
  for (const [name, title, schema] of SUMMARY_PROPERTIES) {
    summary.addProperty(new Property(summary, name, new Value<unknown>(name === 'missingIds' ? [] : 0), { title, readOnly: true, ...schema }));
  }
  const gateway = new MqttThingGateway(client, { name: 'thingflow-fleet-gateway', things: [summary] });

  const filter = opts.shareGroup ? `$share/${opts.shareGroup}/fleet/+/lux` : 'fleet/+/lux';
  const reader = new MqttReader<SensorEvent<number>>(client, filter, { qos: 1 });
  const aggregate = new FleetAggregate(reader, { missingAfterSec: opts.missingAfterSec ?? 180 });
  aggregate.connect((s: FleetSnapshot) => {
    for (const [name] of SUMMARY_PROPERTIES) summary.findProperty(name)!.value.notifyOfExternalUpdate(s[name]);
  });
  const scheduler = new Scheduler(opts.clock ?? new NodeClock());
  scheduler.schedulePeriodic(aggregate, opts.summaryEverySec ?? 60);

  client.connect();
  const server = new WebThingServer(gateway, { port: opts.httpPort ?? 0, listenAddress: '127.0.0.1', mdns: false });
  await server.start();
  scheduler.run();
  return {
    gateway, summary, aggregate, reader, server, client,
    async close() {
      scheduler.stop();
      reader.close();
      client.end();
      await server.stop();
    },
  };
}
