/**
 * The WoT endpoint on the real XS engine (@agoric/xsnap), deterministic counts:
 * computrons per request handled by WotRequestHandler (GET and PUT of a
 * property, a WebSocket setProperty with one subscriber), and the live heap a
 * thing and a WebSocket session cost (slots and chunk bytes after gc).
 * Run by bench/wot.ts in its own process (xsnap-worker.mjs locks the realm down).
 * Uses dist/thingflow.xs.js: run `npm run build` first.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startXsWorker } from '../test/xs/xsnap-worker.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(ROOT, 'dist/thingflow.xs.js');
const N = 200;
const K = 20;

// webthing-python's lamp, in plain JS for XS (its fade action completes at once: no timers in a bare XS machine).
const SETUP = `(function () {
  const tf = globalThis.thingflow;
  class FadeAction extends tf.Action {
    constructor(thing, input) { super(tf.newActionId(), thing, 'fade', input); }
    performAction() { this.thing.setProperty('brightness', this.input.brightness); this.thing.addEvent(new tf.Event(this.thing, 'overheated', 102)); }
  }
  globalThis.makeLamp = function () {
    const t = new tf.Thing('urn:dev:ops:my-lamp-1234', 'My Lamp', ['OnOffSwitch', 'Light'], 'A web connected lamp');
    t.addProperty(new tf.Property(t, 'on', new tf.Value(true), { '@type': 'OnOffProperty', title: 'On/Off', type: 'boolean', description: 'Whether the lamp is turned on' }));
    t.addProperty(new tf.Property(t, 'brightness', new tf.Value(50), { '@type': 'BrightnessProperty', title: 'Brightness', type: 'integer', description: 'The level of light from 0-100', minimum: 0, maximum: 100, unit: 'percent' }));
    t.addAvailableAction('fade', { title: 'Fade', description: 'Fade the lamp to a given level', input: { type: 'object', required: ['brightness', 'duration'],
      properties: { brightness: { type: 'integer', minimum: 0, maximum: 100, unit: 'percent' }, duration: { type: 'integer', minimum: 1, unit: 'milliseconds' } } } }, FadeAction);
    t.addAvailableEvent('overheated', { description: 'The lamp has exceeded its safe operating temperature', type: 'number', unit: 'degree celsius' });
    return t;
  };
  globalThis.lamp = makeLamp();
  globalThis.handler = new tf.WotRequestHandler(new tf.SingleThing(lamp), { hosts: ['localhost:8888'] });
  const headers = { host: 'localhost:8888' };
  globalThis.getReq = { method: 'GET', url: '/properties/brightness', headers };
  globalThis.putReqs = [{ method: 'PUT', url: '/properties/brightness', headers, body: '{"brightness":51}' },
                        { method: 'PUT', url: '/properties/brightness', headers, body: '{"brightness":52}' }];
  globalThis.sent = 0;
  globalThis.session = handler.openSocket({ method: 'GET', url: '/', headers }, function (text) { sent += text.length; }).session;
  globalThis.wsFrames = ['{"messageType":"setProperty","data":{"brightness":61}}', '{"messageType":"setProperty","data":{"brightness":62}}'];
  globalThis.runGet = function (n) { let len = 0; for (let i = 0; i < n; i++) len += handler.handle(getReq).body.length; return len; };
  globalThis.runPut = function (n) { let len = 0; for (let i = 0; i < n; i++) len += handler.handle(putReqs[i & 1]).body.length; return len; };
  globalThis.runWs = function (n) { for (let i = 0; i < n; i++) session.receive(wsFrames[i & 1]); };
})();`;

async function computronsPer(xs, fn) {
  const c0 = (await xs.evaluate(`gc(); ${fn}(0);`)).computrons;
  const c1 = (await xs.evaluate(`gc(); ${fn}(${N});`)).computrons;
  const c2 = (await xs.evaluate(`gc(); ${fn}(${2 * N});`)).computrons;
  return { per: (c1 - c0) / N, linear: c2 - c1 === c1 - c0, spread: (c2 - c1) - (c1 - c0) };
}

async function main() {
  const bundle = readFileSync(BUNDLE, 'utf8');
  if (!bundle.includes('WotRequestHandler')) throw new Error('dist/thingflow.xs.js has no WoT module: run npm run build');
  const xs = await startXsWorker({ name: 'bench-wot' });
  try {
    await xs.evaluate(bundle);
    const bare = await xs.measureLiveHeap();
    await xs.evaluate(SETUP);
    // Correctness in XS first: the answers a client would get.
    const get = await xs.evaluateText('JSON.stringify(handler.handle(getReq))');
    const put = await xs.evaluateText('const r = handler.handle(putReqs[1]); r.status + " " + r.body');
    const td = await xs.evaluateText('JSON.parse(handler.handle({ method: "GET", url: "/td", headers: { host: "localhost:8888" } }).body).properties.brightness.forms[0].href');
    const bad = await xs.evaluateText('const b = handler.handle({ method: "PUT", url: "/properties/brightness", headers: { host: "localhost:8888" }, body: "{oops" }); b.status + " " + b.body');
    const g = await computronsPer(xs, 'runGet');
    const p = await computronsPer(xs, 'runPut');
    const w = await computronsPer(xs, 'runWs');

    // Heap: K more lamps (each with its own handler, as a server would hold them), then K sessions on the first.
    const before = await xs.measureLiveHeap();
    await xs.evaluate(`globalThis.more = []; for (let i = 0; i < ${K}; i++) { const t = makeLamp(); more.push(new thingflow.WotRequestHandler(new thingflow.SingleThing(t))); }`);
    const withThings = await xs.measureLiveHeap();
    await xs.evaluate(`globalThis.sessions = []; for (let i = 0; i < ${K}; i++) sessions.push(handler.openSocket({ method: 'GET', url: '/', headers: { host: 'localhost:8888' } }, function () {}).session);`);
    const withSessions = await xs.measureLiveHeap();

    console.log(`\nOn XS (@agoric/xsnap, dist/thingflow.xs.js built ${statSync(BUNDLE).mtime.toISOString()}): WotRequestHandler without a network stack`);
    console.log(`checks: GET → ${get}`);
    console.log(`        PUT → ${put}; malformed PUT → ${bad}; TD form href → ${td}`);
    console.log('| work in XS | computrons each | linear in N |');
    console.log('|---|---:|---:|');
    console.log(`| GET /properties/brightness (handle → response) | ${g.per.toFixed(0)} | ${g.linear} |`);
    console.log(`| PUT /properties/brightness (parse, validate, set, respond) | ${p.per.toFixed(0)} | ${p.linear ? true : `no (2N−N vs N−0 differ by ${p.spread})`} |`);
    console.log(`| WebSocket setProperty → propertyStatus to 1 subscriber | ${w.per.toFixed(0)} | ${w.linear} |`);
    console.log('| live heap after gc | slots (32 B on 64-bit, 16 B on a 32-bit MCU) | chunk bytes |');
    console.log('|---|---:|---:|');
    console.log(`| bare XS machine with the runtime bundle | ${bare.slots} | ${bare.chunkBytes} |`);
    console.log(`| one more lamp thing + its handler (mean of ${K}) | ${((withThings.slots - before.slots) / K).toFixed(0)} | ${((withThings.chunkBytes - before.chunkBytes) / K).toFixed(0)} |`);
    console.log(`| one more WebSocket session (mean of ${K}) | ${((withSessions.slots - withThings.slots) / K).toFixed(1)} | ${((withSessions.chunkBytes - withThings.chunkBytes) / K).toFixed(0)} |`);
  } finally {
    await xs.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
