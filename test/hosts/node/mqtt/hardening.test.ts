/**
 * The client against brokers that misbehave or hold state for it (issues 11 and 16): real brokers
 * (aedes, mosquitto) where a broker can do it, and a TCP server scripted on 127.0.0.1 where no real
 * broker would (accept then drop, a packet identifier 0, a broker that stops reading, a TCP connect
 * that never completes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import mqtt from 'mqtt';
import * as mqttPacket from 'mqtt-packet';
import { nodeMqttNetwork } from '../../../../hosts/node/mqtt-tcp';
import { MqttClient, type MqttClientOptions } from '../../../../runtime/mqtt/client/mqtt-client';
import { MqttPacketTooLarge, MqttProtocolError } from '../../../../runtime/mqtt/errors';
import { MqttReader } from '../../../../runtime/mqtt/mqtt-reader';
import { setErrorReporter } from '../../../../runtime/core/report-error';
import { availableBrokers, startBroker, type TestBroker } from '../../../support/brokers';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const clients: MqttClient[] = [];
function client(port: number, opts: Partial<MqttClientOptions> = {}): MqttClient {
  const c = new MqttClient({ host: '127.0.0.1', port, network: nodeMqttNetwork, keepalive: 10, reconnect: { minMs: 50, maxMs: 300 }, ...opts });
  clients.push(c);
  return c;
}
const servers: Server[] = [];
afterEach(async () => {
  setErrorReporter(undefined);
  while (clients.length) clients.pop()!.end();
  while (servers.length) await new Promise((r) => servers.pop()!.close(r));
});

/** A TCP peer speaking raw MQTT; `onConnect` runs once the client's CONNECT arrived. */
async function scriptedBroker(onConnect: (socket: Socket, index: number) => void): Promise<{ port: number; connections: () => number; received: any[] }> {
  let index = 0;
  const received: any[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const n = index++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p) => {
      received.push(p);
      if (p.cmd === 'connect') onConnect(socket, n);
    });
    socket.on('data', (d) => parser.parse(d));
  });
  const close = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  }) as typeof server.close;
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as { port: number }).port, connections: () => index, received };
}

const connackBytes = () => mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false } as any);

describe.each(availableBrokers())('broker %s', (name) => {
  let broker: TestBroker;
  beforeAll(async () => { broker = await startBroker(name); });
  afterAll(async () => { await broker?.stop(); });

  // Issue 11 item 9.
  test('a kept session (sessionPresent = 1) gets the subscribe and unsubscribe made while offline', async () => {
    const sub = client(broker.port, { clientId: `tf-offline-sub-${name}-${process.pid}`, clean: false });
    const got: string[] = [];
    const sessionPresent: boolean[] = [];
    sub.on('message', (topic: string, payload: Uint8Array) => got.push(`${topic}=${text(payload)}`));
    sub.on('connect', (p: { sessionPresent: boolean }) => sessionPresent.push(p.sessionPresent));
    sub.subscribe('hard/a', { qos: 1 });
    sub.connect();
    await waitFor('subscribed', () => sub.connected && sub.awaitingSuback === 0);
    await broker.persisted();

    const outage = broker.outage(800);
    await waitFor('offline', () => !sub.connected);
    sub.subscribe('hard/b', { qos: 1 });
    sub.unsubscribe('hard/a');
    await outage;
    await waitFor('back with its session', () => sub.stats.connects === 2 && sub.awaitingSuback === 0, 20_000);
    expect(sessionPresent).toEqual([false, true]);

    const pub = client(broker.port);
    pub.connect();
    await waitFor('publisher', () => pub.connected);
    pub.publish('hard/a', 'A', { qos: 1 });
    pub.publish('hard/b', 'B', { qos: 1 });
    await waitFor('the message on the filter subscribed offline', () => got.includes('hard/b=B'));
    await waitFor('publisher acks', () => pub.inflightCount === 0);
    await sleep(200);
    expect(got).toEqual(['hard/b=B']); // and not the one unsubscribed offline
  });

  // Issue 11 item 11: two devices sharing a client id make the broker drop each in turn.
  test('two clients sharing a client id: the back-off keeps growing, no reconnect storm', async () => {
    const id = `tf-shared-${name}-${process.pid}`;
    const reconnect = { minMs: 50, maxMs: 1000, stableMs: 10_000 };
    const a = client(broker.port, { clientId: id, reconnect });
    const b = client(broker.port, { clientId: id, reconnect });
    const attempts: number[] = [];
    for (const c of [a, b]) c.on('reconnect', (attempt: number) => attempts.push(attempt));
    a.connect();
    await waitFor('a', () => a.connected);
    b.connect();
    await sleep(3000);
    const connects = a.stats.connects + b.stats.connects;
    // eslint-disable-next-line no-console
    console.log(`${name}, shared client id, 3 s: ${connects} connections, attempts ${attempts.join(',')}`);
    expect(Math.max(...attempts)).toBeGreaterThanOrEqual(4); // the back-off was never reset by a CONNACK
    expect(connects).toBeLessThanOrEqual(24); // at the minimum back-off this was ~120 (25-50 ms apart, each)
  });

  // Issue 16 item 7.
  test('a retained message over maxPacketSize is reported with its topic and skipped: one connection, no redial loop', async () => {
    const topic = `hard/poison/${name}`;
    const peer = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => { peer.once('connect', () => resolve()); peer.once('error', reject); });
    await peer.publishAsync(topic, Buffer.alloc(2 * 1024 * 1024, 0x61), { qos: 1, retain: true });

    const c = client(broker.port, { maxPacketSize: 1024 * 1024 });
    const errors: Error[] = [];
    const got: string[] = [];
    c.on('error', (e: Error) => errors.push(e));
    c.on('message', (t: string, payload: Uint8Array) => got.push(`${t}=${payload.length}`));
    const reader = new MqttReader(c, 'hard/poison/#', { qos: 1, decode: (payload) => payload.length });
    const readerGot: number[] = [];
    reader.connect({ onNext: (n: number) => readerGot.push(n), onCompleted() {}, onError() {} });
    const reported: string[] = [];
    setErrorReporter((message) => reported.push(message));
    c.connect();
    await waitFor('the oversize report', () => errors.length > 0);
    await peer.publishAsync(topic, 'small', { qos: 1 });
    await waitFor('the next message on that topic', () => got.length > 0);
    await sleep(1000);
    const delivered = got.slice();
    const deliveredToReader = readerGot.slice();
    await peer.publishAsync(topic, '', { qos: 1, retain: true }); // clear the retained message
    await peer.endAsync();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(MqttPacketTooLarge);
    // 1 + 4 (remaining length) + 2 + topic + 2 (packet identifier) + payload
    expect(errors[0].message).toBe(`a message of ${2 * 1024 * 1024 + topic.length + 9} bytes on '${topic}' exceeds maxPacketSize (1048576): skipped`);
    expect((errors[0] as MqttPacketTooLarge).topic).toBe(topic);
    expect(delivered).toEqual([`${topic}=5`]);
    expect(c.stats.connects).toBe(1);
    expect(c.stats.oversize).toBe(1);
    expect(reader.oversize).toBe(1);
    expect(reported).toEqual([`thingflow: MqttReader(hard/poison/#) missed a message on '${topic}':`]);
    expect(deliveredToReader).toEqual([5]);
    expect(c.connected).toBe(true);
  });
});

// Issue 11 item 11 / issue 16 item 7: a broker that accepts and drops at once.
test('a broker that accepts and then drops: the back-off grows to maxMs instead of redialling at the minimum', async () => {
  const peer = await scriptedBroker((socket) => {
    socket.write(connackBytes());
    socket.destroy();
  });
  const c = client(peer.port, { reconnect: { minMs: 50, maxMs: 800, stableMs: 5000 } });
  const delays: number[] = [];
  c.on('reconnect', (_attempt: number, delay: number) => delays.push(delay));
  c.connect();
  await sleep(3000);
  // eslint-disable-next-line no-console
  console.log(`accept-then-drop, 3 s: ${peer.connections()} connections, delays ${delays.join(',')}`);
  expect(delays.slice(0, 4).every((d, i) => d >= 25 * 2 ** i && d <= 50 * 2 ** i)).toBe(true);
  expect(Math.max(...delays)).toBeGreaterThanOrEqual(400);
  expect(peer.connections()).toBeLessThanOrEqual(10); // at the minimum back-off: ~80
});

// Issue 16 item 6.
test('a QoS 1 PUBLISH with packet identifier 0 is a protocol error: not delivered, not acknowledged, the client reconnects', async () => {
  const peer = await scriptedBroker((socket, index) => {
    socket.write(connackBytes());
    if (index === 0) socket.write(Buffer.from([0x32, 6, 0, 1, 0x74, 0, 0, 0x78])); // topic 't', id 0, payload 'x'
  });
  const c = client(peer.port, { reconnect: { minMs: 20, maxMs: 40 } });
  const errors: Error[] = [];
  const messages: string[] = [];
  c.on('error', (e: Error) => errors.push(e));
  c.on('message', (t: string) => messages.push(t));
  c.connect();
  await waitFor('the second connection', () => c.stats.connects === 2);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(MqttProtocolError);
  expect(errors[0].message).toBe('malformed publish: packet identifier 0 (MQTT-2.3.1-1: it must be non-zero)');
  expect(messages).toEqual([]);
  expect(peer.received.filter((p) => p.cmd === 'puback')).toEqual([]);
});

// Issue 16 item 2.
test('a broker that stops reading: QoS 0 publishes are held to the byte budget, the rest dropped and counted', async () => {
  const peer = await scriptedBroker((socket) => {
    socket.write(connackBytes());
    socket.pause(); // stops reading: the kernel buffers fill, then Node's
  });
  const c = client(peer.port, { keepalive: 0 });
  let droppedEvents = 0;
  c.on('dropped', (_m: unknown, reason: string) => { if (reason === 'over-budget') droppedEvents++; });
  c.connect();
  await waitFor('connected', () => c.connected);
  const payload = new Uint8Array(1024).fill(0x62);
  const N = 100_000;
  let maxBuffered = 0;
  for (let i = 0; i < N; i++) {
    c.publish('slow/broker', payload);
    if (i % 1000 === 999) {
      maxBuffered = Math.max(maxBuffered, c.bufferedBytes);
      await new Promise((r) => setImmediate(r)); // let the socket hand what it can to the kernel
    }
  }
  // eslint-disable-next-line no-console
  console.log(`stalled broker: ${c.stats.published} sent, ${c.stats.overBudget} dropped over budget, at most ${maxBuffered} bytes buffered (budget ${c.maxBufferedBytes})`);
  expect(c.maxBufferedBytes).toBe(64 * 1024);
  // Each publish is checked before it is written: at most the budget plus one packet (1 + 2 + 2 + 11 + 1,024 bytes).
  expect(maxBuffered).toBeLessThanOrEqual(c.maxBufferedBytes + 1040);
  expect(c.stats.overBudget).toBeGreaterThan(N / 2);
  expect(c.stats.published + c.stats.overBudget).toBe(N);
  expect(c.stats.dropped).toBe(c.stats.overBudget);
  expect(droppedEvents).toBe(c.stats.overBudget);
  expect(c.connected).toBe(true);
});

// Issue 11 item 10: a TCP connect that never completes (a listener whose accept queue is full drops SYNs).
test('connectTimeoutMs bounds a TCP connect that never completes', async () => {
  const script = [
    'import socket, time',
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)",
    'port = s.getsockname()[1]',
    'fill = []',
    'for i in range(3):',
    '    c = socket.socket(); c.setblocking(False)',
    '    try: c.connect(("127.0.0.1", port))',
    '    except BlockingIOError: pass',
    '    fill.append(c)',
    'print(port, flush=True)',
    'time.sleep(60)',
  ].join('\n');
  const py: ChildProcess = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      py.stdout!.once('data', (d) => resolve(Number(String(d).trim())));
      py.once('error', reject);
    });
    const c = client(port, { connectTimeoutMs: 700, reconnect: false });
    const closes: unknown[] = [];
    c.on('close', (e: unknown) => closes.push(e));
    c.connect();
    await sleep(300);
    expect(c.state).toBe('opening'); // the SYN is not answered
    await waitFor('the attempt deadline', () => closes.length === 1, 5000);
    expect((closes[0] as Error).message).toBe(`could not open a connection to 127.0.0.1:${port} within 700 ms`);
    expect(c.state).toBe('idle');
  } finally {
    py.kill();
  }
});
