/**
 * MqttClient over `net` against real brokers: aedes always, mosquitto when
 * installed. MQTT.js is the independent peer where one is needed.
 */
import mqtt from 'mqtt';
import { nodeMqttNetwork } from '../../../../hosts/node/mqtt-tcp';
import { MqttClient, type MqttClientOptions } from '../../../../runtime/mqtt/client/mqtt-client';
import type { MqttNetwork, Transport } from '../../../../runtime/mqtt/client/network';
import type { PublishPacket } from '../../../../runtime/mqtt/codec/packet';
import { MqttConnectionRefused } from '../../../../runtime/mqtt/errors';
import { availableBrokers, startBroker, type TestBroker } from '../../../support/brokers';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const clients: MqttClient[] = [];
let idCounter = 0;

function client(broker: TestBroker, opts: Partial<MqttClientOptions> = {}): MqttClient {
  const c = new MqttClient({
    host: '127.0.0.1', port: broker.port, network: nodeMqttNetwork, clientId: `tf-test-${process.pid}-${++idCounter}`,
    keepalive: 5, reconnect: { minMs: 50, maxMs: 400 }, ...opts,
  });
  clients.push(c);
  return c;
}

function connected(c: MqttClient): Promise<void> {
  if (c.connected) return Promise.resolve();
  return new Promise((resolve) => c.on('connect', () => resolve()));
}

/** Subscribe and wait until the broker has the subscription (SUBACK) by round-tripping a probe through it. */
async function subscribed(c: MqttClient, filter: string, qos: 0 | 1, probeTopic: string): Promise<void> {
  c.subscribe(filter, { qos });
  await connected(c);
  let seen = false;
  const onMessage = (topic: string) => { if (topic === probeTopic) seen = true; };
  c.on('message', onMessage);
  const prober = setInterval(() => c.publish(probeTopic, 'probe'), 50);
  try {
    await waitFor(`subscription ${filter}`, () => seen);
  } finally {
    clearInterval(prober);
    c.off('message', onMessage);
  }
}

afterEach(() => {
  while (clients.length) clients.pop()!.end();
});

describe.each(availableBrokers())('MqttClient against %s', (name) => {
  let broker: TestBroker;
  beforeAll(async () => { broker = await startBroker(name); });
  afterAll(async () => { await broker?.stop(); });

  test('QoS 0 publish/subscribe round trip between two of our clients', async () => {
    const sub = client(broker);
    const got: [string, string][] = [];
    sub.on('message', (topic: string, payload: Uint8Array) => { if (topic.startsWith('rt0/data')) got.push([topic, text(payload)]); });
    sub.connect();
    await subscribed(sub, 'rt0/#', 0, 'rt0/probe');
    const pub = client(broker);
    pub.connect();
    await connected(pub);
    pub.publish('rt0/data/a', 'hello');
    pub.publish('rt0/data/b', new Uint8Array([0xc3, 0xa9]));
    await waitFor('2 messages', () => got.length === 2);
    expect(got).toEqual([['rt0/data/a', 'hello'], ['rt0/data/b', 'é']]);
  });

  test('QoS 1 both ways with MQTT.js as the peer', async () => {
    const peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { clientId: `mqttjs-${process.pid}-${++idCounter}` });
    try {
      await peer.subscribeAsync('q1/to-peer', { qos: 1 });
      const toPeer: { payload: string; qos: number }[] = [];
      peer.on('message', (_t, payload, packet) => toPeer.push({ payload: payload.toString(), qos: packet.qos }));
      const ours = client(broker);
      const fromPeer: PublishPacket[] = [];
      ours.on('message', (topic: string, _p: Uint8Array, packet: PublishPacket) => { if (topic === 'q1/from-peer') fromPeer.push(packet); });
      ours.subscribe('q1/from-peer', { qos: 1 });
      ours.connect();
      await connected(ours);
      await waitFor('SUBACK', () => ours.awaitingSuback === 0);
      for (let i = 0; i < 20; i++) ours.publish('q1/to-peer', `m${i}`, { qos: 1 });
      await waitFor('20 messages at MQTT.js', () => toPeer.length === 20);
      expect(toPeer.map((m) => m.payload)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
      expect(toPeer.every((m) => m.qos === 1)).toBe(true);
      await waitFor('all PUBACKs', () => ours.inflightCount === 0);
      await peer.publishAsync('q1/from-peer', 'from mqtt.js', { qos: 1 });
      await waitFor('message from MQTT.js', () => fromPeer.length === 1);
      expect(text(fromPeer[0].payload as Uint8Array)).toBe('from mqtt.js');
      expect(fromPeer[0].qos).toBe(1);
    } finally {
      await peer.endAsync();
    }
  });

  test('a retained message is delivered to a later subscriber, flagged retain', async () => {
    const pub = client(broker);
    pub.connect();
    await connected(pub);
    pub.publish('ret/state', 'on', { qos: 1, retain: true });
    await waitFor('PUBACK', () => pub.inflightCount === 0 && pub.stats.published === 1);
    const sub = client(broker);
    const got: PublishPacket[] = [];
    sub.on('message', (_t: string, _p: Uint8Array, packet: PublishPacket) => got.push(packet));
    sub.subscribe('ret/state', { qos: 1 });
    sub.connect();
    await waitFor('retained message', () => got.length === 1);
    expect(got[0].retain).toBe(true);
    expect(text(got[0].payload as Uint8Array)).toBe('on');
    pub.publish('ret/state', '', { retain: true }); // clear it for other runs
  });

  test('the last will is published when the connection drops without DISCONNECT', async () => {
    const watcher = client(broker);
    const wills: string[] = [];
    watcher.on('message', (topic: string, payload: Uint8Array) => { if (topic === 'lwt/dev1') wills.push(text(payload)); });
    watcher.connect();
    await subscribed(watcher, 'lwt/#', 1, 'lwt/probe');
    // A network that lets the test cut the TCP connection under the client.
    let transport: Transport | undefined;
    const cuttable: MqttNetwork = { ...nodeMqttNetwork, open: (h, p, handler) => (transport = nodeMqttNetwork.open(h, p, handler)) };
    const dev = client(broker, { network: cuttable, reconnect: false, will: { topic: 'lwt/dev1', payload: 'offline', qos: 1 } });
    dev.connect();
    await connected(dev);
    await sleep(50);
    expect(wills).toEqual([]);
    transport!.close(); // the socket closes; no DISCONNECT was sent
    await waitFor('last will', () => wills.length === 1);
    expect(wills).toEqual(['offline']);
  });

  test('a clean end() sends DISCONNECT: no last will', async () => {
    const watcher = client(broker);
    const wills: string[] = [];
    watcher.on('message', (topic: string, payload: Uint8Array) => { if (topic === 'lwt2/dev') wills.push(text(payload)); });
    watcher.connect();
    await subscribed(watcher, 'lwt2/#', 1, 'lwt2/probe');
    const dev = client(broker, { will: { topic: 'lwt2/dev', payload: 'offline' } });
    dev.connect();
    await connected(dev);
    dev.publish('lwt2/dev', 'bye');
    dev.end();
    await waitFor('the last normal message', () => wills.length >= 1);
    await sleep(200);
    expect(wills).toEqual(['bye']);
  });

  test('messages published before connecting are queued, and the queue drops the oldest beyond its limit', async () => {
    const sub = client(broker);
    const got: string[] = [];
    sub.on('message', (topic: string, payload: Uint8Array) => { if (topic === 'queue/x') got.push(text(payload)); });
    sub.connect();
    await subscribed(sub, 'queue/+', 1, 'queue/probe');
    const pub = client(broker, { queueLimit: 5 });
    const dropped: [string, string][] = [];
    pub.on('dropped', (m: { payload: Uint8Array }, reason: string) => dropped.push([text(m.payload), reason]));
    for (let i = 1; i <= 8; i++) pub.publish('queue/x', String(i), { qos: 1 });
    expect(pub.queued).toBe(5);
    expect(dropped).toEqual([['1', 'queue-full'], ['2', 'queue-full'], ['3', 'queue-full']]);
    expect(pub.stats.dropped).toBe(3);
    pub.connect();
    await waitFor('5 queued messages', () => got.length === 5);
    expect(got).toEqual(['4', '5', '6', '7', '8']);
  });
});

describe.each(availableBrokers())('authentication against %s', (name) => {
  let broker: TestBroker;
  beforeAll(async () => { broker = await startBroker(name, { credentials: { username: 'dev', password: 's3cret' } }); });
  afterAll(async () => { await broker?.stop(); });

  test('the right password connects', async () => {
    const c = client(broker, { username: 'dev', password: 's3cret' });
    c.connect();
    await connected(c);
    expect(c.state).toBe('connected');
  });

  test('a wrong password gives a clear MqttConnectionRefused error and no retry', async () => {
    const c = client(broker, { username: 'dev', password: 'wrong' });
    const errors: unknown[] = [];
    let reconnects = 0;
    c.on('error', (e: unknown) => errors.push(e));
    c.on('reconnect', () => reconnects++);
    c.publish('auth/x', 'queued before the refusal');
    c.connect();
    await waitFor('the refusal', () => errors.length > 0);
    await sleep(300);
    expect(errors).toHaveLength(1);
    const e = errors[0] as MqttConnectionRefused;
    expect(e).toBeInstanceOf(MqttConnectionRefused);
    // aedes answers 4 (bad user name or password), mosquitto 2.0 answers 5 (not authorized).
    expect([4, 5]).toContain(e.returnCode);
    expect(e.message).toMatch(/^127\.0\.0\.1:\d+: connection refused: (bad user name or password \(4\)|not authorized \(5\))$/);
    expect(c.state).toBe('ended');
    expect(reconnects).toBe(0);
    expect(c.stats.dropped).toBe(1);
  });
});
