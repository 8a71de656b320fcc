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
 * With either, the simulator paces the day (600x unless --speed/--realtime is given).
 */
import type { SensorEvent } from '../runtime/core/input-thing';
import type { InputThing } from '../runtime/core/input-thing';
import type { OutputThing } from '../runtime/core/output-thing';
import { DigitalOutput, ecma419Source, TMP102, TSL2591 } from '../runtime/index';
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

export default async function luxDemo({ device, scheduler, clock, plot, options, log }: SimAppContext) {
  const bus = { ...device.I2C.default, io: device.io.SMBus };
  // Why reads were skipped, for the summary: the driver says why it has no reading (its onError, first),
  // or the read threw (a bus fault: onReadError). The first reason per stream is kept.
  const skipReasons = new Map<string, string>();
  const noteSkip = (stream: string) => (why: unknown) => {
    if (skipReasons.has(stream)) return;
    const minutes = Math.floor(clock.elapsed / 60_000);
    const at = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    skipReasons.set(stream, `${stream}: first at ${at}, ${why instanceof Error ? why.message : String(why)}`);
  };

  // Light: a failed or saturated read is skipped (and counted), never the end of the stream.
  const light = ecma419Source(new TSL2591({ sensor: bus, onError: noteSkip('light') }), 'illuminance', { id: 'lux', readErrors: 'skip', onReadError: noteSkip('light') });
  const average = light.map((e) => e.val).runningAvg(5);
  const dark = average.hysteresis({ low: LUX_DARK, high: LUX_BRIGHT }).map((bright) => !bright);
  const led = new DigitalOutput({ io: device.io.Digital, pin: device.pin.led });
  scheduler.schedulePeriodic(light, LIGHT_INTERVAL_SEC);

  const temperature = ecma419Source(new TMP102({ sensor: bus, onError: noteSkip('temperature') }), 'temperature', { id: 'temp', readErrors: 'skip', onReadError: noteSkip('temperature') });
  scheduler.schedulePeriodic(temperature, TEMPERATURE_INTERVAL_SEC);

  plot.track(light, { name: 'TSL2591 lux', panel: 'Light', unit: 'lux, log scale', style: 'dots', log: true, color: '#7f7f7f' });
  plot.track(average, { name: 'running avg (5)', panel: 'Light', color: '#1f77b4' });
  plot.threshold('Light', LUX_BRIGHT, `LED off above ${LUX_BRIGHT} lux`);
  plot.threshold('Light', LUX_DARK, `LED on below ${LUX_DARK} lux`);
  plot.track(temperature, { name: 'TMP102', panel: 'Temperature', unit: '°C', color: '#d62728' });

  log(`lux demo: light every ${LIGHT_INTERVAL_SEC} s → runningAvg(5) → hysteresis(${LUX_DARK}..${LUX_BRIGHT} lux) → LED on pin ${device.pin.led}; temperature every ${TEMPERATURE_INTERVAL_SEC} s`);

  const streams: DemoStreams = { light, average, temperature, dark };
  const closers: (() => Promise<void>)[] = [];
  if (options.mqtt) closers.push(await publishOverMqtt(String(options.mqtt === true ? 'embedded' : options.mqtt), streams, log));
  if (options['wot-port'] !== undefined) {
    // As a Web Thing the LED is a writable property: the flow and clients both set it, the last write wins.
    closers.push(await serveWebThing(Number(options['wot-port']), streams, led, log));
  } else {
    dark.connect(led);
  }

  return async () => {
    log(`skipped reads: light ${light.skippedReads}, temperature ${temperature.skippedReads}`);
    for (const reason of skipReasons.values()) log(`  ${reason}`);
    for (const close of closers) await close();
  };
}

/** Publish the streams to an MQTT broker (an embedded one, or a URL). Returns what closes it. */
async function publishOverMqtt(target: string, s: DemoStreams, log: (m: string) => void): Promise<() => Promise<void>> {
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
  const connected = new Promise<boolean>((resolve) => {
    client.on('connect', () => resolve(true));
    setTimeout(() => resolve(false), 3000);
  });
  client.connect();
  if (!(await connected)) log(`mqtt: no connection to ${host}:${port} yet; publishing as it comes (queued meanwhile)`);
  s.light.connect(new MqttWriter(client, 'thingflow/sim/lux'));
  s.average.connect(new MqttWriter<number>(client, 'thingflow/sim/lux-average', { encode: (v) => v.toFixed(2) }));
  s.temperature.connect(new MqttWriter(client, 'thingflow/sim/temperature'));
  // The LED topic carries changes only.
  s.dark.distinctUntilChanged().connect(new MqttWriter<boolean>(client, 'thingflow/sim/led', { encode: (on) => (on ? 'on' : 'off') }));
  log(`mqtt: publishing to ${broker ? 'the embedded broker at ' : ''}mqtt://${host}:${port}/ topics thingflow/sim/{lux,lux-average,temperature,led}`);
  return async () => {
    log(`mqtt: ${client.stats.published} messages published`);
    client.end();
    await broker?.close();
  };
}

/** Serve the board as a Web Thing whose properties follow the streams. Returns what stops it. */
async function serveWebThing(port: number, s: DemoStreams, led: InputThing<boolean>, log: (m: string) => void): Promise<() => Promise<void>> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--wot-port must be a port number, got ${port}`);
  const { Property, SingleThing, Thing, Value, WebThingServer } = await import('../hosts/node/index');
  const thing = new Thing('urn:dev:thingflow-xs:sim-lux-demo', 'Simulated lux demo board', ['MultiLevelSensor'], 'TSL2591 + TMP102 on the simulated board, LED on when dark');
  const number = (title: string, unit: string) => ({ type: 'number', title, unit, readOnly: true });
  thing.addProperty(new Property(thing, 'illuminance', new Value(0), { ...number('Illuminance', 'lux'), '@type': 'LevelProperty' }));
  thing.addProperty(new Property(thing, 'averageIlluminance', new Value(0), number('Running average (5)', 'lux')));
  thing.addProperty(new Property(thing, 'temperature', new Value(0), { ...number('Temperature', 'degree celsius'), '@type': 'TemperatureProperty' }));
  thing.addProperty(new Property(thing, 'led', new Value(false), { type: 'boolean', title: 'LED', '@type': 'OnOffProperty' }));
  s.light.connect(thing.propertyInput('illuminance'));
  s.average.connect(thing.propertyInput('averageIlluminance'));
  s.temperature.connect(thing.propertyInput('temperature'));
  // The flow sets the property only when its decision changes, so a client's write holds until the next switching.
  s.dark.distinctUntilChanged().connect(thing.propertyInput('led'));
  thing.propertyChanges<boolean>('led').connect(led);
  const server = new WebThingServer(new SingleThing(thing), { port, listenAddress: '127.0.0.1', mdns: false });
  await server.start();
  log(`wot: the board is a Web Thing at http://127.0.0.1:${server.port}/ (properties: illuminance, averageIlluminance, temperature, led)`);
  return () => server.stop();
}
