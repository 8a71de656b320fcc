/**
 * The servers bench/wot.ts measures, one per child process so the load
 * generator never shares a thread with them. Usage: tsx bench/wot-peers.ts <kind> <port>
 *   thingflow  WebThingServer serving webthing-python's lamp
 *   nodewot    @node-wot/core + @node-wot/binding-http serving the same lamp
 *   bare       node:http returning the same JSON (the floor)
 *   ws-bare    a bare `ws` server broadcasting the same message (the WebSocket floor)
 * Each prints `READY <url-of-brightness>` when listening. For WebSocket runs,
 * POST /burst?n=<count> makes the server change `brightness` n times in a row.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { SingleThing } from '../runtime/wot/index';
import { WebThingServer } from '../hosts/node/wot-server';
import { makeLamp } from '../examples/lamp-things';

const kind = process.argv[2];
const port = Number(process.argv[3]);

function burstCount(url: string | undefined): number {
  const m = /[?&]n=(\d+)/.exec(url ?? '');
  return m ? Number(m[1]) : 0;
}

async function thingflow(): Promise<void> {
  const lamp = makeLamp();
  const brightness = lamp.findProperty('brightness')!.value;
  const server = new WebThingServer(new SingleThing(lamp), {
    port, listenAddress: '127.0.0.1', mdns: false,
    // The N=100 WebSocket run needs more sessions than the default 32.
    maxSessions: 256, connections: { maxConnections: 512 },
    additionalRoutes: [{
      method: 'POST', path: '/burst', handler: (req) => {
        const n = burstCount(req.url);
        // Alternate between two valid values so every step is a change.
        for (let i = 0; i < n; i++) brightness.notifyOfExternalUpdate(i % 2 === 0 ? 51 : 52);
        brightness.notifyOfExternalUpdate(50);
        return { status: 204, headers: {} };
      },
    }],
  });
  await server.start();
  console.log(`READY http://127.0.0.1:${server.port}/properties/brightness`);
}

async function nodewot(): Promise<void> {
  // node-wot's bundled TD schema makes ajv warn once per validation; that noise is not a result.
  const warn = console.warn;
  console.warn = (...a: unknown[]) => { if (!String(a[0]).includes('iri-reference')) warn(...a); };
  const { Servient } = await import('@node-wot/core');
  const { HttpServer } = await import('@node-wot/binding-http');
  const servient = new Servient();
  servient.addServer(new HttpServer({ port, address: '127.0.0.1' }));
  const WoT = await servient.start();
  const thing = await WoT.produce({
    title: 'My Lamp',
    id: 'urn:dev:ops:my-lamp-1234',
    description: 'A web connected lamp',
    properties: {
      on: { title: 'On/Off', type: 'boolean', description: 'Whether the lamp is turned on', observable: true },
      brightness: { title: 'Brightness', type: 'integer', description: 'The level of light from 0-100', minimum: 0, maximum: 100, unit: 'percent', observable: true },
    },
    actions: {
      fade: {
        title: 'Fade',
        input: { type: 'object', required: ['brightness', 'duration'], properties: { brightness: { type: 'integer', minimum: 0, maximum: 100 }, duration: { type: 'integer', minimum: 1 } } },
      },
    },
    events: { overheated: { description: 'The lamp has exceeded its safe operating temperature', data: { type: 'number', unit: 'degree celsius' } } },
  } as never);
  let on = true;
  let brightness = 50;
  thing.setPropertyReadHandler('on', async () => on);
  thing.setPropertyReadHandler('brightness', async () => brightness);
  thing.setPropertyWriteHandler('on', async (v) => { on = (await v.value()) as boolean; });
  thing.setPropertyWriteHandler('brightness', async (v) => { brightness = (await v.value()) as number; });
  await thing.expose();
  const td = thing.getThingDescription() as any;
  const href: string = td.properties.brightness.forms.find((f: any) => !f.subprotocol && (f.op === undefined || ([] as string[]).concat(f.op).includes('readproperty'))).href;
  // node-wot writes the machine's address into its forms; it listens on loopback only.
  const u = new URL(href);
  u.hostname = '127.0.0.1';
  console.log(`READY ${u.href}`);
}

function bare(): void {
  let brightness = 50;
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      const body = JSON.stringify({ brightness });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      brightness = JSON.parse(Buffer.concat(chunks).toString()).brightness;
      const body = JSON.stringify({ brightness });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(port, '127.0.0.1', () => console.log(`READY http://127.0.0.1:${port}/properties/brightness`));
}

function wsBare(): void {
  const server = createServer((req, res) => {
    const n = burstCount(req.url);
    for (let i = 0; i < n; i++) {
      const msg = JSON.stringify({ messageType: 'propertyStatus', data: { brightness: i % 2 === 0 ? 51 : 52 } });
      for (const c of wss.clients) c.send(msg);
    }
    const last = JSON.stringify({ messageType: 'propertyStatus', data: { brightness: 50 } });
    for (const c of wss.clients) c.send(last);
    res.writeHead(204);
    res.end();
  });
  const wss = new WebSocketServer({ server });
  server.listen(port, '127.0.0.1', () => console.log(`READY http://127.0.0.1:${port}/properties/brightness`));
}

const run: { [k: string]: () => void | Promise<void> } = { thingflow, nodewot, bare, 'ws-bare': wsBare };
if (run[kind] === undefined) {
  console.error(`unknown server kind '${kind}'`);
  process.exit(2);
}
Promise.resolve(run[kind]()).catch((e) => {
  console.error(e);
  process.exit(1);
});
