/**
 * Whatever arrives, the server answers with a 4xx JSON error (never a 5xx,
 * never a hang) and keeps serving: property-based, with fast-check generating
 * requests and WebSocket frames against a real WebThingServer.
 */
import { createConnection } from 'node:net';
import fc from 'fast-check';
import WebSocket from 'ws';
import { SingleThing } from '../../../../runtime/wot/index';
import { WebThingServer } from '../../../../hosts/node/wot-server';
import { makeLamp } from '../../../../examples/lamp-things';
import { request } from './http-client';

const segment = fc.oneof(
  fc.constantFrom('properties', 'actions', 'events', 'on', 'brightness', 'fade', 'overheated', 'td', 'wot', 'observe', '%', '%zz', '..', '0'),
  fc.string({ maxLength: 6 }).map((s) => encodeURIComponent(s)),
);
const path = fc.array(segment, { maxLength: 4 }).map((s) => `/${s.join('/')}`);
const jsonish = fc.oneof(
  fc.json(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('{', '{"brightness":', '{"brightness": 1e400}', '{"fade":{"input":null}}', '{"fade":{"input":{"brightness":"x","duration":1}}}', '{"__proto__":{"x":1}}', '[]', 'null'),
);

describe('WebThingServer under arbitrary input', () => {
  let server: WebThingServer;
  let port: number;
  beforeAll(async () => {
    server = new WebThingServer(new SingleThing(makeLamp()), { port: 0, listenAddress: '127.0.0.1', mdns: false });
    await server.start();
    port = server.port;
  });
  afterAll(() => server.stop());

  test('Expect: 100-continue is met before the body is sent, another expectation refused with 417 (the board\'s server does the same: host-check.firmware.test.ts)', async () => {
    const socket = createConnection(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    const until = async (done: () => boolean) => { for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10)); };
    try {
      await new Promise((r) => socket.once('connect', r));
      const body = '{"on":true}';
      socket.write(`PUT /properties/on HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`);
      await until(() => got.includes('\r\n\r\n'));
      expect(got).toBe('HTTP/1.1 100 Continue\r\n\r\n');
      socket.write(body);
      await until(() => got.includes('{"on":true}'));
      expect(got.split('\r\n\r\n')[1].split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    } finally {
      socket.destroy();
    }
    const refused = await request(port, 'PUT', '/properties/on', { headers: { Expect: 'the-impossible' }, body: '{"on":true}' });
    expect(refused.status).toBe(417);
  });

  test('a client that closes its side once its request is sent (a half-close) still reads the whole answer (the board\'s server does the same on a Pico W: host-check.firmware.test.ts)', async () => {
    const socket = createConnection({ port, host: '127.0.0.1', allowHalfOpen: true });
    let got = '';
    socket.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise((r) => socket.once('connect', r));
    socket.end('GET /properties HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const deadline = setTimeout(() => socket.destroy(), 5000);
    await closed;
    clearTimeout(deadline);
    const at = got.indexOf('\r\n\r\n');
    expect(got.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(JSON.parse(got.slice(at + 4))).toEqual(expect.objectContaining({ on: expect.any(Boolean) }));
  });

  test('random method, path and body: a 2xx or a 4xx with a JSON error body, then the server still serves', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'), path, jsonish, async (method, p, body) => {
      const r = await request(port, method, p, method === 'GET' || method === 'HEAD' ? undefined : { body });
      expect(r.status).toBeLessThan(500);
      if (r.status >= 400 && method !== 'HEAD') {
        expect(typeof r.json.message).toBe('string');
        expect(r.json.status).toMatch(/^4\d\d /);
      }
      const probe = await request(port, 'GET', '/properties');
      expect(probe.status).toBe(200);
      expect(Object.keys(probe.json)).toEqual(['on', 'brightness']);
    }), { numRuns: 300 });
  });

  test('random WebSocket frames: each gets an error or a status message; the socket and server stay up', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    const inbox: any[] = [];
    const waiters: (() => void)[] = [];
    ws.on('message', (d) => { inbox.push(JSON.parse(d.toString())); const w = waiters.shift(); if (w) w(); });
    await new Promise((r) => ws.once('open', r));
    const frame = fc.oneof(
      jsonish,
      fc.record({ messageType: fc.constantFrom('setProperty', 'requestAction', 'addEventSubscription', 'x'), data: fc.oneof(fc.json().map((j) => JSON.parse(j)), fc.dictionary(fc.constantFrom('on', 'brightness', 'fade', 'overheated', 'nope'), fc.jsonValue())) }).map((o) => JSON.stringify(o)),
    );
    await fc.assert(fc.asyncProperty(frame, async (text) => {
      ws.send(text);
      // Marker: a valid request whose answer proves every earlier frame was handled.
      const marker = Math.floor(Math.random() * 1e9);
      ws.send(JSON.stringify({ messageType: `marker-${marker}`, data: {} }));
      for (;;) {
        const m = inbox.shift() ?? await new Promise<any>((resolve) => waiters.push(() => resolve(inbox.shift())));
        expect(['error', 'propertyStatus', 'actionStatus', 'event']).toContain(m.messageType);
        if (m.messageType === 'error') expect(m.data.status).not.toMatch(/^5/);
        if (m.messageType === 'error' && m.data.message === `Unknown messageType: marker-${marker}`) break;
      }
    }), { numRuns: 300 });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    expect((await request(port, 'GET', '/properties/on')).status).toBe(200);
  });

  test('W3C TD form routes: bare values, HEAD on observe, 404 for unknown names, 400 for bad JSON', async () => {
    expect((await request(port, 'GET', '/wot/properties/on')).text).toMatch(/^(true|false)$/);
    expect((await request(port, 'PUT', '/wot/properties/brightness', { body: '44' })).status).toBe(204);
    expect((await request(port, 'GET', '/wot/properties/brightness')).json).toBe(44);
    expect((await request(port, 'PUT', '/wot/properties/brightness', { body: '"x"' })).status).toBe(400);
    expect((await request(port, 'PUT', '/wot/properties/brightness', { body: '4 4' })).status).toBe(400);
    const head = await request(port, 'HEAD', '/wot/properties/brightness/observe');
    expect([head.status, head.headers['content-type']]).toEqual([200, 'text/event-stream']);
    expect((await request(port, 'GET', '/wot/properties/nope')).status).toBe(404);
    expect((await request(port, 'POST', '/wot/actions/nope')).status).toBe(404);
    expect((await request(port, 'GET', '/wot/events/nope')).status).toBe(404);
    expect((await request(port, 'POST', '/wot/actions/fade', { body: '{"brightness": 3}' })).status).toBe(400);
    expect((await request(port, 'GET', '/wot/actions/fade')).status).toBe(405);
  });
});
