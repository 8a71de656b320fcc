/**
 * WoT scenarios, run on Node and in a real XS machine by xs.test.ts: the model,
 * the protocol handler, the WebSocket session, flows and the W3C TD, without a
 * network stack. Timestamps and action ids differ per run and are masked.
 */
import type { Out, ScenarioTable, ThingflowRuntime } from '../../scenarios/scenario';

/** webthing-python's lamp, built from whichever runtime runs the scenario. */
function makeLamp(tf: ThingflowRuntime) {
  class FadeAction extends tf.Action<{ brightness: number; duration: number }> {
    constructor(thing: InstanceType<ThingflowRuntime['Thing']>, input: { brightness: number; duration: number }) {
      super(tf.newActionId(), thing, 'fade', input);
    }
    override performAction(): void {
      this.thing.setProperty('brightness', this.input.brightness);
      this.thing.addEvent(new tf.Event(this.thing, 'overheated', 102));
    }
  }
  const t = new tf.Thing('urn:dev:ops:my-lamp-1234', 'My Lamp', ['OnOffSwitch', 'Light'], 'A web connected lamp');
  t.addProperty(new tf.Property(t, 'on', new tf.Value(true), { '@type': 'OnOffProperty', title: 'On/Off', type: 'boolean' }));
  t.addProperty(new tf.Property(t, 'brightness', new tf.Value(50), { '@type': 'BrightnessProperty', title: 'Brightness', type: 'integer', minimum: 0, maximum: 100, unit: 'percent' }));
  t.addAvailableAction('fade', {
    title: 'Fade',
    input: { type: 'object', required: ['brightness', 'duration'], properties: { brightness: { type: 'integer', minimum: 0, maximum: 100 }, duration: { type: 'integer', minimum: 1 } } },
  }, FadeAction);
  t.addAvailableEvent('overheated', { type: 'number', unit: 'degree celsius' });
  return t;
}

function mask(s: string): string {
  return s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00/g, '<time>').replace(/[0-9a-f]{32}/g, '<id>');
}

const HOST = { host: 'lamp.local:8888' };

export const scenarios: ScenarioTable = {
  'REST routes and status codes': (tf, out) => {
    const handler = new tf.WotRequestHandler(new tf.SingleThing(makeLamp(tf)), { hosts: ['LAMP.local:8888'] });
    const ask = (method: string, url: string, body?: string, headers: { [k: string]: string } = HOST) => {
      const r = handler.handle({ method, url, headers, body });
      // JSON.parse messages differ between engines: print only our own part of them.
      const text = (r.body ?? '').replace(/malformed JSON body: [^"]*/, 'malformed JSON body: …');
      out(mask(`${method} ${url} → ${r.status} ${text.slice(0, 160)}`));
      return r;
    };
    ask('GET', '/properties');
    ask('GET', '/properties/brightness');
    ask('PUT', '/properties/brightness', '{"brightness":70}');
    ask('PUT', '/properties/brightness', '{"brightness":170}');
    ask('PUT', '/properties/brightness', '{"brightness":');
    ask('PUT', '/properties/brightness', '[]');
    ask('GET', '/properties/volume');
    ask('DELETE', '/properties/on');
    ask('GET', '/', undefined, { host: 'evil.example' });
    ask('OPTIONS', '/actions');
    const created = ask('POST', '/actions', '{"fade":{"input":{"brightness":20,"duration":5}}}');
    const href = JSON.parse(created.body!).fade.href as string;
    const thing = handler.things.getThing()!;
    thing.getAction('fade', href.split('/').pop()!)!.start();
    ask('GET', href);
    ask('GET', '/properties/brightness');
    ask('GET', '/events');
    ask('POST', '/actions', '{"fade":{"input":{"brightness":20}}}');
    ask('POST', '/actions', '{"zap":{}}');
    ask('DELETE', href);
    ask('GET', href);
    const td = handler.handle({ method: 'GET', url: '/', headers: HOST });
    const d = JSON.parse(td.body!);
    out(`links ${JSON.stringify(d.links)} base ${d.base} security ${d.security}`);
  },

  'WebSocket session messages': (tf, out) => {
    const handler = new tf.WotRequestHandler(new tf.SingleThing(makeLamp(tf)));
    const opened = handler.openSocket({ method: 'GET', url: '/', headers: HOST }, (text) => out(`← ${mask(text)}`));
    if (!('session' in opened)) {
      out(`refused ${opened.response.status}`);
      return;
    }
    const s = opened.session;
    s.receive('{"messageType":"setProperty","data":{"brightness":33}}');
    s.receive('{"messageType":"setProperty","data":{"brightness":"x"}}');
    s.receive('{"messageType":"addEventSubscription","data":{"overheated":{}}}');
    s.receive('{"messageType":"requestAction","data":{"fade":{"input":{"brightness":1,"duration":1}}}}');
    const thing = handler.things.getThing()!;
    const desc = thing.getActionDescriptions('fade')[0] as { fade: { href: string } };
    thing.getAction('fade', desc.fade.href.split('/').pop()!)!.start();
    s.receive('not json');
    s.receive('{"messageType":"nope","data":{}}');
    s.close();
    thing.setProperty('on', false);
    out(`subscribers after close ${thing.subscriberCount}`);
    const refused = handler.openSocket({ method: 'GET', url: '/properties', headers: HOST }, () => {});
    out(`socket at /properties: ${'response' in refused ? refused.response.status : 'opened'}`);
  },

  'flows in and out of a thing': (tf, out) => {
    const thing = makeLamp(tf);
    const src = new tf.OutputThing<unknown>();
    src.connect(thing.propertyInput('brightness'));
    const alarms = new tf.OutputThing<number>();
    alarms.connect(thing.eventInput('overheated'));
    thing.propertyChanges<boolean>('on').connect((v) => out(`led ${v}`));
    tf.setErrorReporter((m) => out(`reported: ${m}`));
    src.dispatchNext({ sensorId: 'pot', ts: 1, val: 12 });
    src.dispatchNext(13);
    src.dispatchNext(500);
    alarms.dispatchNext(101);
    thing.setProperty('on', false);
    thing.syncProperty('on', true);
    thing.setProperty('on', false);
    out(`brightness ${thing.getProperty('brightness')} events ${mask(JSON.stringify(thing.getEventDescriptions()))}`);
  },

  'W3C TD forms and schema checks': (tf, out) => {
    const thing = makeLamp(tf);
    const td = tf.buildW3cThingDescription(thing, 'http://lamp.local:8888') as any;
    out(`context ${JSON.stringify(td['@context'])}`);
    out(`brightness forms ${JSON.stringify(td.properties.brightness.forms)}`);
    out(`fade ${JSON.stringify(td.actions.fade.forms)} synchronous ${td.actions.fade.synchronous}`);
    out(`overheated ${JSON.stringify(td.events.overheated)}`);
    const cases: [unknown, Parameters<ThingflowRuntime['checkValue']>[1]][] = [[5, { type: 'integer', multipleOf: 5 }], [0.3, { type: 'number', multipleOf: 0.1 }], [7, { type: 'integer', multipleOf: 5 }],
      ['b', { enum: ['a', 'b'] }], [{ x: [1, 'y'] }, { properties: { x: { items: { type: 'number' } } } }]];
    for (const [v, s] of cases) out(`check ${JSON.stringify(v)} ${JSON.stringify(s)} → ${tf.checkValue(v, s)}`);
  },

  'bounds: nesting depth, running-action cap, one error per message, a slow client': (tf, out) => {
    const thing = makeLamp(tf);
    thing.addProperty(new tf.Property(thing, 'list', new tf.Value<unknown>([]), { type: 'array' }));
    const handler = new tf.WotRequestHandler(new tf.SingleThing(thing), { maxJsonDepth: 8, maxRunningActions: 2 });
    const ask = (method: string, url: string, body?: string) => {
      const r = handler.handle({ method, url, headers: HOST, body });
      out(`${method} ${url.slice(0, 30).replace(/[0-9a-f]{16}/, 'ID')} → ${r.status} ${r.headers['Retry-After'] ?? ''} ${mask(r.body ?? '')}`);
    };
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    ask('PUT', '/properties/list', `{"list":${deep(8)}}`);
    ask('PUT', '/properties/list', `{"list":${deep(9)}}`);
    ask('PUT', '/properties/list', `{"list":${deep(5000)}}`);
    ask('POST', '/actions', `{"fade":{"input":${deep(5000)}}}`);
    ask('GET', '/properties');
    let v: unknown[] = [];
    for (let i = 0; i < 100; i++) v = [v];
    try { thing.setProperty('list', v); } catch (e) { out(`setProperty 100 deep: ${(e as Error).message}`); }
    for (let i = 0; i < 3; i++) ask('POST', '/actions', '{"fade":{"input":{"brightness":5,"duration":5}}}');
    const list = thing.getActionDescriptions('fade') as any[];
    const waiting = handler.handle({ method: 'POST', url: '/wot/actions/fade', headers: HOST, body: '{"brightness":5,"duration":5}' });
    out(`W3C POST while full → ${waiting.status}`);
    ask('DELETE', list[0].fade.href);
    const later = handler.handle({ method: 'POST', url: '/wot/actions/fade', headers: HOST, body: '{"brightness":6,"duration":5}' });
    const pending = thing.getActionDescriptions('fade') as any[];
    later.later!((r) => out(`waiting POST answered ${r.status} ${mask(r.body ?? '')}`));
    ask('DELETE', pending[pending.length - 1].fade.href);
    let buffered = 0;
    const opened = handler.openSocket({ method: 'GET', url: '/', headers: HOST }, (text) => out(`← ${mask(text).slice(0, 120)}`), {
      bufferedBytes: () => buffered, closeSlow: () => out('closed slow'), nowMs: () => 0,
    });
    if (!('session' in opened)) return;
    const names: { [k: string]: object } = {};
    for (let i = 0; i < 50; i++) names[`e${i}`] = {};
    opened.session.receive(JSON.stringify({ messageType: 'addEventSubscription', data: names }));
    buffered = 1 << 20;
    thing.setProperty('brightness', 11);
    thing.setProperty('brightness', 12);
    buffered = 0;
    opened.session.drained();
    out(`counters ${JSON.stringify(handler.counters)}`);
  },
};
