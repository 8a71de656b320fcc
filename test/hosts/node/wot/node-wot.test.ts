/**
 * W3C TD 1.1 interop: node-wot (@node-wot/core Servient + @node-wot/binding-http)
 * as the client of WebThingServer. It fetches and validates the TD, then reads,
 * writes and observes properties, invokes the fade action and subscribes to
 * the overheated event.
 */
// node-wot's ajv lacks the TD schema's "iri-reference" format (it warned 44 times and skipped the check): add it.
jest.mock('ajv-formats', () => require('../../../support/ajv-iri-reference').withIriReference(jest.requireActual('ajv-formats')));
import { Servient } from '@node-wot/core';
import { HttpClientFactory } from '@node-wot/binding-http';
import { MultipleThings, SingleThing, TD_CONTEXT_V10, TD_CONTEXT_V11 } from '../../../../runtime/wot/index';
import { WebThingServer } from '../../../../hosts/node/wot-server';
import { FakeGpioHumiditySensor, makeLamp } from '../../../../examples/lamp-things';
import { request } from './http-client';

type WoTType = Awaited<ReturnType<Servient['start']>>;

describe('node-wot consumes the lamp', () => {
  let server: WebThingServer;
  let servient: Servient;
  let WoT: WoTType;
  let base: string;
  beforeAll(async () => {
    server = new WebThingServer(new SingleThing(makeLamp()), { port: 0, listenAddress: '127.0.0.1', mdns: false });
    await server.start();
    base = `http://127.0.0.1:${server.port}`;
    servient = new Servient();
    servient.addClientFactory(new HttpClientFactory(null));
    WoT = await servient.start();
  });
  afterAll(async () => {
    await servient.shutdown();
    await server.stop();
  });

  test('the TD at /.well-known/wot is the same as at /td and passes node-wot validation', async () => {
    const td: any = await WoT.requestThingDescription(`${base}/.well-known/wot`);
    expect(td['@context'].slice(0, 2)).toEqual([TD_CONTEXT_V10, TD_CONTEXT_V11]);
    expect(td.id).toBe('urn:dev:ops:my-lamp-1234');
    expect(td.security).toEqual(['nosec_sc']);
    expect(Object.keys(td.properties)).toEqual(['on', 'brightness']);
    expect(td.properties.brightness).toMatchObject({ type: 'integer', minimum: 0, maximum: 100, unit: 'percent', observable: true });
    expect(td.actions.fade.input.required).toEqual(['brightness', 'duration']);
    expect(td.events.overheated.data).toEqual({ type: 'number', unit: 'degree celsius' });
    const viaTd = (await request(server.port, 'GET', '/td'));
    expect(viaTd.headers['content-type']).toBe('application/td+json');
    expect(viaTd.json).toEqual(td);
  });

  test('read, write and read-all properties', async () => {
    const thing = await WoT.consume(await WoT.requestThingDescription(`${base}/.well-known/wot`));
    expect(await (await thing.readProperty('on')).value()).toBe(true);
    await thing.writeProperty('brightness', 33);
    expect(await (await thing.readProperty('brightness')).value()).toBe(33);
    expect((await request(server.port, 'GET', '/properties/brightness')).json).toEqual({ brightness: 33 });
    const all = await thing.readAllProperties();
    expect(await all.get('on')!.value()).toBe(true);
    expect(await all.get('brightness')!.value()).toBe(33);
    await expect(thing.writeProperty('brightness', 300)).rejects.toThrow(/Client error/);
    expect(await (await thing.readProperty('brightness')).value()).toBe(33);
  });

  test('observe a property: changes made over REST reach the node-wot listener', async () => {
    const thing = await WoT.consume(await WoT.requestThingDescription(`${base}/.well-known/wot`));
    const seen: unknown[] = [];
    let resolveThird: () => void;
    const third = new Promise<void>((r) => { resolveThird = r; });
    const sub = await thing.observeProperty('brightness', async (data) => {
      seen.push(await data.value());
      if (seen.length === 3) resolveThird();
    });
    for (const v of [61, 62, 63]) await request(server.port, 'PUT', '/properties/brightness', { body: JSON.stringify({ brightness: v }) });
    await third;
    await sub.stop();
    expect(seen).toEqual([61, 62, 63]);
  });

  test('invoke fade (returns when completed) and receive its overheated event', async () => {
    const thing = await WoT.consume(await WoT.requestThingDescription(`${base}/.well-known/wot`));
    let gotEvent: (v: unknown) => void;
    const event = new Promise<unknown>((r) => { gotEvent = r; });
    const sub = await thing.subscribeEvent('overheated', async (data) => gotEvent(await data.value()));
    await thing.invokeAction('fade', { brightness: 12, duration: 30 });
    // synchronous invocation: the brightness is already set when invokeAction resolves
    expect((await request(server.port, 'GET', '/properties/brightness')).json).toEqual({ brightness: 12 });
    expect(await event).toBe(102);
    await sub.stop();
    const actions = (await request(server.port, 'GET', '/actions/fade')).json;
    expect(actions[actions.length - 1].fade.status).toBe('completed');
    await expect(thing.invokeAction('fade', { brightness: 12 })).rejects.toThrow(/Client error/);
  });
});

describe('node-wot with several things', () => {
  test('/.well-known/wot links to each TD; node-wot consumes the sensor and reads its level', async () => {
    const sensor = new FakeGpioHumiditySensor(60_000);
    const server = new WebThingServer(new MultipleThings([makeLamp(), sensor], 'LightAndTempDevice'), { port: 0, listenAddress: '127.0.0.1', mdns: false });
    await server.start();
    const servient = new Servient();
    servient.addClientFactory(new HttpClientFactory(null));
    const WoT = await servient.start();
    try {
      const dir: any = await WoT.requestThingDescription(`http://127.0.0.1:${server.port}/.well-known/wot`);
      expect(dir.title).toBe('LightAndTempDevice');
      const hrefs = dir.links.map((l: any) => l.href);
      expect(hrefs).toEqual([`http://127.0.0.1:${server.port}/0/td`, `http://127.0.0.1:${server.port}/1/td`]);
      const td: any = await WoT.requestThingDescription(hrefs[1]);
      expect(td.properties.level.readOnly).toBe(true);
      expect(td.properties.level.forms[0].op).toEqual(['readproperty']);
      sensor.level.notifyOfExternalUpdate(48.5);
      const thing = await WoT.consume(td);
      expect(await (await thing.readProperty('level')).value()).toBe(48.5);
    } finally {
      sensor.cancelUpdateLevelTask();
      await servient.shutdown();
      await server.stop();
    }
  });
});
