/**
 * The lux example on the simulated board (`npm start`):
 *
 *   TSL2591 light sensor → map → runningAvg(5) → hysteresis threshold → LED
 *   TMP102 temperature sensor, sampled alongside
 *
 * The LED comes on when it gets dark (the averaged light falls to LUX_DARK)
 * and goes off when it is bright again (LUX_BRIGHT). The flow is what runs on
 * a real board too: only `device` differs.
 *
 * Options (after `npm start --`):
 *   --mqtt embedded | mqtt://host:port   publish lux, temperature and LED state (ThingFlow JSON events)
 *   --wot-port <n>                       serve the board as a Web Thing on http://127.0.0.1:<n>/
 * With either, the simulator paces the day (600x unless --speed/--realtime is given);
 * with --wot-port and no --duration it serves until Ctrl-C. A broker never reached
 * makes the run fail (ctx.fail): the summary says so and the CLI exits 1.
 */
import type { SensorEvent } from '../runtime/core/input-thing';
import type { InputThing } from '../runtime/core/input-thing';
import type { OutputThing } from '../runtime/core/output-thing';
import { DigitalOutput, ecma419Source, ticksDiff, TMP102, TSL2591 } from '../runtime/index';
import type { SimAppContext } from '../sim/run';

export const LUX_DARK = 80;
export const LUX_BRIGHT = 200;
export const LIGHT_INTERVAL_SEC = 60;
export const TEMPERATURE_INTERVAL_SEC = 300;

/** The streams of the demo a network binding may publish. */
interface DemoStreams {
  light: OutputThing<SensorEvent<number>>;
  average: OutputThing<number>;
  temperature: OutputThing<SensorEvent<number>>;
  dark: OutputThing<boolean>;
}

export default async function luxDemo(ctx: SimAppContext) {
  const { device, scheduler, clock, plot, options, log, fail } = ctx;
  const bus = { ...device.I2C.default, io: device.io.SMBus };

  // Light: a failed or saturated read is skipped (and counted, with why), never the end of the stream.
  // Time since the start, from the clock a board has too (the demo runs on one: no `board` here).
  const started = clock.now();
  const sinceStart = () => ticksDiff(clock.now(), started, clock.period);
  const lightSkips = new SkippedReads(sinceStart, { ms: 1000, note: 'before its first conversion was done' });
  const lightSensor = new TSL2591({ sensor: bus, onError: (why: string) => lightSkips.because(`TSL2591: ${why}`) });
  const light = ecma419Source(lightSensor, 'illuminance', { id: 'lux', readErrors: 'skip', onReadError: (e) => lightSkips.skipped(e) });
  const luxValues = light.map((e) => e.val);
  const average = luxValues.runningAvg(5);
  const bright = average.hysteresis({ low: LUX_DARK, high: LUX_BRIGHT });
  const dark = bright.map((isBright) => !isBright);
  const led = new DigitalOutput({ io: device.io.Digital, pin: device.pin.led });
  scheduler.schedulePeriodic(light, LIGHT_INTERVAL_SEC);

  const temperatureSkips = new SkippedReads(sinceStart);
  const temperature = ecma419Source(new TMP102({ sensor: bus }), 'temperature', { id: 'temp', readErrors: 'skip', onReadError: (e) => temperatureSkips.skipped(e) });
  scheduler.schedulePeriodic(temperature, TEMPERATURE_INTERVAL_SEC);

  plot.track(light, { name: 'TSL2591 lux', panel: 'Light', unit: 'lux, log scale', style: 'dots', log: true, color: '#7f7f7f' });
  plot.track(average, { name: 'running avg (5)', panel: 'Light', color: '#1f77b4' });
  plot.threshold('Light', LUX_BRIGHT, `LED off above ${LUX_BRIGHT} lux`);
  plot.threshold('Light', LUX_DARK, `LED on below ${LUX_DARK} lux`);
  plot.track(temperature, { name: 'TMP102', panel: 'Temperature', unit: '°C', color: '#d62728' });

  log(`lux demo: light every ${LIGHT_INTERVAL_SEC} s → runningAvg(5) → hysteresis(${LUX_DARK}..${LUX_BRIGHT} lux) → LED on pin ${device.pin.led}; temperature every ${TEMPERATURE_INTERVAL_SEC} s`);

  const streams: DemoStreams = { light, average, temperature, dark };
  // Names of the things in the live page's flow graph.
  const names: [object, string][] = [
    [light, 'TSL2591 light'], [luxValues, 'map e → e.val'], [average, 'runningAvg(5)'],
    [bright, `hysteresis ${LUX_DARK}..${LUX_BRIGHT}`], [dark, 'map → dark'], [temperature, 'TMP102 temperature'], [led, `LED (pin ${device.pin.led})`],
  ];
  const closers: (() => Promise<void>)[] = [];
  if (options.mqtt) closers.push(await publishOverMqtt(String(options.mqtt === true ? 'embedded' : options.mqtt), streams, log, fail));
  if (options['wot-port'] !== undefined) {
    // As a Web Thing the LED is a writable property: the flow and clients both set it, the last write wins.
    closers.push(await serveWebThing(Number(options['wot-port']), streams, led, log, { ctx, names }));
  } else {
    dark.connect(led);
  }

  return async () => {
    log(`skipped reads: light ${lightSkips.describe(light.skippedReads)}, temperature ${temperatureSkips.describe(temperature.skippedReads)}`);
    for (const close of closers) await close();
  };
}

/**
 * Why reads were skipped: the reason the driver gave (its `onError`) or else the
 * read's error, how often, and when first. `startupNote` explains a driver's
 * reason that comes within `startupMs` of the start: the TSL2591's first sample,
 * at t=0, comes before its first conversion (100 ms) is done.
 */
class SkippedReads {
  private driverReason: string | undefined;
  private readonly reasons = new Map<string, { count: number; firstAtMs: number; fromDriver: boolean }>();
  constructor(private readonly now: () => number, private readonly startup?: { ms: number; note: string }) {}

  /** The driver says why its next sample has no value. */
  because(reason: string): void {
    this.driverReason = reason;
  }

  skipped(e: unknown): void {
    const fromDriver = this.driverReason !== undefined;
    const reason = this.driverReason ?? (e instanceof Error ? e.message : String(e));
    this.driverReason = undefined;
    const seen = this.reasons.get(reason);
    if (seen) seen.count++;
    else this.reasons.set(reason, { count: 1, firstAtMs: this.now(), fromDriver });
  }

  describe(count: number): string {
    const why = [...this.reasons].map(([reason, { count: n, firstAtMs, fromDriver }]) => {
      const when = fromDriver && this.startup && firstAtMs < this.startup.ms ? `at t=0, ${this.startup.note}` : `first after ${hoursAndMinutes(firstAtMs)}`;
      return `${this.reasons.size > 1 ? `${n} ` : ''}${reason}, ${when}`;
    });
    return why.length ? `${count} (${why.join('; ')})` : String(count);
  }
}

/** `3_600_000` → `1h00m` (the demo runs on a board too, so it does not import the simulator's formatter). */
function hoursAndMinutes(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Publish the streams to an MQTT broker (an embedded one, or a URL). Returns what closes it. */
async function publishOverMqtt(target: string, s: DemoStreams, log: (m: string) => void, fail: (reason: string) => void): Promise<() => Promise<void>> {
  // Node bindings are loaded only when asked for: the flow above stays portable.
  const { MqttClient, MqttWriter, startEmbeddedBroker } = await import('../hosts/node/index');
  let host = '127.0.0.1';
  let port = 1883;
  let broker: Awaited<ReturnType<typeof startEmbeddedBroker>> | undefined;
  if (target === 'embedded') {
    broker = await startEmbeddedBroker({ port: 0 });
    port = broker.port;
  } else {
    const url = new URL(target.includes('://') ? target : `mqtt://${target}`);
    host = url.hostname;
    port = url.port ? Number(url.port) : 1883;
  }
  const client = new MqttClient({ host, port, clientId: 'thingflow-xs-sim' });
  let lastError: unknown;
  client.on('close', (e: unknown) => { if (e !== undefined) lastError = e; });
  client.on('error', (e: unknown) => { lastError = e; });
  const why = () => (lastError === undefined ? 'no answer' : lastError instanceof Error ? lastError.message : String(lastError));
  let waiting: ReturnType<typeof setTimeout> | undefined;
  const connected = new Promise<boolean>((resolve) => {
    client.on('connect', () => resolve(true));
    waiting = setTimeout(() => resolve(false), 3000);
  });
  client.connect();
  const connectedSoon = await connected;
  clearTimeout(waiting);
  if (!connectedSoon) log(`mqtt: no connection to ${host}:${port} yet (${why()}); publishing as it comes (queued meanwhile)`);
  s.light.connect(new MqttWriter(client, 'thingflow/sim/lux'));
  s.average.connect(new MqttWriter<number>(client, 'thingflow/sim/lux-average', { encode: (v) => v.toFixed(2) }));
  s.temperature.connect(new MqttWriter(client, 'thingflow/sim/temperature'));
  // The LED topic carries changes only.
  s.dark.distinctUntilChanged().connect(new MqttWriter<boolean>(client, 'thingflow/sim/led', { encode: (on) => (on ? 'on' : 'off') }));
  log(`mqtt: publishing to ${broker ? 'the embedded broker at ' : ''}mqtt://${host}:${port}/ topics thingflow/sim/{lux,lux-average,temperature,led}`);
  return async () => {
    log(`mqtt: ${client.stats.published} messages published`);
    if (client.stats.connects === 0) fail(`mqtt: never connected to ${host}:${port} (${why()}); ${client.stats.dropped} messages dropped`);
    client.end();
    await broker?.close();
  };
}

/** Serve the board as a Web Thing whose properties follow the streams. Returns what stops it. */
async function serveWebThing(
  port: number, s: DemoStreams, led: InputThing<boolean>, log: (m: string) => void,
  page: { ctx: SimAppContext; names: [object, string][] },
): Promise<() => Promise<void>> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--wot-port must be a port number, got ${port}`);
  const { Property, SingleThing, Thing, Value, WebThingServer } = await import('../hosts/node/index');
  const thing = new Thing('urn:dev:thingflow-xs:sim-lux-demo', 'Simulated lux demo board', ['MultiLevelSensor'], 'TSL2591 + TMP102 on the simulated board, LED on when dark');
  const number = (title: string, unit: string) => ({ type: 'number', title, unit, readOnly: true });
  thing.addProperty(new Property(thing, 'illuminance', new Value(0), { ...number('Illuminance', 'lux'), '@type': 'LevelProperty' }));
  thing.addProperty(new Property(thing, 'averageIlluminance', new Value(0), number('Running average (5)', 'lux')));
  thing.addProperty(new Property(thing, 'temperature', new Value(0), { ...number('Temperature', 'degree celsius'), '@type': 'TemperatureProperty' }));
  thing.addProperty(new Property(thing, 'led', new Value(false), { type: 'boolean', title: 'LED', '@type': 'OnOffProperty' }));
  const names = [...page.names];
  const property = (name: string) => {
    const input = thing.propertyInput(name);
    names.push([input, `property ${name}`]);
    return input;
  };
  s.light.connect(property('illuminance'));
  s.average.connect(property('averageIlluminance'));
  s.temperature.connect(property('temperature'));
  // The flow sets the property only when its decision changes, so a client's write holds until the next switching.
  const changes = s.dark.distinctUntilChanged();
  changes.connect(property('led'));
  const ledWrites = thing.propertyChanges<boolean>('led');
  ledWrites.connect(led);
  names.push([changes, 'distinctUntilChanged'], [ledWrites, 'property led (flow or client)']);
  // The live page: the flow traced from its sources, the board and its faults (sim/live-page.ts).
  const { simLivePage } = await import('../sim/live-page');
  const live = simLivePage(page.ctx, [s.light, s.temperature, ledWrites], names);
  const server = new WebThingServer(new SingleThing(thing), { port, listenAddress: '127.0.0.1', mdns: false, additionalRoutes: live.routes });
  await server.start();
  log(`wot: the board is a Web Thing at http://127.0.0.1:${server.port}/ (properties: illuminance, averageIlluminance, temperature, led); open it in a browser for the live page`);
  return () => server.stop();
}
