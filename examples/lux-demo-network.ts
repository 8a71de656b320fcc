/**
 * The lux demo's network options on the simulator (`npm start -- --mqtt ...`,
 * `--wot-port <n>`): its streams published over MQTT, the board served as a
 * Web Thing with the live page. Node only: examples/lux-demo.ts loads this
 * when an option asks for it, so a board's firmware never carries it.
 */
import type { InputThing } from '../runtime/core/input-thing';
import '../runtime/filters/distinct-until-changed';
import type { SimAppContext } from '../sim/run';
import type { DemoStreams } from './lux-demo-flow';

/** Publish the streams to an MQTT broker (an embedded one, or a URL). Returns what closes it. */
export async function publishOverMqtt(target: string, s: DemoStreams, log: (m: string) => void, fail: (reason: string) => void): Promise<() => Promise<void>> {
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
export async function serveWebThing(
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
