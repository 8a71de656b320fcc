/**
 * The WebThings WebSocket API of WebThingServer with a real `ws` client:
 * setProperty, requestAction, addEventSubscription → propertyStatus,
 * actionStatus, event, error; bad frames never stop the server.
 */
import WebSocket from 'ws';
import { SingleThing, MultipleThings } from '../../../../runtime/wot/index';
import { WebThingServer } from '../../../../hosts/node/wot-server';
import { makeLamp } from '../../../../examples/lamp-things';
import { request } from './http-client';

/** A connected client that queues the messages it receives. */
class Client {
  readonly ws: WebSocket;
  private queue: any[] = [];
  private waiting: ((m: any) => void)[] = [];
  readonly opened: Promise<void>;

  constructor(url: string, opts?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, opts);
    this.ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      const w = this.waiting.shift();
      if (w) w(m);
      else this.queue.push(m);
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  next(): Promise<any> {
    const m = this.queue.shift();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Messages until one matches. */
  async until(pred: (m: any) => boolean): Promise<any[]> {
    const seen: any[] = [];
    for (;;) {
      const m = await this.next();
      seen.push(m);
      if (pred(m)) return seen;
    }
  }

  send(x: unknown): void {
    this.ws.send(typeof x === 'string' ? x : JSON.stringify(x));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

describe('WebThingServer WebSocket', () => {
  let server: WebThingServer;
  let port: number;
  let url: string;
  beforeAll(async () => {
    server = new WebThingServer(new SingleThing(makeLamp()), { port: 0, listenAddress: '127.0.0.1', mdns: false, maxBodyBytes: 4096 });
    await server.start();
    port = server.port;
    url = `ws://127.0.0.1:${port}/`;
  });
  afterAll(() => server.stop());

  test('setProperty → propertyStatus to every client, including REST writes', async () => {
    const a = new Client(url);
    const b = new Client(url);
    await Promise.all([a.opened, b.opened]);
    a.send({ messageType: 'setProperty', data: { brightness: 42 } });
    expect(await a.next()).toEqual({ messageType: 'propertyStatus', data: { brightness: 42 } });
    expect(await b.next()).toEqual({ messageType: 'propertyStatus', data: { brightness: 42 } });
    await request(port, 'PUT', '/properties/on', { body: '{"on": false}' });
    expect(await b.next()).toEqual({ messageType: 'propertyStatus', data: { on: false } });
    expect((await request(port, 'GET', '/properties')).json).toEqual({ on: false, brightness: 42 });
    await Promise.all([a.close(), b.close()]);
  });

  test('requestAction → actionStatus created, pending, completed; addEventSubscription → event', async () => {
    const c = new Client(url);
    await c.opened;
    c.send({ messageType: 'addEventSubscription', data: { overheated: {} } });
    c.send({ messageType: 'requestAction', data: { fade: { input: { brightness: 90, duration: 10 } } } });
    const seen = await c.until((m) => m.messageType === 'event');
    const statuses = seen.filter((m) => m.messageType === 'actionStatus').map((m) => m.data.fade.status);
    expect(statuses).toEqual(['created', 'pending']);
    expect(seen.filter((m) => m.messageType === 'propertyStatus')).toEqual([{ messageType: 'propertyStatus', data: { brightness: 90 } }]);
    const event = seen[seen.length - 1];
    expect(event.data.overheated.data).toBe(102);
    expect(event.data.overheated.timestamp).toMatch(/\+00:00$/);
    const last = await c.next();
    expect(last.messageType).toBe('actionStatus');
    expect(last.data.fade.status).toBe('completed');
    await c.close();
  });

  test('errors: malformed JSON, missing fields, unknown messageType, bad values, unknown names — and the socket stays usable', async () => {
    const c = new Client(url);
    await c.opened;
    const cases: [unknown, string, string][] = [
      ['{not json', '400 Bad Request', 'Parsing request failed'],
      ['[1,2,3]', '400 Bad Request', 'Invalid message'],
      [{ messageType: 'setProperty' }, '400 Bad Request', 'Invalid message'],
      [{ messageType: 'setProperty', data: 5 }, '400 Bad Request', 'Invalid message'],
      [{ messageType: 'dance', data: {} }, '400 Bad Request', 'Unknown messageType: dance'],
      [{ messageType: 'setProperty', data: { brightness: 'max' } }, '400 Bad Request', 'must be integer'],
      [{ messageType: 'setProperty', data: { volume: 3 } }, '404 Not Found', "no property 'volume'"],
      [{ messageType: 'requestAction', data: { fade: { input: { brightness: 1 } } } }, '400 Bad Request', 'Invalid action request'],
      [{ messageType: 'requestAction', data: { explode: {} } }, '404 Not Found', "no action 'explode'"],
      [{ messageType: 'addEventSubscription', data: { melted: {} } }, '404 Not Found', "no event 'melted'"],
    ];
    for (const [msg, status, text] of cases) {
      c.send(msg);
      const m = await c.next();
      expect(m.messageType).toBe('error');
      expect(m.data.status).toBe(status);
      expect(m.data.message).toContain(text);
    }
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.next()).data.message).toContain('binary');
    c.send({ messageType: 'setProperty', data: { brightness: 7 } });
    expect(await c.next()).toEqual({ messageType: 'propertyStatus', data: { brightness: 7 } });
    await c.close();
  });

  test('an oversize frame closes only that socket (1009); others and HTTP keep working', async () => {
    const big = new Client(url);
    const other = new Client(url);
    await Promise.all([big.opened, other.opened]);
    const closed = new Promise<number>((resolve) => big.ws.once('close', (code) => resolve(code)));
    big.send(JSON.stringify({ messageType: 'setProperty', data: { pad: 'x'.repeat(10_000) } }));
    expect(await closed).toBe(1009);
    other.send({ messageType: 'setProperty', data: { brightness: 8 } });
    expect(await other.next()).toEqual({ messageType: 'propertyStatus', data: { brightness: 8 } });
    expect((await request(port, 'GET', '/properties/brightness')).json).toEqual({ brightness: 8 });
    await other.close();
  });

  test('closed clients are unsubscribed', async () => {
    const thing = server.things.getThing()!;
    const before = thing.subscriberCount;
    const c = new Client(url);
    await c.opened;
    // the subscription is made at upgrade time
    expect(thing.subscriberCount).toBe(before + 1);
    await c.close();
    for (let i = 0; i < 50 && thing.subscriberCount !== before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(thing.subscriberCount).toBe(before);
  });

  test('upgrades are refused with an HTTP status for a bad Host (403) or a path with no thing (404)', async () => {
    const refusal = (u: string, headers?: { [k: string]: string }) => new Promise<number>((resolve) => {
      const ws = new WebSocket(u, { headers });
      ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
      ws.on('error', () => {});
      ws.on('open', () => { resolve(101); ws.close(); });
    });
    expect(await refusal(url, { Host: 'attacker.example' })).toBe(403);
    expect(await refusal(`ws://127.0.0.1:${port}/properties`)).toBe(404);
  });
});

describe('WebSocket with several things and a token', () => {
  test('each thing has its socket at /<index>; writes need the token (header or ?token=)', async () => {
    const server = new WebThingServer(new MultipleThings([makeLamp(), makeLamp()], 'Two'), { port: 0, listenAddress: '127.0.0.1', mdns: false, auth: { token: 'tok' } });
    await server.start();
    try {
      const anon = new Client(`ws://127.0.0.1:${server.port}/1`);
      await anon.opened;
      anon.send({ messageType: 'setProperty', data: { on: false } });
      const denied = await anon.next();
      expect(denied.data.status).toBe('401 Unauthorized');
      const authed = new Client(`ws://127.0.0.1:${server.port}/1?token=tok`);
      await authed.opened;
      authed.send({ messageType: 'setProperty', data: { on: false } });
      expect(await authed.next()).toEqual({ messageType: 'propertyStatus', data: { on: false } });
      expect(await anon.next()).toEqual({ messageType: 'propertyStatus', data: { on: false } });
      expect((await request(server.port, 'GET', '/0/properties/on')).json).toEqual({ on: true });
      const viaHeader = new Client(`ws://127.0.0.1:${server.port}/0`, { headers: { Authorization: 'Bearer tok' } });
      await viaHeader.opened;
      viaHeader.send({ messageType: 'setProperty', data: { brightness: 1 } });
      expect(await viaHeader.next()).toEqual({ messageType: 'propertyStatus', data: { brightness: 1 } });
      await Promise.all([anon.close(), authed.close(), viaHeader.close()]);
    } finally {
      await server.stop();
    }
  });
});

describe('WebSocket when the server stops', () => {
  test('stop() closes each session with 1001 (going away), as the board\'s server does; a client that does not answer the close is cut off, and stop() still ends soon', async () => {
    const server = new WebThingServer(new SingleThing(makeLamp()), { port: 0, listenAddress: '127.0.0.1', mdns: false });
    await server.start();
    const polite = new Client(`ws://127.0.0.1:${server.port}/`);
    const mute = new Client(`ws://127.0.0.1:${server.port}/`);
    await Promise.all([polite.opened, mute.opened]);
    const code = new Promise<number>((resolve) => polite.ws.once('close', (c) => resolve(c)));
    // A client that never answers a close frame: its socket stops reading (the server's close waits for its answer).
    const muteSocket = (mute.ws as unknown as { _socket: import('node:net').Socket })._socket;
    muteSocket.pause();
    muteSocket.removeAllListeners('data');
    const began = Date.now();
    await server.stop();
    expect(Date.now() - began).toBeLessThan(3000);
    expect(await code).toBe(1001);
  });
});
