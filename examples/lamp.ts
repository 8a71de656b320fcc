/**
 * webthing-python's lamp examples on thingflow-xs.
 *   npm run lamp -- --port 8888              single-thing.py: the lamp at /
 *   npm run lamp -- --port 8888 --multiple   multiple-things.py: lamp at /0, humidity sensor at /1
 * Options: --no-mdns, --token <t> (bearer token for writes).
 */
import { MultipleThings, SingleThing, WebThingServer } from '../hosts/node/index';
import { FakeGpioHumiditySensor, makeLamp } from './lamp-things';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(arg('--port') ?? 8888);
  const multiple = process.argv.includes('--multiple');
  const token = arg('--token');
  let sensor: FakeGpioHumiditySensor | undefined;
  let things;
  if (multiple) {
    const light = makeLamp({ on: (v) => console.log('On-State is now', v), brightness: (v) => console.log('Brightness is now', v) });
    sensor = new FakeGpioHumiditySensor();
    things = new MultipleThings([light, sensor], 'LightAndTempDevice');
  } else {
    things = new SingleThing(makeLamp());
  }
  const server = new WebThingServer(things, {
    port,
    mdns: process.argv.includes('--no-mdns') ? false : undefined,
    auth: token !== undefined ? { token } : undefined,
  });
  await server.start();
  console.log(`serving ${multiple ? 'LightAndTempDevice (lamp at /0, sensor at /1)' : 'My Lamp at /'} on http://localhost:${server.port}/`);
  const stop = async () => {
    sensor?.cancelUpdateLevelTask();
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
