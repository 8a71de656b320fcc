/**
 * The WebThings REST API of WebThingServer over real HTTP (node:http client),
 * serving webthing-python's lamp: every route, status code and JSON shape.
 */
import { MultipleThings, SingleThing } from '../../../../runtime/wot/index';
import { WebThingServer } from '../../../../hosts/node/wot-server';
import { FakeGpioHumiditySensor, makeLamp } from '../../../../examples/lamp-things';
import { request } from './http-client';

const JSON_BODY = (x: unknown) => JSON.stringify(x);

describe('WebThingServer REST, single thing', () => {
  let server: WebThingServer;
  let port: number;
  beforeAll(async () => {
    server = new WebThingServer(new SingleThing(makeLamp()), { port: 0, listenAddress: '127.0.0.1', mdns: false, historyLimits: { actions: 4, events: 3 } });
    await server.start();
    port = server.port;
  });
  afterAll(() => server.stop());

  test('GET / is the thing description with ws alternate link, base, security and CORS headers', async () => {
    const r = await request(port, 'GET', '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-allow-methods']).toBe('GET, HEAD, PUT, POST, DELETE');
    const td = r.json;
    expect(td.id).toBe('urn:dev:ops:my-lamp-1234');
    expect(td.title).toBe('My Lamp');
    expect(td['@context']).toBe('https://webthings.io/schemas');
    expect(td['@type']).toEqual(['OnOffSwitch', 'Light']);
    expect(td.description).toBe('A web connected lamp');
    expect(td.links).toEqual([
      { rel: 'properties', href: '/properties' },
      { rel: 'actions', href: '/actions' },
      { rel: 'events', href: '/events' },
      { rel: 'alternate', href: `ws://127.0.0.1:${port}/` },
    ]);
    expect(td.base).toBe(`http://127.0.0.1:${port}/`);
    expect(td.securityDefinitions).toEqual({ nosec_sc: { scheme: 'nosec' } });
    expect(td.security).toBe('nosec_sc');
    expect(td.properties.brightness).toEqual({
      '@type': 'BrightnessProperty', title: 'Brightness', type: 'integer', description: 'The level of light from 0-100',
      minimum: 0, maximum: 100, unit: 'percent', links: [{ rel: 'property', href: '/properties/brightness' }],
    });
    expect(td.actions.fade.links).toEqual([{ rel: 'action', href: '/actions/fade' }]);
    expect(td.events.overheated).toEqual({
      description: 'The lamp has exceeded its safe operating temperature', type: 'number', unit: 'degree celsius',
      links: [{ rel: 'event', href: '/events/overheated' }],
    });
  });

  test('the ws link follows the Host header; Host is checked case-insensitively; other hosts get 403', async () => {
    const r = await request(port, 'GET', '/', { headers: { Host: `LocalHost:${port}` } });
    expect(r.status).toBe(200);
    expect(r.json.links[3].href).toBe(`ws://LocalHost:${port}/`);
    const bad = await request(port, 'GET', '/', { headers: { Host: 'evil.example:80' } });
    expect(bad.status).toBe(403);
    expect(bad.json.message).toContain('evil.example');
  });

  test('GET /properties and /properties/<name>; unknown name 404 with a JSON body', async () => {
    expect((await request(port, 'GET', '/properties')).json).toEqual({ on: true, brightness: 50 });
    expect((await request(port, 'GET', '/properties/on/')).json).toEqual({ on: true });
    const missing = await request(port, 'GET', '/properties/volume');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ status: '404 Not Found', message: "no property 'volume' on My Lamp" });
  });

  test('PUT /properties/<name>: 200 with the new value; 400 for schema violations, wrong key, malformed and non-object JSON', async () => {
    const ok = await request(port, 'PUT', '/properties/brightness', { body: JSON_BODY({ brightness: 75 }) });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ brightness: 75 });
    const cases: [string, number, string][] = [
      [JSON_BODY({ brightness: 101 }), 400, 'must be <= 100'],
      [JSON_BODY({ brightness: 5.5 }), 400, 'must be integer'],
      [JSON_BODY({ on: true }), 400, "key 'brightness'"],
      ['{"brightness": ', 400, 'malformed JSON'],
      ['[1,2]', 400, 'must be an object'],
      ['42', 400, 'must be an object'],
      ['null', 400, 'must be an object'],
      ['', 400, 'needs a JSON body'],
    ];
    for (const [body, status, message] of cases) {
      const r = await request(port, 'PUT', '/properties/brightness', { body });
      expect([body, r.status]).toEqual([body, status]);
      expect(r.json.message).toContain(message);
    }
    expect((await request(port, 'PUT', '/properties/volume', { body: '{"volume":1}' })).status).toBe(404);
    expect((await request(port, 'GET', '/properties/brightness')).json).toEqual({ brightness: 75 });
  });

  test('POST /actions → 201 created; status moves to completed; the overheated event is recorded', async () => {
    const r = await request(port, 'POST', '/actions', { body: JSON_BODY({ fade: { input: { brightness: 30, duration: 20 } } }) });
    expect(r.status).toBe(201);
    const d = r.json.fade;
    expect(d.status).toBe('created');
    expect(d.input).toEqual({ brightness: 30, duration: 20 });
    expect(d.href).toMatch(/^\/actions\/fade\/[0-9a-f]{32}$/);
    // The action runs on the event loop; poll its resource until it completes.
    let status = d.status;
    for (let i = 0; i < 200 && status !== 'completed'; i++) {
      await new Promise((res) => setTimeout(res, 10));
      status = (await request(port, 'GET', d.href)).json.fade.status;
    }
    expect(status).toBe('completed');
    const done = (await request(port, 'GET', d.href)).json.fade;
    expect(typeof done.timeCompleted).toBe('string');
    expect((await request(port, 'GET', '/properties/brightness')).json).toEqual({ brightness: 30 });
    const events = (await request(port, 'GET', '/events/overheated')).json;
    expect(events[events.length - 1].overheated.data).toBe(102);
    expect((await request(port, 'GET', '/events')).json.length).toBeGreaterThan(0);
    const list = (await request(port, 'GET', '/actions/fade')).json;
    expect(list.some((a: any) => a.fade.href === d.href)).toBe(true);
  });

  test('POST /actions/<name> checks the body names that action; bad input 400; unknown action 404', async () => {
    expect((await request(port, 'POST', '/actions/fade', { body: JSON_BODY({ fade: { input: { brightness: 1, duration: 1 } } }) })).status).toBe(201);
    const mismatch = await request(port, 'POST', '/actions/fade', { body: JSON_BODY({ other: {} }) });
    expect(mismatch.status).toBe(400);
    const two = await request(port, 'POST', '/actions', { body: JSON_BODY({ fade: {}, x: {} }) });
    expect(two.status).toBe(400);
    const badInput = await request(port, 'POST', '/actions', { body: JSON_BODY({ fade: { input: { brightness: 500, duration: 1 } } }) });
    expect(badInput.status).toBe(400);
    expect(badInput.json.message).toContain('input.brightness must be <= 100');
    const noInput = await request(port, 'POST', '/actions', { body: JSON_BODY({ fade: {} }) });
    expect(noInput.status).toBe(400);
    const paramsNotObject = await request(port, 'POST', '/actions', { body: JSON_BODY({ fade: 3 }) });
    expect(paramsNotObject.status).toBe(400);
    expect((await request(port, 'POST', '/actions', { body: JSON_BODY({ explode: {} }) })).status).toBe(404);
    expect((await request(port, 'POST', '/actions/explode', { body: JSON_BODY({ explode: {} }) })).status).toBe(404);
    expect((await request(port, 'GET', '/actions/explode')).status).toBe(404);
  });

  test('GET/PUT/DELETE /actions/<name>/<id>: 200, 200, 204 then 404', async () => {
    const created = (await request(port, 'POST', '/actions', { body: JSON_BODY({ fade: { input: { brightness: 60, duration: 5000 } } }) })).json.fade;
    const href: string = created.href;
    expect((await request(port, 'GET', href)).status).toBe(200);
    expect((await request(port, 'PUT', href, { body: '{}' })).status).toBe(200);
    const del = await request(port, 'DELETE', href);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await request(port, 'GET', href)).status).toBe(404);
    expect((await request(port, 'DELETE', href)).status).toBe(404);
    expect((await request(port, 'GET', '/actions/fade/0123')).status).toBe(404);
  });

  test('action history is bounded by historyLimits', async () => {
    for (let i = 0; i < 8; i++) await request(port, 'POST', '/actions', { body: JSON_BODY({ fade: { input: { brightness: 10, duration: 1 } } }) });
    const list = (await request(port, 'GET', '/actions')).json;
    expect(list.length).toBeLessThanOrEqual(4);
    await new Promise((res) => setTimeout(res, 50));
    expect((await request(port, 'GET', '/events')).json.length).toBeLessThanOrEqual(3);
  });

  test('OPTIONS 204 with CORS; HEAD has headers and no body; wrong method 405 with Allow; unknown route 404', async () => {
    const o = await request(port, 'OPTIONS', '/properties/on');
    expect(o.status).toBe(204);
    expect(o.headers['access-control-allow-headers']).toContain('Content-Type');
    const h = await request(port, 'HEAD', '/properties/on');
    expect(h.status).toBe(200);
    expect(h.text).toBe('');
    expect(Number(h.headers['content-length'])).toBe(JSON.stringify({ on: true }).length);
    const m = await request(port, 'DELETE', '/properties/on');
    expect(m.status).toBe(405);
    expect(m.headers.allow).toBe('GET, HEAD, PUT');
    expect(m.json.message).toContain('DELETE is not allowed');
    expect((await request(port, 'POST', '/')).status).toBe(405);
    expect((await request(port, 'GET', '/nothing/here')).status).toBe(404);
    expect((await request(port, 'GET', '/events/nope')).status).toBe(404);
    expect((await request(port, 'GET', '/properties/%E0%A4%A')).status).toBe(400);
  });

  test('oversize bodies get 413 (by Content-Length and by streamed size), and the server keeps serving', async () => {
    const big = JSON_BODY({ brightness: 1, pad: 'x'.repeat(20_000) });
    const r = await request(port, 'PUT', '/properties/brightness', { body: big });
    expect(r.status).toBe(413);
    expect(r.json.status).toBe('413 Payload Too Large');
    const chunked = await new Promise<number>((resolve, reject) => {
      const { request: raw } = require('node:http');
      const req = raw({ host: '127.0.0.1', port, method: 'PUT', path: '/properties/brightness', headers: { Host: `127.0.0.1:${port}`, 'Transfer-Encoding': 'chunked' } }, (res: any) => { res.resume(); resolve(res.statusCode); });
      req.on('error', reject);
      for (let i = 0; i < 40; i++) req.write('x'.repeat(1000));
      req.end();
    });
    expect(chunked).toBe(413);
    expect((await request(port, 'GET', '/properties/on')).status).toBe(200);
  });
});

describe('WebThingServer REST, multiple things and options', () => {
  let server: WebThingServer;
  let port: number;
  const sensor = new FakeGpioHumiditySensor(60_000);
  beforeAll(async () => {
    server = new WebThingServer(new MultipleThings([makeLamp(), sensor], 'LightAndTempDevice'), { port: 0, listenAddress: '127.0.0.1', mdns: false });
    await server.start();
    port = server.port;
  });
  afterAll(async () => {
    sensor.cancelUpdateLevelTask();
    await server.stop();
  });

  test('GET / lists every thing with href, ws link and base', async () => {
    const list = (await request(port, 'GET', '/')).json;
    expect(list.map((t: any) => [t.id, t.href, t.base, t.links[t.links.length - 1].href])).toEqual([
      ['urn:dev:ops:my-lamp-1234', '/0', `http://127.0.0.1:${port}/0`, `ws://127.0.0.1:${port}/0`],
      ['urn:dev:ops:my-humidity-sensor-1234', '/1', `http://127.0.0.1:${port}/1`, `ws://127.0.0.1:${port}/1`],
    ]);
    expect(list[1].properties.level.links).toEqual([{ rel: 'property', href: '/1/properties/level' }]);
  });

  test('per-thing routes under /<index>; a read-only property refuses writes; unknown thing 404', async () => {
    expect((await request(port, 'GET', '/0/properties/on')).json).toEqual({ on: true });
    sensor.level.notifyOfExternalUpdate(12.5);
    expect((await request(port, 'GET', '/1/properties/level')).json).toEqual({ level: 12.5 });
    const ro = await request(port, 'PUT', '/1/properties/level', { body: '{"level": 3}' });
    expect(ro.status).toBe(400);
    expect(ro.json.message).toContain('read-only');
    expect((await request(port, 'GET', '/2')).status).toBe(404);
    expect((await request(port, 'GET', '/x/properties')).status).toBe(404);
    expect((await request(port, 'GET', '/1/td')).json.id).toBe('urn:dev:ops:my-humidity-sensor-1234');
  });
});

describe('WebThingServer options: bearer token, basePath, additionalRoutes, middlewares, startup/shutdown', () => {
  test('token for writes: reads are open, writes need it (401 + WWW-Authenticate), TD says bearer', async () => {
    const server = new WebThingServer(new SingleThing(makeLamp()), { port: 0, listenAddress: '127.0.0.1', mdns: false, auth: { token: 's3cret' } });
    await server.start();
    const port = server.port;
    try {
      expect((await request(port, 'GET', '/properties/on')).status).toBe(200);
      const denied = await request(port, 'PUT', '/properties/on', { body: '{"on": false}' });
      expect(denied.status).toBe(401);
      expect(denied.headers['www-authenticate']).toBe('Bearer');
      const wrong = await request(port, 'PUT', '/properties/on', { body: '{"on": false}', headers: { Authorization: 'Bearer s3creT' } });
      expect(wrong.status).toBe(401);
      const ok = await request(port, 'PUT', '/properties/on', { body: '{"on": false}', headers: { Authorization: 'bearer s3cret' } });
      expect(ok.status).toBe(200);
      expect((await request(port, 'GET', '/')).json.security).toBe('bearer_sc');
      expect((await request(port, 'GET', '/td')).json.securityDefinitions).toEqual({ bearer_sc: { scheme: 'bearer', in: 'header', name: 'Authorization' } });
    } finally {
      await server.stop();
    }
  });

  test("token for everything: reads need it too, OPTIONS stays open for CORS preflight", async () => {
    const server = new WebThingServer(new SingleThing(makeLamp()), { port: 0, listenAddress: '127.0.0.1', mdns: false, auth: { token: 't', protect: 'all' } });
    await server.start();
    try {
      expect((await request(server.port, 'GET', '/properties/on')).status).toBe(401);
      expect((await request(server.port, 'GET', '/properties/on', { headers: { Authorization: 'Bearer t' } })).status).toBe(200);
      expect((await request(server.port, 'OPTIONS', '/properties/on')).status).toBe(204);
    } finally {
      await server.stop();
    }
  });

  test('basePath prefixes every route and href; additional routes and middlewares run; startup/shutdown hooks fire', async () => {
    const log: string[] = [];
    const server = new WebThingServer(new SingleThing(makeLamp()), {
      port: 0, listenAddress: '127.0.0.1', mdns: false, basePath: '/api/',
      additionalRoutes: [{ method: 'GET', path: /^\/hello\/(\w+)$/, handler: (_req, [name]) => ({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: `hello ${name}` }) }],
      middlewares: [(req, next) => {
        const r = next();
        log.push(`${req.method} ${req.url} ${r.status}`);
        return { ...r, headers: { ...r.headers, 'X-Served-By': 'thingflow-xs' } };
      }],
      onStartup: () => { log.push('startup'); },
      onShutdown: [() => { log.push('shutdown'); }],
    });
    await server.start();
    const port = server.port;
    const td = (await request(port, 'GET', '/api')).json;
    expect(td.links[0]).toEqual({ rel: 'properties', href: '/api/properties' });
    expect(td.base).toBe(`http://127.0.0.1:${port}/api`);
    const p = await request(port, 'GET', '/api/properties/on');
    expect(p.json).toEqual({ on: true });
    expect(p.headers['x-served-by']).toBe('thingflow-xs');
    expect((await request(port, 'GET', '/api/hello/lamp')).text).toBe('hello lamp');
    expect((await request(port, 'GET', '/properties/on')).status).toBe(404);
    await server.stop();
    expect(log).toEqual(['startup', 'GET /api 200', 'GET /api/properties/on 200', 'GET /api/hello/lamp 200', 'GET /properties/on 404', 'shutdown']);
  });
});
