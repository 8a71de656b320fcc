/**
 * Web Things over MQTT, end to end with real brokers: a device (the lamp) speaks the ThingTalk topic
 * layout through its MqttClient; a gateway builds a proxy from its retained description and serves
 * it with the WoT server; HTTP clients and node-wot use the device through the gateway and back.
 * Dropping the device's network makes its will mark the proxy disconnected.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Servient } from '@node-wot/core';
import { HttpClientFactory } from '@node-wot/binding-http';
import { nodeMqttNetwork } from '../../../../hosts/node/mqtt-tcp';
import { WebThingServer } from '../../../../hosts/node/wot-server';
import { MqttClient, type MqttClientOptions } from '../../../../runtime/mqtt/client/mqtt-client';
import { MqttThingBinding, MqttThingGateway, thingTopics, thingWill, type ProxyThing } from '../../../../runtime/wot-mqtt/index';
import type { Thing } from '../../../../runtime/wot/index';
import { setErrorReporter } from '../../../../runtime/core/report-error';
import { makeLamp } from '../../../../examples/lamp-things';
import { availableBrokers, startBroker, type TestBroker } from '../../../support/brokers';
import { request } from '../wot/http-client';

async function waitFor(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A TCP relay in front of the broker whose connections can be cut: a device's network dropping. */
function relay(target: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((down) => {
    const up = connect(target, '127.0.0.1');
    sockets.add(down).add(up);
    down.pipe(up).pipe(down);
    const drop = () => { down.destroy(); up.destroy(); };
    down.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as { port: number }).port,
    cut() { for (const s of sockets) s.destroy(); sockets.clear(); server.close(); },
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  })));
}

let ids = 0;
function client(port: number, opts: Partial<MqttClientOptions> = {}): MqttClient {
  return new MqttClient({
    host: '127.0.0.1', port, network: nodeMqttNetwork, clientId: `tf-wotmqtt-${process.pid}-${++ids}`,
    keepalive: 2, reconnect: { minMs: 50, maxMs: 200 }, ...opts,
  });
}

describe.each(availableBrokers())('Web Things over MQTT through a gateway, on %s', (brokerName) => {
  let broker: TestBroker;
  let net: Awaited<ReturnType<typeof relay>>;
  let lamp: Thing;
  const writes: unknown[] = [];
  let device: MqttClient;
  let binding: MqttThingBinding;
  let gatewayClient: MqttClient;
  let gateway: MqttThingGateway;
  let server: WebThingServer;
  let proxy: ProxyThing;
  const reported: string[] = [];

  beforeAll(async () => {
    setErrorReporter((message, error) => reported.push(`${message} ${error instanceof Error ? error.message : String(error)}`));
    broker = await startBroker(brokerName);
    net = await relay(broker.port);
    lamp = makeLamp({ brightness: (v) => writes.push(v) });
    device = client(net.port, { will: thingWill(lamp.id), clientId: `lamp-${process.pid}-${brokerName}` });
    binding = new MqttThingBinding(lamp, device);
    device.connect();
    gatewayClient = client(broker.port);
    gateway = new MqttThingGateway(gatewayClient, { name: 'test-gateway' });
    gatewayClient.connect();
    server = new WebThingServer(gateway, { port: 0, listenAddress: '127.0.0.1', mdns: false });
    await server.start();
    await waitFor('the lamp proxy with its values', () => gateway.proxyFor(lamp.id)?.getProperty('brightness') === 50);
    proxy = gateway.proxyFor(lamp.id)!;
  });
  afterAll(async () => {
    binding.close();
    device.end();
    gatewayClient.end();
    await server.stop();
    await net.close();
    await broker.stop();
    setErrorReporter(undefined);
  });

  test('the gateway serves the device description, its values and a connected flag', async () => {
    const td = (await request(server.port, 'GET', '/0')).json;
    expect(td.id).toBe('urn:dev:ops:my-lamp-1234');
    expect(td.title).toBe('My Lamp');
    expect(Object.keys(td.properties)).toEqual(['on', 'brightness', 'connected']);
    expect(td.properties.brightness).toMatchObject({ type: 'integer', minimum: 0, maximum: 100 });
    expect(td.properties.brightness.links).toEqual([{ rel: 'property', href: '/0/properties/brightness' }]);
    expect(Object.keys(td.actions)).toEqual(['fade']);
    expect(Object.keys(td.events)).toEqual(['overheated']);
    expect((await request(server.port, 'GET', '/0/properties')).json).toEqual({ on: true, brightness: 50, connected: true });
    const index = (await request(server.port, 'GET', '/')).json;
    expect(index.map((t: { id: string }) => t.id)).toEqual(['urn:dev:ops:my-lamp-1234']);
  });

  test('a property written at the gateway reaches the device; a device change reaches the gateway', async () => {
    const put = await request(server.port, 'PUT', '/0/properties/brightness', { body: JSON.stringify({ brightness: 33 }) });
    expect(put.status).toBe(200);
    await waitFor('the device to take brightness 33', () => lamp.getProperty('brightness') === 33);
    expect(writes).toContain(33);
    lamp.findProperty('on')!.value.notifyOfExternalUpdate(false);
    await waitFor('the gateway to see on = false', () => proxy.getProperty('on') === false);
    expect((await request(server.port, 'GET', '/0/properties/on')).json).toEqual({ on: false });
  });

  test('a value outside the schema is refused at the gateway and never reaches the device', async () => {
    const before = writes.length;
    const put = await request(server.port, 'PUT', '/0/properties/brightness', { body: JSON.stringify({ brightness: 300 }) });
    expect(put.status).toBe(400);
    await new Promise((r) => setTimeout(r, 100));
    expect(writes.length).toBe(before);
    expect(lamp.getProperty('brightness')).toBe(33);
  });

  test('an action requested at the gateway runs on the device and completes there and at the gateway, with its event', async () => {
    const post = await request(server.port, 'POST', '/0/actions', { body: JSON.stringify({ fade: { input: { brightness: 77, duration: 30 } } }) });
    expect(post.status).toBe(201);
    const href: string = post.json.fade.href;
    expect(href).toMatch(/^\/0\/actions\/fade\/[0-9a-f]{32}$/);
    await waitFor('the gateway action to complete', () => proxy.getAction('fade', href.split('/').pop()!)?.status === 'completed');
    expect(lamp.getProperty('brightness')).toBe(77);
    await waitFor('the brightness to come back', () => proxy.getProperty('brightness') === 77);
    await waitFor('the overheated event', () => proxy.getEventDescriptions('overheated').length === 1);
    expect((await request(server.port, 'GET', '/0/events/overheated')).json[0].overheated.data).toBe(102);
    expect((await request(server.port, 'GET', href)).json.fade.status).toBe('completed');
  });

  test('a malformed or unknown request on the device topics is answered once on its error topic and changes nothing', async () => {
    const tool = client(broker.port);
    const errors: string[] = [];
    tool.on('message', (topic: string, payload: Uint8Array) => { if (topic === binding.topics.error) errors.push(Buffer.from(payload).toString()); });
    tool.subscribe(binding.topics.error, { qos: 1 });
    tool.connect();
    await waitFor('the tool to connect', () => tool.connected);
    await new Promise((r) => setTimeout(r, 100));
    const t = thingTopics(lamp.id);
    tool.publish(t.set, 'not json', { qos: 1 });
    tool.publish(t.set, JSON.stringify({ brightness: 33, nosuch: 1 }), { qos: 1 });
    tool.publish(t.requestAction, JSON.stringify({ fade: { input: { brightness: 500, duration: 1 } } }), { qos: 1 });
    tool.publish(t.set, JSON.stringify({ brightness: 'x'.repeat(10_000) }), { qos: 1 });
    await waitFor('four error replies', () => errors.length === 4);
    tool.end();
    expect(errors.map((e) => JSON.parse(e).message)).toEqual([
      'payload is not JSON',
      "no property 'nosuch' on My Lamp",
      expect.stringMatching(/^invalid input for action 'fade'/),
      expect.stringMatching(/^invalid value for property 'brightness'/),
    ]);
    for (const e of errors) expect(e.length).toBeLessThan(400); // never the whole request echoed
    expect(lamp.getProperty('brightness')).toBe(77);
    expect(binding.refused).toBe(4);
    // The gateway hears the device's error replies too, and counts them.
    await waitFor('the gateway to count them', () => gateway.stats.deviceErrors >= 4);
    expect(reported.filter((r) => r.startsWith('thingflow wot-mqtt: My Lamp: refused'))).toHaveLength(4);
  });

  test('node-wot consumes the proxy through the gateway: read, write, invoke', async () => {
    const servient = new Servient();
    servient.addClientFactory(new HttpClientFactory(null));
    const WoT = await servient.start();
    try {
      const td: any = await WoT.requestThingDescription(`http://127.0.0.1:${server.port}/0/td`);
      expect(td.id).toBe('urn:dev:ops:my-lamp-1234');
      const thing = await WoT.consume(td);
      expect(await (await thing.readProperty('brightness')).value()).toBe(77);
      await thing.writeProperty('brightness', 12);
      await waitFor('the device to take 12 from node-wot', () => lamp.getProperty('brightness') === 12);
      await thing.invokeAction('fade', { brightness: 64, duration: 10 });
      expect(lamp.getProperty('brightness')).toBe(64);
    } finally {
      await servient.shutdown();
    }
  });

  test("when the device's network drops, its will marks the proxy disconnected and actions fail at once", async () => {
    net.cut();
    await waitFor('the will to arrive', () => proxy.getProperty('connected') === false, 15_000);
    expect((await request(server.port, 'GET', '/0/properties/connected')).json).toEqual({ connected: false });
    const post = await request(server.port, 'POST', '/0/actions', { body: JSON.stringify({ fade: { input: { brightness: 5, duration: 10 } } }) });
    const id = post.json.fade.href.split('/').pop();
    await waitFor('the action to fail', () => proxy.getAction('fade', id)?.status === 'failed');
    expect(proxy.getAction('fade', id)!.error).toBe('My Lamp is offline');
    expect(reported).toContain(`thingflow wot: action 'fade' ${id} failed: My Lamp is offline`);
  });
});
