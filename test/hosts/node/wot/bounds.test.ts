/**
 * Every bound of the WoT server (docs/bounds.md, rows "wot") against the real WebThingServer with
 * real clients (node:http, node:net, ws): nesting depth, slow WebSocket and SSE consumers,
 * amplification, action floods, connection floods and timeouts, protocol points (issues 11 and 16).
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { Action, Event, Property, SingleThing, Thing, Value, newActionId } from '../../../../runtime/wot/index';
import { PropertyError } from '../../../../runtime/wot/property-error';
import { WebThingServer, type WebThingServerOptions } from '../../../../hosts/node/wot-server';
import { makeLamp } from '../../../../examples/lamp-things';
import { request } from './http-client';

class RunAction extends Action<unknown> {
  constructor(thing: Thing, input: unknown) {
    super(newActionId(), thing, 'run', input);
  }
}

/** A thing with array and object properties and an action whose input has no schema: what deep JSON targets. */
function makeStore(): Thing {
  const t = new Thing('urn:test:store', 'Store');
  t.addProperty(new Property(t, 'list', new Value<unknown>([]), { type: 'array' }));
  t.addProperty(new Property(t, 'config', new Value<unknown>({}), { type: 'object' }));
  t.addProperty(new Property(t, 'level', new Value(0), { type: 'number' }));
  t.addAvailableAction('run', {}, RunAction);
  t.addAvailableEvent('tick', { type: 'number' });
  return t;
}

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

async function serve(thing: Thing, opts?: WebThingServerOptions): Promise<WebThingServer> {
  const server = new WebThingServer(new SingleThing(thing), { port: 0, listenAddress: '127.0.0.1', mdns: false, ...opts });
  await server.start();
  return server;
}

/** A ws client that keeps every message and the close code. */
class Client {
  readonly ws: WebSocket;
  readonly inbox: any[] = [];
  bytesIn = 0;
  closeCode: number | undefined;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  constructor(url: string, opts?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, opts);
    this.ws.on('message', (d) => {
      const text = d.toString();
      this.bytesIn += Buffer.byteLength(text);
      this.inbox.push(JSON.parse(text));
    });
    this.opened = new Promise((resolve, reject) => { this.ws.once('open', () => resolve()); this.ws.once('error', reject); });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => { this.closeCode = code; resolve(code); }));
  }
  send(x: unknown): number {
    const text = typeof x === 'string' ? x : JSON.stringify(x);
    this.ws.send(text);
    return Buffer.byteLength(text);
  }
  /** Wait until `pred` holds for the inbox (polling the event loop, bounded). */
  async until(pred: () => boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out; inbox: ${JSON.stringify(this.inbox).slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Send raw bytes and collect the raw answer until the server closes (or `ms`). */
function raw(port: number, text: string, ms = 3000): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const t = setTimeout(() => { s.destroy(); resolve(got); }, ms);
    s.on('data', (d) => { got += d.toString('latin1'); });
    s.on('close', () => { clearTimeout(t); resolve(got); });
    s.on('error', () => {});
    s.write(text);
  });
}

describe('nesting depth (issue 16.1): 400 naming the limit at every entry point; the thing stays readable', () => {
  let server: WebThingServer;
  let port: number;
  let thing: Thing;
  beforeAll(async () => {
    thing = makeStore();
    server = await serve(thing);
    port = server.port;
  });
  afterAll(() => server.stop());

  async function stillReadable(): Promise<void> {
    expect((await request(port, 'GET', '/properties')).status).toBe(200);
    expect((await request(port, 'GET', '/actions')).status).toBe(200);
    expect((await request(port, 'GET', '/')).status).toBe(200);
  }

  test('HTTP property PUT, W3C PUT and action POST with 5,000 levels: 400 naming 32', async () => {
    const deep = nested(5000);
    for (const [method, path, body] of [
      ['PUT', '/properties/list', `{"list":${deep}}`],
      ['PUT', '/wot/properties/list', deep],
      ['POST', '/actions', `{"run":{"input":${deep}}}`],
      ['POST', '/actions/run', `{"run":{"input":${deep}}}`],
      ['POST', '/wot/actions/run', deep],
    ]) {
      const r = await request(port, method, path, { body });
      expect([path, r.status]).toEqual([path, 400]);
      expect(r.json.message).toContain('32 levels');
      await stillReadable();
    }
    expect(server.counters.tooDeep).toBeGreaterThanOrEqual(5);
  });

  test('32 levels are accepted and written back; 33 are refused, whether the text or the value is deep', async () => {
    const ok = await request(port, 'PUT', '/properties/list', { body: `{"list":${nested(32)}}` });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe(`{"list":${nested(32)}}`);
    const over = await request(port, 'PUT', '/properties/list', { body: `{"list":${nested(33)}}` });
    expect(over.status).toBe(400);
    expect(over.json.message).toContain('maxJsonDepth');
    expect((await request(port, 'GET', '/properties/list')).text).toBe(`{"list":${nested(32)}}`);
    // A value built in code (a flow, an MQTT `set`) is checked too: it is stored only if it can be written back.
    let v: unknown[] = [];
    for (let i = 0; i < 5000; i++) v = [v];
    expect(() => thing.setProperty('list', v)).toThrow(PropertyError);
    expect(() => thing.syncProperty('config', { a: v })).toThrow(/32 levels/);
    expect(() => thing.setProperty('list', [1, [Infinity]])).toThrow(/non-finite/);
    await stillReadable();
  });

  test('WebSocket setProperty and requestAction: one 400 error naming the limit; nothing stored', async () => {
    const c = new Client(`ws://127.0.0.1:${port}/`);
    await c.opened;
    c.send(`{"messageType":"setProperty","data":{"list":${nested(5000)}}}`);
    c.send(`{"messageType":"requestAction","data":{"run":{"input":${nested(40)}}}}`);
    c.send(`{"messageType":"setProperty","data":{"config":{"a":${nested(40)}}}}`);
    await c.until(() => c.inbox.length >= 3);
    for (const m of c.inbox) {
      expect(m.messageType).toBe('error');
      expect(m.data.status).toBe('400 Bad Request');
      expect(m.data.message).toContain('32 levels');
    }
    expect(thing.getActionDescriptions('run')).toEqual([]);
    c.ws.close();
    await stillReadable();
  });

  test('the limit is configurable (maxJsonDepth)', async () => {
    const s = await serve(makeStore(), { maxJsonDepth: 4 });
    try {
      expect((await request(s.port, 'PUT', '/properties/list', { body: `{"list":${nested(4)}}` })).status).toBe(200);
      const r = await request(s.port, 'PUT', '/properties/list', { body: `{"list":${nested(5)}}` });
      expect(r.status).toBe(400);
      expect(r.json.message).toContain('deeper than 4 levels');
    } finally {
      await s.stop();
    }
  });
});

describe('actions (issues 11.14, 16.4): deleting settles the waiting POST, eviction stops the work, a cap on running actions', () => {
  test('DELETE of a pending action answers the W3C POST that waits for it (410), and its timer is cleared', async () => {
    const server = await serve(makeLamp());
    // The fade's own timer, followed through the real setTimeout/clearTimeout: a count of the process's
    // live timers also counts sockets' and earlier tests' timers, which come and go under load.
    const set = jest.spyOn(global, 'setTimeout');
    const clear = jest.spyOn(global, 'clearTimeout');
    const fadeTimer = () => set.mock.results[set.mock.calls.findIndex((c) => c[1] === 600000)]?.value;
    const cleared = (timer: unknown) => clear.mock.calls.some((c) => c[0] === timer);
    try {
      const waiting = request(server.port, 'POST', '/wot/actions/fade', { body: '{"brightness":10,"duration":600000}' });
      waiting.catch(() => undefined); // should an expectation below fail, the server's stop must not fail the next test
      let list: any[] = [];
      for (let i = 0; i < 100 && list.length === 0; i++) {
        await sleep(10);
        list = (await request(server.port, 'GET', '/actions/fade')).json;
      }
      expect(list[0].fade.status).toBe('pending');
      const timer = fadeTimer();
      expect(timer).toBeDefined();
      expect(cleared(timer)).toBe(false);
      expect((await request(server.port, 'DELETE', list[0].fade.href)).status).toBe(204);
      const answered = await waiting;
      expect(answered.status).toBe(410);
      expect(answered.json.message).toContain('cancelled');
      expect(cleared(timer)).toBe(true);
      expect((await request(server.port, 'GET', list[0].fade.href)).status).toBe(404);
    } finally {
      set.mockRestore();
      clear.mockRestore();
      await server.stop();
    }
  });

  test('an action evicted from the bounded history is cancelled (it never acts), its waiting POST answered, and gone (404)', async () => {
    const lamp = makeLamp();
    const server = await serve(lamp, { historyLimits: { actions: 2 }, maxRunningActions: 100 });
    try {
      const first = request(server.port, 'POST', '/wot/actions/fade', { body: '{"brightness":77,"duration":400}' });
      await sleep(50);
      const firstHref = (await request(server.port, 'GET', '/actions/fade')).json[0].fade.href;
      for (let i = 0; i < 2; i++) {
        expect((await request(server.port, 'POST', '/actions', { body: '{"fade":{"input":{"brightness":10,"duration":600000}}}' })).status).toBe(201);
      }
      expect((await first).status).toBe(410);
      expect((await request(server.port, 'GET', firstHref)).status).toBe(404);
      expect((await request(server.port, 'DELETE', firstHref)).status).toBe(404);
      await sleep(600);
      // Its timer was cleared: the brightness it would have set at 400 ms never came.
      expect(lamp.getProperty('brightness')).not.toBe(77);
      expect((await request(server.port, 'GET', '/events')).json).toEqual([]);
      for (const a of (await request(server.port, 'GET', '/actions/fade')).json) {
        expect((await request(server.port, 'DELETE', a.fade.href)).status).toBe(204);
      }
    } finally {
      await server.stop();
    }
  });

  test('10,000 POSTs of a long action: at most maxRunningActions run, the rest get 503 + Retry-After; live timers back at baseline', async () => {
    const server = await serve(makeLamp(), { maxRunningActions: 8 });
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    try {
      const base = liveTimers();
      let created = 0;
      let refused = 0;
      let retryAfter: string | undefined;
      let peak = 0;
      const body = '{"fade":{"input":{"brightness":10,"duration":600000}}}';
      const post = () => new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/actions', agent, headers: { Host: `127.0.0.1:${server.port}`, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 201) created++;
            else if (res.statusCode === 503) { refused++; retryAfter = res.headers['retry-after'] as string; }
            peak = Math.max(peak, liveTimers() - base);
            resolve();
          });
        });
        req.on('error', reject);
        req.end(body);
      });
      for (let sent = 0; sent < 10_000; sent += 100) await Promise.all(Array.from({ length: 100 }, post));
      expect(created).toBe(8);
      expect(refused).toBe(10_000 - 8);
      expect(retryAfter).toBe('1');
      expect(server.counters.actionsRefused).toBe(10_000 - 8);
      expect(peak).toBeLessThanOrEqual(8 + 1); // the guard's sweep interval may be the +1
      for (const a of (await request(server.port, 'GET', '/actions/fade')).json) await request(server.port, 'DELETE', a.fade.href);
      agent.destroy();
      // The sockets close on the server's turn of the loop: a loaded machine may take a while.
      for (let i = 0; i < 100 && liveTimers() > base; i++) await sleep(20);
      expect(liveTimers()).toBeLessThanOrEqual(base);
    } finally {
      agent.destroy();
      await server.stop();
    }
  }, 60_000);
});

describe('slow consumers (issues 11.15, 16.2): a byte budget per client, updates coalesced, events dropped, 1008 past it', () => {
  test('a WebSocket client that stops reading: server buffer stays near 64 KiB, it gets the latest value when it reads again', async () => {
    const thing = makeStore();
    const server = await serve(thing, { outbound: { maxBufferedBytes: 64 * 1024, closeAfterMs: 60_000 } });
    try {
      const c = new Client(`ws://127.0.0.1:${server.port}/`);
      await c.opened;
      c.send({ messageType: 'addEventSubscription', data: { tick: {} } });
      await sleep(50);
      (c.ws as any)._socket.pause();
      const serverSide = [...(server as any).wss.clients][0] as WebSocket;
      let most = 0;
      for (let round = 0; round < 100; round++) {
        for (let i = 0; i < 2000; i++) {
          thing.setProperty('level', round * 2000 + i + 1);
          if (i % 100 === 0) thing.addEvent(new Event(thing, 'tick', i));
        }
        most = Math.max(most, serverSide.bufferedAmount);
        await new Promise((r) => setImmediate(r));
      }
      // 200,000 updates of ~60 bytes (12 MB) never read: held within the budget plus one message.
      expect(most).toBeLessThanOrEqual(64 * 1024 + 200);
      expect(server.counters.coalesced).toBeGreaterThan(100_000);
      expect(server.counters.dropped).toBeGreaterThan(0);
      (c.ws as any)._socket.resume();
      await c.until(() => c.inbox.some((m) => m.messageType === 'propertyStatus' && m.data.level === 200_000), 10_000);
      const last = c.inbox.filter((m) => m.messageType === 'propertyStatus').pop();
      expect(last.data.level).toBe(200_000);
      c.ws.close();
    } finally {
      await server.stop();
    }
  }, 30_000);

  test('a WebSocket client over budget for longer than closeAfterMs is closed with 1008', async () => {
    const thing = makeStore();
    const server = await serve(thing, { outbound: { maxBufferedBytes: 16 * 1024, closeAfterMs: 300 } });
    try {
      const c = new Client(`ws://127.0.0.1:${server.port}/`);
      await c.opened;
      (c.ws as any)._socket.pause();
      // Loopback socket buffers take several MB before the server's own buffer fills.
      const end = Date.now() + 10_000;
      let n = 0;
      while (Date.now() < end && server.counters.closedSlow === 0) {
        for (let i = 0; i < 2000; i++) thing.setProperty('level', ++n);
        await sleep(1);
      }
      expect(server.counters.closedSlow).toBe(1);
      expect(thing.subscriberCount).toBe(0);
      (c.ws as any)._socket.resume();
      expect(await c.closed).toBe(1008);
      expect(server.counters.sessions).toBe(0);
    } finally {
      await server.stop();
    }
  }, 20_000);

  test('an SSE client that stops reading: the response buffer stays within the budget, the latest value comes when it reads', async () => {
    const thing = makeStore();
    const server = await serve(thing, { outbound: { maxBufferedBytes: 32 * 1024, closeAfterMs: 60_000 } });
    // The server's own sockets, to read what it holds unsent.
    const serverSockets: Socket[] = [];
    (server as any).http.on('connection', (sock: Socket) => serverSockets.push(sock));
    try {
      let text = '';
      const res = await new Promise<import('node:http').IncomingMessage>((resolve) => {
        httpRequest({ host: '127.0.0.1', port: server.port, path: '/wot/properties/level/observe', headers: { Host: `127.0.0.1:${server.port}` } }, resolve).end();
      });
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      await sleep(50);
      res.socket.pause();
      res.pause();
      let most = 0;
      for (let round = 0; round < 100; round++) {
        for (let i = 0; i < 2000; i++) thing.setProperty('level', round * 2000 + i + 1);
        for (const sock of serverSockets) most = Math.max(most, sock.writableLength);
        await new Promise((r) => setImmediate(r));
      }
      expect(most).toBeLessThanOrEqual(32 * 1024 + 100);
      expect(server.counters.coalesced).toBeGreaterThan(100_000);
      res.socket.resume();
      res.resume();
      const end = Date.now() + 10_000;
      while (!text.includes('data: 200000\n') && Date.now() < end) await sleep(20);
      expect(text).toContain('data: 200000\n');
      res.destroy();
    } finally {
      await server.stop();
    }
  }, 30_000);
});

describe('WebSocket sessions (issue 11.15): a cap, 503 past it', () => {
  test('maxSessions: 2 — the third upgrade gets 503 with Retry-After; a closed session frees its place', async () => {
    const server = await serve(makeLamp(), { maxSessions: 2 });
    try {
      const a = new Client(`ws://127.0.0.1:${server.port}/`);
      const b = new Client(`ws://127.0.0.1:${server.port}/`);
      await Promise.all([a.opened, b.opened]);
      const refused = new WebSocket(`ws://127.0.0.1:${server.port}/`);
      const res = await new Promise<import('node:http').IncomingMessage>((resolve) => refused.once('unexpected-response', (_req, r) => resolve(r)));
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(server.counters.sessionsRefused).toBe(1);
      a.ws.close();
      await a.closed;
      await sleep(50);
      const c = new Client(`ws://127.0.0.1:${server.port}/`);
      await c.opened;
      expect(server.counters.sessions).toBe(2);
      b.ws.close();
      c.ws.close();
    } finally {
      await server.stop();
    }
  });
});

describe('amplification (issue 16.3): one error per message, no echo, replies within 4× what was sent', () => {
  let server: WebThingServer;
  let port: number;
  beforeAll(async () => {
    server = await serve(makeLamp(), { auth: { token: 's3cret' } });
    port = server.port;
  });
  afterAll(() => server.stop());

  test('a 16 KiB frame naming 1,551 unknown events gets one short error', async () => {
    const c = new Client(`ws://127.0.0.1:${port}/`);
    await c.opened;
    const data: { [k: string]: object } = {};
    for (let i = 0; i < 1551; i++) data[`e${i}`] = {};
    const sent = c.send({ messageType: 'addEventSubscription', data });
    c.send({ messageType: 'marker', data: {} });
    await c.until(() => c.inbox.length >= 2);
    await sleep(50);
    expect(c.inbox).toHaveLength(2);
    expect(c.inbox[0].data.message).toContain('and 1550 more of 1551 names');
    expect(JSON.stringify(c.inbox[0]).length).toBeLessThan(300);
    expect(c.bytesIn).toBeLessThanOrEqual(4 * sent);
    c.ws.close();
  });

  test('without a token: a 200-name setProperty gets one cheap 401, never the request back', async () => {
    const c = new Client(`ws://127.0.0.1:${port}/`);
    await c.opened;
    const data: { [k: string]: number } = {};
    for (let i = 0; i < 200; i++) data[`name${i}`] = i;
    const sent = c.send({ messageType: 'setProperty', data });
    await c.until(() => c.inbox.length >= 1);
    await sleep(50);
    expect(c.inbox).toHaveLength(1);
    expect(c.inbox[0].data.status).toBe('401 Unauthorized');
    expect(JSON.stringify(c.inbox[0])).not.toContain('name1');
    expect(c.bytesIn).toBeLessThan(sent);
    c.ws.close();
  });

  test('10,000 one-byte bad frames: error replies stop at 4× the bytes sent (plus 1 KiB), counted', async () => {
    const c = new Client(`ws://127.0.0.1:${port}/`);
    await c.opened;
    let sent = 0;
    for (let i = 0; i < 10_000; i++) sent += c.send('{');
    sent += c.send({ messageType: 'setProperty', data: { brightness: 'x' } });
    await sleep(500);
    expect(c.bytesIn).toBeLessThanOrEqual(4 * sent + 1024);
    expect(server.counters.repliesSuppressed).toBeGreaterThan(0);
    c.ws.close();
  });

  test('HTTP error paths quote at most a short excerpt: an 8 KB unknown path, a long body key', async () => {
    const path = `/${'x'.repeat(8000)}`;
    const r = await request(port, 'GET', path);
    expect(r.status).toBe(404);
    expect(r.text.length).toBeLessThan(200);
    const body = `{"${'k'.repeat(8000)}":1}`;
    const p = await request(port, 'PUT', '/properties/brightness', { body, headers: { Authorization: 'Bearer s3cret' } });
    expect(p.status).toBe(400);
    expect(p.text.length).toBeLessThan(200);
  });
});

describe('connections (issue 16.5): a cap that sheds the oldest idle, timeouts that destroy the socket', () => {
  test('more idle and trickling connections than the cap: the oldest are shed and a fresh client is served', async () => {
    const server = await serve(makeLamp(), { connections: { maxConnections: 20, headersTimeoutMs: 60_000, keepAliveTimeoutMs: 60_000 } });
    const sockets: Socket[] = [];
    let closedByServer = 0;
    const timers: ReturnType<typeof setInterval>[] = [];
    try {
      for (let i = 0; i < 60; i++) {
        const s = connect(server.port, '127.0.0.1');
        s.on('error', () => {});
        s.on('close', () => { closedByServer++; });
        await new Promise((r) => s.once('connect', r));
        if (i % 2 === 1) {
          // slowloris: a request line, then one header byte every 200 ms
          s.write('GET /properties HTTP/1.1\r\n');
          timers.push(setInterval(() => { if (!s.destroyed) s.write('X'); }, 200));
        }
        sockets.push(s);
      }
      await sleep(200);
      expect(closedByServer).toBeGreaterThanOrEqual(40);
      expect(server.counters.connections).toBeLessThanOrEqual(20);
      expect(server.counters.connectionsShed).toBeGreaterThanOrEqual(40);
      const fresh = await request(server.port, 'GET', '/properties');
      expect(fresh.status).toBe(200);
    } finally {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await server.stop();
    }
  }, 30_000);

  test('a client that pipelines two POSTs that wait for their actions (1 s, then 3 s) gets both answers, however short the keep-alive: the first answer\'s end does not make the connection idle while the second is still to come (the old server did, and cut it at the keep-alive timeout)', async () => {
    const server = await serve(makeLamp(), { connections: { keepAliveTimeoutMs: 500 } });
    const s = connect(server.port, '127.0.0.1');
    try {
      s.on('error', () => {});
      let got = '';
      s.on('data', (d: Buffer) => { got += d.toString('latin1'); });
      const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
      await new Promise((r) => s.once('connect', r));
      const fade = (ms: number) => {
        const body = `{"brightness":10,"duration":${ms}}`;
        return `POST /wot/actions/fade HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      };
      s.write(fade(1000) + fade(3000));
      const start = Date.now();
      const answers = () => got.match(/HTTP\/1\.1 \d{3}/g) ?? [];
      while (answers().length < 2 && !s.destroyed && Date.now() - start < 10_000) await sleep(50);
      expect({ answers: answers(), after: Date.now() - start >= 3000, timedOut: server.counters.connectionsTimedOut }).toEqual({ answers: ['HTTP/1.1 204', 'HTTP/1.1 204'], after: true, timedOut: 0 });
      await closed; // then idle: closed at the keep-alive timeout
      expect(server.counters.connectionsTimedOut).toBe(1);
    } finally {
      s.destroy();
      await server.stop();
    }
  }, 20_000);

  test('a client that sends part of its headers and keeps its side open is destroyed at the headers timeout', async () => {
    const server = await serve(makeLamp(), { connections: { headersTimeoutMs: 1000 } });
    try {
      const s = connect(server.port, '127.0.0.1');
      s.on('error', () => {});
      s.write('GET /properties HTTP/1.1\r\nHost: x\r\n');
      const start = Date.now();
      await new Promise((r) => s.once('close', r));
      expect(Date.now() - start).toBeLessThan(5000);
      expect(server.counters.connectionsTimedOut).toBe(1);
      // An idle kept-alive connection goes too, at the keep-alive timeout.
      const k = connect(server.port, '127.0.0.1');
      k.on('error', () => {});
      k.write(`GET /properties HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
      k.resume(); // read the answer, so the end of the stream is seen
      await new Promise((r) => k.once('close', r));
      expect(server.counters.connectionsTimedOut + server.counters.connections).toBeGreaterThanOrEqual(1);
    } finally {
      await server.stop();
    }
  }, 20_000);
});

describe('an answer its client does not take: given up once it has taken nothing for sendTimeoutMs', () => {
  /** A thing whose `blob` answer is 8 MB: more than the loopback's socket buffers (about 4 MB) hold for a client that does not read. */
  function makeBig(): Thing {
    const t = new Thing('urn:test:big', 'Big');
    t.addProperty(new Property(t, 'blob', new Value('x'.repeat(8_000_000)), { type: 'string' }));
    t.addProperty(new Property(t, 'level', new Value(1), { type: 'number' }));
    return t;
  }
  /** The big thing served with `connections` limits, and a raw client connected to it: both closed after `run`. */
  async function withClient(connections: WebThingServerOptions['connections'], run: (server: WebThingServer, s: Socket) => Promise<void>): Promise<void> {
    const server = await serve(makeBig(), { connections });
    const s = connect(server.port, '127.0.0.1');
    s.on('error', () => {});
    try {
      await new Promise((r) => s.once('connect', r));
      await run(server, s);
    } finally {
      s.destroy();
      await server.stop();
    }
  }
  /** How long the server took to time a connection out (waiting at most `ms`). */
  async function timedOutAfter(server: WebThingServer, ms: number): Promise<number> {
    const start = Date.now();
    while (server.counters.connectionsTimedOut === 0 && Date.now() - start < ms) await sleep(100);
    return Date.now() - start;
  }
  /** The kernel's TCP connections on the server's side of `port` (/proc/net/tcp: local address, state), listening socket aside. */
  const serverSideConnections = (port: number) => readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length > 3 && parseInt(f[1].split(':')[1], 16) === port && f[3] !== '0A')
    .map((f) => `state ${f[3]}, send queue ${parseInt(f[4].split(':')[0], 16)}`);
  const getBlob = (port: number) => `GET /properties/blob HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;

  test('a client that stops reading an 8 MB answer is reset and counted once it has taken nothing for sendTimeoutMs; the server goes on serving (the old server kept it, a place of its cap, for as long as the client lived)', async () => {
    await withClient({ sendTimeoutMs: 1000 }, async (server, s) => {
      let error = '';
      s.on('error', (e: NodeJS.ErrnoException) => { error = String(e.code); });
      s.write(getBlob(server.port)); // and nothing read: no 'data' listener, the socket's buffer fills, then the kernel's
      expect(await timedOutAfter(server, 10_000)).toBeGreaterThanOrEqual(1000);
      // Reset, not closed: the kernel keeps nothing of it (closed, it kept the connection in FIN_WAIT1 with ~4 MB still to send, and
      // the client, reading again, got all of that).
      expect({ counted: server.counters.connectionsTimedOut, open: server.counters.connections, kernel: serverSideConnections(server.port) }).toEqual({ counted: 1, open: 0, kernel: [] });
      // Reading again, the client gets what its own buffers held, then the end (Linux reads that much before the reset).
      let got = 0;
      const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
      s.on('data', (d: Buffer) => { got += d.length; });
      await closed;
      expect({ cut: got < 8_000_000, error }).toEqual({ cut: true, error: '' });
      expect((await request(server.port, 'GET', '/properties/level')).status).toBe(200);
    });
  }, 20_000);

  test('a client that pipelines 60,000 small requests and reads none of the answers is reset and counted the same way (each answer small, together more than the socket buffers; the old server set the connection idle at each answer\'s end, with answers still to go, and with a long keep-alive kept it)', async () => {
    await withClient({ sendTimeoutMs: 1000, keepAliveTimeoutMs: 60_000 }, async (server, s) => {
      s.write(`GET /properties/level HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`.repeat(60_000));
      await timedOutAfter(server, 15_000);
      expect({ counted: server.counters.connectionsTimedOut, open: server.counters.connections, kernel: serverSideConnections(server.port) }).toEqual({ counted: 1, open: 0, kernel: [] });
      expect((await request(server.port, 'GET', '/properties/level')).status).toBe(200);
    });
  }, 30_000);

  test('a client that reads the 8 MB answer slowly, a megabyte at a time with pauses shorter than sendTimeoutMs, gets all of it, however long the whole takes', async () => {
    await withClient({ sendTimeoutMs: 1000 }, async (server, s) => {
      const start = Date.now();
      let got = 0;
      let nextPause = 1_000_000;
      const done = new Promise<void>((resolve) => {
        s.on('data', (d: Buffer) => {
          got += d.length;
          if (got >= 8_000_000) resolve();
          if (got >= nextPause) {
            nextPause += 1_000_000;
            s.pause();
            setTimeout(() => s.resume(), 600);
          }
        });
      });
      s.write(getBlob(server.port));
      await done;
      expect(Date.now() - start).toBeGreaterThan(2000); // longer than the timeout: it was measured from progress, not from the start
      expect(server.counters.connectionsTimedOut).toBe(0);
    });
  }, 30_000);
});

describe('protocol points (issue 16.6)', () => {
  let server: WebThingServer;
  let port: number;
  beforeAll(async () => {
    server = await serve(makeLamp());
    port = server.port;
  });
  afterAll(() => server.stop());

  test('two Host headers: 400 (RFC 9112 §3.2), for a request and for a WebSocket upgrade', async () => {
    const h = `127.0.0.1:${port}`;
    expect(await raw(port, `GET /properties HTTP/1.1\r\nHost: ${h}\r\nHost: ${h}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw(port, `GET / HTTP/1.1\r\nHost: ${h}\r\nHost: evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw(port, `GET /properties HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200 /);
  });

  test('a client streaming an 8 MB chunked body reads the 413', async () => {
    const status = await new Promise<number | string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: '/properties/brightness', headers: { Host: `127.0.0.1:${port}`, 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (e) => resolve(String((e as NodeJS.ErrnoException).code)));
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 8 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) { req.once('drain', pump); return; }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect((await request(port, 'GET', '/properties/on')).status).toBe(200);
  }, 20_000);
});

describe('what held under hostile input on the lamp with a token (issue 11): kept so', () => {
  let server: WebThingServer;
  let port: number;
  const auth = { Authorization: 'Bearer s3cret' };
  beforeAll(async () => {
    server = await serve(makeLamp(), { auth: { token: 's3cret' } });
    port = server.port;
  });
  afterAll(() => server.stop());

  test('401 without or with a wrong token; the scheme is case-insensitive (RFC 7235); ?token= is refused for PUT', async () => {
    expect((await request(port, 'PUT', '/properties/on', { body: '{"on":false}' })).status).toBe(401);
    expect((await request(port, 'PUT', '/properties/on', { body: '{"on":false}', headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await request(port, 'PUT', '/properties/on', { body: '{"on":false}', headers: { Authorization: 'bEaReR s3cret' } })).status).toBe(200);
    expect((await request(port, 'PUT', '/properties/on?token=s3cret', { body: '{"on":true}' })).status).toBe(401);
  });

  test('a 100 KB header: 400; a 20 MB chunked body and 100,000-deep JSON: 413 at 16 KiB; 1e999: 400 naming the property', async () => {
    const big = await raw(port, `GET /properties HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 (400|431) /);
    const chunked = await new Promise<number | string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: '/properties/brightness', headers: { ...auth, Host: `127.0.0.1:${port}`, 'Transfer-Encoding': 'chunked' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', (e) => resolve(String((e as NodeJS.ErrnoException).code)));
      const chunk = 'x'.repeat(1024 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 20 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) { req.once('drain', pump); return; }
        }
        req.end();
      };
      pump();
    });
    expect(chunked).toBe(413);
    const deep = await request(port, 'PUT', '/properties/brightness', { body: `{"brightness":${nested(100_000)}}`, headers: auth });
    expect(deep.status).toBe(413);
    expect(deep.json.message).toContain('16384');
    const inf = await request(port, 'PUT', '/properties/brightness', { body: '{"brightness":1e999}', headers: auth });
    expect(inf.status).toBe(400);
    expect(inf.json.message).toContain("'brightness'");
  }, 30_000);

  test('slowloris: 300 connections trickling headers, normal GETs still answered', async () => {
    const sockets: Socket[] = [];
    const timer = setInterval(() => { for (const s of sockets) if (!s.destroyed) s.write('a'); }, 500);
    try {
      for (let i = 0; i < 300; i++) {
        const s = connect(port, '127.0.0.1');
        s.on('error', () => {});
        s.write('GET / HTTP/1.1\r\nX-Slow: ');
        sockets.push(s);
      }
      await sleep(300);
      for (let i = 0; i < 10; i++) expect((await request(port, 'GET', '/properties/on')).status).toBe(200);
      expect(server.counters.connections).toBeLessThanOrEqual(128);
    } finally {
      clearInterval(timer);
      for (const s of sockets) s.destroy();
    }
  }, 30_000);
});
