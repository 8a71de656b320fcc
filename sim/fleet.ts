/**
 * A fleet of simulated boards in one Node process (`thingflow-xs fleet`): each device has its own
 * virtual clock, scheduler, device models (its own seed and environment offset), faults and MQTT
 * client (its own client id and last will), and runs the same app. The clocks move together,
 * paced against real time, so the broker sees the traffic a real fleet would send.
 *
 * Network plans: the broker can be stopped for a while (`brokerOutages`, embedded broker only),
 * one device's network dropped (`networkOutages`), a fraction of the devices made flaky.
 * A monitor client counts what reaches the broker, so the summary can say what was lost.
 */
import { performance } from 'node:perf_hooks';
import { MqttClient, type MqttClientOptions } from '../runtime/mqtt/client/mqtt-client';
import type { MqttNetwork } from '../runtime/mqtt/client/network';
import { Scheduler } from '../runtime/scheduler/scheduler';
import { VirtualClock } from '../runtime/scheduler/virtual-clock';
import { fleetDeviceIdentity } from '../runtime/fleet/fleet-device-identity';
import { nodeMqttNetwork } from '../hosts/node/mqtt-tcp';
import { startEmbeddedBroker, type EmbeddedBroker } from '../hosts/node/mqtt-broker';
import type { SimBoard } from './board';
import { createSimDevice, type SimDevice } from './device';
import { FaultyNetwork } from './faulty-network';
import { renderPlot } from './plot';
import { SeededRandom } from './seeded-random';

/** What each device's app receives. */
export interface FleetDeviceContext {
  /** 0-based position in the fleet. */
  index: number;
  /** `dev-0001`…: the device's name, in its client id and topics. */
  id: string;
  /** The Web Thing id the device should use, so its will and the gateway agree. */
  thingId: string;
  device: SimDevice;
  board: SimBoard;
  scheduler: Scheduler;
  clock: VirtualClock;
  mqtt: MqttClient;
  /** Count a message the app handed to MQTT that a monitor on `fleet/#` should see (for the lost count). */
  countSent(n?: number): void;
}

/** A device app: wires the device's flow; may return a function called at the end. */
export type FleetApp = (ctx: FleetDeviceContext) => void | (() => void);

export interface FleetOutage {
  /** Simulated ms since the start. */
  atMs: number;
  forMs: number;
}

export interface FleetOptions {
  devices: number;
  /** `embedded` (an aedes broker in this process) or `mqtt://host:port`. */
  broker: string;
  durationMs: number;
  /** Simulated ms per real ms (default 60: a simulated minute each second). */
  speed?: number;
  seed?: number;
  startHour?: number;
  /** Devices that start connecting per 100 ms of real time (default 100), so the fleet does not storm the broker. */
  connectRate?: number;
  brokerOutages?: FleetOutage[];
  /** How to take an external broker down for `realMs` and back (resolves when it serves again); the embedded one is suspended and resumed. */
  brokerOutage?: (realMs: number) => Promise<void>;
  /** One device's network down for a while. */
  networkOutages?: (FleetOutage & { device: number })[];
  /** This fraction of the devices loses its network for `flakyForMs` every `flakyEveryMs` (simulated). */
  flaky?: { fraction: number; everyMs?: number; forMs?: number };
  /** Extra MQTT client options for every device (keepalive, reconnect, queueLimit...). */
  mqtt?: Partial<MqttClientOptions>;
  onProgress?: (p: FleetProgress) => void;
  progressEveryMs?: number;
  log?: (message: string) => void;
}

export interface FleetProgress {
  simulatedMs: number;
  durationMs: number;
  connected: number;
  devices: number;
  sent: number;
  received: number;
}

export interface FleetResult {
  devices: number;
  durationMs: number;
  realMs: number;
  /** Messages the apps handed to MQTT for `fleet/#`, and what the monitor received. */
  sent: number;
  received: number;
  /** Dropped by the devices' bounded queues (counted, reported). */
  dropped: number;
  /** Sent − received − dropped: messages that vanished. 0 is the goal for QoS 1. */
  lost: number;
  /** Received by the monitor more than once (QoS 1 duplicates). */
  duplicates: number;
  messagesPerSecond: number;
  connects: number;
  reconnects: number;
  /** Real ms from the first to the last device connected at start. */
  connectAllMs: number;
  /** After each broker outage: real ms until every device was back. */
  recoveries: { afterOutageAt: number; backWithinMs: number; peakReconnectsPerSecond: number }[];
  /** JS heap growth per device while the fleet is connected, bytes. */
  heapPerDeviceBytes: number;
  /** Whether that figure was taken after full garbage collections (node --expose-gc); otherwise it includes garbage. */
  heapMeasuredAfterGc: boolean;
  svg: string;
}

const MONITOR_FILTER = 'fleet/#';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function fleetDeviceId(index: number): string {
  return `dev-${String(index + 1).padStart(4, '0')}`;
}

/** Run `app` on `opts.devices` simulated boards against one broker. */
export async function runFleet(app: FleetApp, opts: FleetOptions): Promise<FleetResult> {
  const n = opts.devices;
  if (!(Number.isInteger(n) && n >= 1 && n <= 10_000)) throw new RangeError(`devices must be an integer from 1 to 10000, got ${n}`);
  const speed = opts.speed ?? 60;
  if (!(speed > 0 && speed <= 1e6)) throw new RangeError(`speed must be in (0, 1e6], got ${speed}`);
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 1;
  const random = new SeededRandom(seed);

  let embedded: EmbeddedBroker | undefined;
  let host: string;
  let port: number;
  if (opts.broker === 'embedded') {
    embedded = await startEmbeddedBroker({ port: 0 });
    host = embedded.host;
    port = embedded.port;
  } else {
    let url: URL;
    try {
      url = new URL(opts.broker);
    } catch {
      throw new RangeError(`--broker must be 'embedded' or mqtt://host:port, got '${opts.broker}'`);
    }
    if (url.protocol !== 'mqtt:') throw new RangeError(`--broker must be 'embedded' or mqtt://host:port, got '${opts.broker}'`);
    host = url.hostname;
    port = url.port ? Number(url.port) : 1883;
  }
  if ((opts.brokerOutages?.length ?? 0) > 0 && !embedded && !opts.brokerOutage) throw new RangeError('broker outages need the embedded broker, or a brokerOutage function for an external one');

  // The monitor: what reaches the broker on fleet/#.
  const monitor = new MqttClient({ host, port, network: nodeMqttNetwork, clientId: `thingflow-fleet-monitor-${process.pid}`, clean: false, keepalive: 30, reconnect: { minMs: 100, maxMs: 1000 } });
  let received = 0;
  const seenIds = new Set<string>();
  let duplicates = 0;
  monitor.on('message', (_topic: string, payload: Uint8Array) => {
    received++;
    // A ThingFlow event [sensor_id, ts, val] is named by its device and time: a repeat is a QoS 1 duplicate.
    const text = Buffer.from(payload.buffer, payload.byteOffset, Math.min(payload.length, 200)).toString();
    const m = /^\[("[^"]*"|[\d.]+),([^,]+),/.exec(text);
    if (m) {
      const key = m[1] + '@' + m[2];
      if (seenIds.has(key)) duplicates++;
      else seenIds.add(key);
    }
  });
  monitor.subscribe(MONITOR_FILTER, { qos: 1 });
  monitor.connect();
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no connection to the broker at mqtt://${host}:${port} within 10 s`)), 10_000);
    monitor.on('connect', () => { clearTimeout(t); resolve(); });
  });

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const flakyCount = Math.round((opts.flaky?.fraction ?? 0) * n);
  const flakySet = new Set<number>();
  while (flakySet.size < flakyCount) flakySet.add(Math.floor(random.next() * n));

  interface FleetDevice { ctx: FleetDeviceContext; network: FaultyNetwork; teardown: void | (() => void) }
  const fleet: FleetDevice[] = [];
  let sent = 0;
  const epochMs = Date.UTC(2026, 5, 21) + (opts.startHour ?? 8) * 3_600_000;
  for (let i = 0; i < n; i++) {
    const id = fleetDeviceId(i);
    const { thingId, client } = fleetDeviceIdentity(id);
    const clock = new VirtualClock({ epochMs });
    // Each device its own weather: seed, and a small offset of its day (longitude) and cloud cover.
    const device = createSimDevice({
      clock, seed: seed * 100_003 + i, parts: 'standard',
      env: { startHour: (opts.startHour ?? 8) + (i % 7) * 0.1, cloudiness: 0.2 + 0.6 * random.next() },
    });
    const network = new FaultyNetwork(nodeMqttNetwork as MqttNetwork);
    const mqtt = new MqttClient({ host, port, network, ...client, ...opts.mqtt });
    const scheduler = new Scheduler(clock);
    const ctx: FleetDeviceContext = {
      index: i, id, thingId, device, board: device.board, scheduler, clock, mqtt,
      countSent: (k = 1) => { sent += k; },
    };
    fleet.push({ ctx, network, teardown: app(ctx) });
  }

  // Connect at a bounded rate: a fleet powering up must not storm the broker.
  const connectStart = performance.now();
  const rate = opts.connectRate ?? 100;
  for (let i = 0; i < n; i += rate) {
    for (let j = i; j < Math.min(n, i + rate); j++) fleet[j].ctx.mqtt.connect();
    await sleep(100);
  }
  const connectedCount = () => fleet.reduce((a, d) => a + (d.ctx.mqtt.connected ? 1 : 0), 0);
  for (let waited = 0; connectedCount() < n && waited < 60_000; waited += 50) await sleep(50);
  const connectAllMs = performance.now() - connectStart;
  log(`fleet: ${connectedCount()}/${n} devices connected in ${(connectAllMs / 1000).toFixed(1)} s`);
  gc();
  const heapPerDeviceBytes = Math.max(0, (process.memoryUsage().heapUsed - heapBefore) / n);

  // Timelines for the plot and the outage figures (sampled every 250 ms real).
  const times: number[] = [];
  const connectedSeries: number[] = [];
  const rateSeries: number[] = [];
  const reconnectSeries: number[] = [];
  let lastReceived = received;
  let lastConnects = 0;
  const totalConnects = () => fleet.reduce((a, d) => a + d.ctx.mqtt.stats.connects, 0);
  lastConnects = totalConnects();

  const durationMs = opts.durationMs;
  const flakyEvery = opts.flaky?.everyMs ?? 600_000;
  const flakyFor = opts.flaky?.forMs ?? 30_000;
  const outages = (opts.brokerOutages ?? []).map((o) => ({ ...o, started: false, ended: false, back: undefined as Promise<void> | undefined }));
  const netOutages = (opts.networkOutages ?? []).map((o) => ({ ...o, started: false, ended: false }));
  const recoveries: FleetResult['recoveries'] = [];

  for (const d of fleet) d.ctx.scheduler.run();
  const realStart = performance.now();
  let simNow = 0;
  let lastSample = realStart;
  let lastProgress = realStart;
  const every = opts.progressEveryMs ?? 1000;
  let pendingRecovery: { at: number; endReal: number; peak: number } | undefined;
  while (simNow < durationMs) {
    const real = performance.now();
    simNow = Math.min(durationMs, (real - realStart) * speed);
    for (const o of outages) {
      if (!o.started && simNow >= o.atMs) {
        o.started = true;
        log(`fleet: broker down at ${(o.atMs / 1000).toFixed(0)} s simulated, for ${(o.forMs / 1000).toFixed(0)} s`);
        if (opts.brokerOutage) {
          o.back = opts.brokerOutage(o.forMs / speed).then(() => {
            o.ended = true;
            pendingRecovery = { at: o.atMs, endReal: performance.now(), peak: 0 };
            log('fleet: broker back');
          });
        } else {
          await embedded!.suspend();
        }
      } else if (o.started && !o.ended && !opts.brokerOutage && simNow >= o.atMs + o.forMs) {
        o.ended = true;
        await embedded!.resume();
        pendingRecovery = { at: o.atMs, endReal: performance.now(), peak: 0 };
        log('fleet: broker back');
      }
    }
    for (const o of netOutages) {
      const net = fleet[o.device]?.network;
      if (!net) continue;
      if (!o.started && simNow >= o.atMs) { o.started = true; net.cut(); }
      else if (o.started && !o.ended && simNow >= o.atMs + o.forMs) { o.ended = true; net.restore(); }
    }
    for (const i of flakySet) {
      const phase = (simNow + i * 7_919) % flakyEvery;
      const net = fleet[i].network;
      if (phase < flakyFor && !net.down) net.cut();
      else if (phase >= flakyFor && net.down) net.restore();
    }
    for (const d of fleet) d.ctx.clock.advance(simNow - d.ctx.clock.elapsed);

    if (real - lastSample >= 250) {
      const dt = (real - lastSample) / 1000;
      lastSample = real;
      const c = totalConnects();
      const reconnectsPerSecond = (c - lastConnects) / dt;
      lastConnects = c;
      times.push(simNow);
      connectedSeries.push(connectedCount());
      rateSeries.push((received - lastReceived) / dt);
      reconnectSeries.push(reconnectsPerSecond);
      lastReceived = received;
      if (pendingRecovery) {
        pendingRecovery.peak = Math.max(pendingRecovery.peak, reconnectsPerSecond);
        if (connectedCount() === n) {
          recoveries.push({ afterOutageAt: pendingRecovery.at, backWithinMs: real - pendingRecovery.endReal, peakReconnectsPerSecond: pendingRecovery.peak });
          pendingRecovery = undefined;
        }
      }
    }
    if (opts.onProgress && real - lastProgress >= every) {
      lastProgress = real;
      opts.onProgress({ simulatedMs: simNow, durationMs, connected: connectedCount(), devices: n, sent, received });
    }
    await sleep(Math.max(1, Math.min(50, 1000 / speed)));
  }

  for (const o of outages) await o.back;
  // Let every device deliver what it holds (queues and in-flight QoS 1), then close.
  for (const d of fleet) if (typeof d.teardown === 'function') d.teardown();
  for (const d of fleet) d.network.restore();
  for (let waited = 0; waited < 30_000; waited += 100) {
    if (pendingRecovery && connectedCount() === n) {
      recoveries.push({ afterOutageAt: pendingRecovery.at, backWithinMs: performance.now() - pendingRecovery.endReal, peakReconnectsPerSecond: pendingRecovery.peak });
      pendingRecovery = undefined;
    }
    const busy = fleet.some((d) => d.ctx.mqtt.queued > 0 || d.ctx.mqtt.inflightCount > 0 || !d.ctx.mqtt.connected);
    if (!busy && received + fleet.reduce((a, d) => a + d.ctx.mqtt.stats.dropped, 0) >= sent) break;
    await sleep(100);
  }
  await sleep(200);
  const realMs = performance.now() - realStart;
  const dropped = fleet.reduce((a, d) => a + d.ctx.mqtt.stats.dropped, 0);
  const connects = totalConnects();
  for (const d of fleet) {
    d.ctx.scheduler.stop();
    d.ctx.mqtt.end();
  }
  // The monitor's session is persistent (it must survive a broker outage): leave nothing behind.
  monitor.unsubscribe(MONITOR_FILTER);
  monitor.end();
  await sleep(100);
  await embedded?.close();
  opts.onProgress?.({ simulatedMs: durationMs, durationMs, connected: 0, devices: n, sent, received });

  const unique = seenIds.size > 0 ? seenIds.size : received - duplicates;
  const svg = renderPlot({
    title: `thingflow-xs fleet: ${n} devices`,
    subtitle: `${(durationMs / 60_000).toFixed(0)} min simulated at ${speed}x, ${sent} messages sent, ${received} received, ${dropped} dropped`,
    durationMs,
    startHour: opts.startHour ?? 8,
    faults: (opts.brokerOutages ?? []).map((o) => ({ from: o.atMs, to: o.atMs + o.forMs, label: 'broker down' })),
    panels: [
      { title: 'Devices connected', min: 0, max: n, series: [{ name: 'connected', color: '#2ca02c', style: 'step', times, values: connectedSeries }] },
      { title: 'Messages received per second', unit: 'msg/s', min: 0, series: [{ name: 'fleet/# at the broker', color: '#1f77b4', style: 'line', times, values: rateSeries }] },
      { title: 'Reconnects per second', unit: '1/s', min: 0, series: [{ name: 'CONNACKs', color: '#d62728', style: 'line', times, values: reconnectSeries }] },
    ],
  });
  return {
    devices: n, durationMs, realMs, sent, received, dropped,
    lost: Math.max(0, sent - unique - dropped), duplicates,
    messagesPerSecond: received / (realMs / 1000),
    connects, reconnects: connects - n, connectAllMs, recoveries, heapPerDeviceBytes,
    heapMeasuredAfterGc: typeof (globalThis as { gc?: unknown }).gc === 'function', svg,
  };
}
