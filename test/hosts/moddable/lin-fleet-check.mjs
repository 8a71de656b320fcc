#!/usr/bin/env node
/**
 * Runs manifests/fleet-device (examples/fleet-device.ts, the app every board
 * of `thingflow-xs fleet` runs) on Moddable's lin simulator against an aedes
 * broker here, and checks that it speaks to a fleet as a simulated fleet
 * board does (sim/fleet.ts): its client id and persistent session, its light
 * readings on fleet/{id}/lux as ThingFlow JSON events at QoS 1, and its Web
 * Thing over MQTT (runtime/wot-mqtt/topics.ts: retained description, values
 * and availability; property writes taken, a bad one refused on the error
 * topic; its last will when it goes away), which is what the fleet gateway
 * (examples/fleet-gateway.ts) serves over HTTP.
 *
 * Needs the lin tools of a Moddable SDK, as lin-host-check.mjs (lin-run.mjs).
 * Exit code 0 when every check passes, 1 otherwise, 2 when the SDK is missing.
 *
 *   MODDABLE=/tmp/moddable node test/hosts/moddable/lin-fleet-check.mjs [--no-build]
 */
import { buildForLin, checks, manifestOf, moddableOrExit, runOnLin, startBroker, waitableLog } from './lin-run.mjs';

const MODDABLE = moddableOrExit('lin-fleet-check');
const manifest = manifestOf('fleet-device');
const { id } = manifest.config;
const { host, port } = manifest.platforms.lin.config.mqtt;
const thingId = `urn:dev:thingflow-xs:fleet:${id}`;
const things = `things/${thingId}`;
buildForLin(MODDABLE, 'fleet-device', 'lin-fleet-check');

const mqtt = (await import('mqtt')).default;
const broker = await startBroker(host, port);
const clients = [];
broker.aedes.on('client', (c) => clients.push(c.id));
const { check, expect, report } = checks();

// A gateway's view: everything the board publishes, retained or not, with its QoS and retain flag.
const heard = waitableLog();
const listener = mqtt.connect(`mqtt://${host}:${port}`, { clientId: 'lin-fleet-check' });
listener.on('message', (topic, payload, packet) => heard.push({ topic, text: payload.toString(), qos: packet.qos, retain: packet.retain }));
await new Promise((r) => listener.on('connect', r));
await new Promise((r) => listener.subscribe([`fleet/${id}/lux`, `${things}/#`], { qos: 1 }, r));
function heardOn(topic, test = () => true, ms = 20000) {
  return heard.waitFor((m) => m.topic === topic && test(m), ms, () => `nothing on ${topic} within ${ms} ms; heard ${heard.items.map((h) => h.topic).join(', ') || 'nothing'}`);
}

const sim = runOnLin(MODDABLE, 'fleet-device', ['fleet-device:', 'board(lin):']);
try {
  await check(`connects as thingflow-fleet-${id}`, async () => {
    await sim.waitTrace(/fleet-device: .* connected/, 20000);
    expect(clients.includes(`thingflow-fleet-${id}`), `clients seen: ${clients.join(', ')}`);
    return `clients seen: ${clients.join(', ')}`;
  });
  await check('its Web Thing over MQTT: description, values and availability, retained for a gateway that comes later', async () => {
    // Published on connect: availability, then the description, then the values (the last).
    await heardOn(`${things}/availability`, (m) => m.text === 'online');
    await heardOn(`${things}/td`);
    await heardOn(`${things}/values`);
    const late = mqtt.connect(`mqtt://${host}:${port}`, { clientId: 'lin-fleet-check-late' });
    const retained = {};
    const all = [];
    late.on('message', (topic, payload, packet) => { all.push(`${topic} r=${packet.retain}`); if (packet.retain) retained[topic.slice(things.length + 1)] = payload.toString(); });
    await new Promise((r) => late.on('connect', r));
    await new Promise((r) => late.subscribe(`${things}/#`, { qos: 1 }, r));
    await new Promise((r) => setTimeout(r, 500));
    late.end(true);
    const td = JSON.parse(retained.td ?? '{}');
    expect(td.id === thingId && td.title === `Fleet board ${id}` && 'illuminance' in (td.properties ?? {}) && 'led' in (td.properties ?? {}), `retained td ${retained.td?.slice(0, 200)}; got ${all.join(', ')}`);
    expect(typeof JSON.parse(retained.values ?? '{}').illuminance === 'number', `retained values ${retained.values}`);
    expect(retained.availability === 'online', `retained availability ${retained.availability}`);
    return `td "${td.title}" with ${Object.keys(td.properties).join(', ')}; values ${retained.values}; availability online`;
  });
  await check('a gateway\'s property write is taken; an unknown property is refused on the error topic and changes nothing', async () => {
    listener.publish(`${things}/set`, JSON.stringify({ led: true }), { qos: 1 });
    const on = await heardOn(`${things}/values`, (m) => JSON.parse(m.text).led === true);
    listener.publish(`${things}/set`, JSON.stringify({ nope: 1 }), { qos: 1 });
    const err = JSON.parse((await heardOn(`${things}/error`)).text);
    expect(typeof err.message === 'string' && /nope/.test(err.message), `error ${JSON.stringify(err)}`);
    return `values after {"led":true}: ${on.text}; refused: ${JSON.stringify(err)}`;
  });
  // The first sample, at run(), comes before the TSL2591's first conversion and is skipped (as on Node); the next is 60 s later.
  await check(`publishes its light on fleet/${id}/lux as ThingFlow JSON events, QoS 1 (the sample 60 s in)`, async () => {
    const m = await heardOn(`fleet/${id}/lux`, () => true, 75000);
    const ev = JSON.parse(m.text);
    expect(Array.isArray(ev) && ev[0] === id && typeof ev[1] === 'number' && typeof ev[2] === 'number' && ev[2] >= 0, `payload ${m.text}`);
    expect(m.qos === 1, `qos ${m.qos}`);
    const values = await heardOn(`${things}/values`, (v) => JSON.parse(v.text).illuminance === ev[2]);
    return `${m.text} (qos ${m.qos}); the Thing's values follow: ${values.text}`;
  });
  await check('nothing traced but the skipped first read (a caught throw, which the debug build traces)', async () => {
    const bad = sim.traces.filter((l) => /Exception|abort/.test(l) && !/runtime\/core\/sensor\.ts \(\d+\) # Exception: throw!/.test(l));
    expect(bad.length === 0, bad.join(' | '));
    return `${sim.traces.filter((l) => /Exception/.test(l)).length} caught throw(s) of a skipped read`;
  });
  await check('when the broker drops its connection it says so, backs off and connects again (a board\'s preloaded client once threw here: docs/moddable.md, finding 4)', async () => {
    const before = sim.traces.filter((l) => /fleet-device: .* connected/.test(l)).length;
    for (const client of Object.values(broker.aedes.clients)) if (client.id === `thingflow-fleet-${id}`) client.conn.destroy();
    await sim.waitTrace(/fleet-device: .* lost its broker/, 10000);
    await sim.waitTrace(/fleet-device: .* reconnects in \d+ ms/, 10000);
    const deadline = Date.now() + 20000;
    while (sim.traces.filter((l) => /fleet-device: .* connected/.test(l)).length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const after = sim.traces.filter((l) => /fleet-device: .* connected/.test(l)).length;
    expect(after === before + 1, `connections traced: ${before} then ${after}; traces: ${sim.traces.slice(-6).join(' | ')}`);
    return sim.traces.filter((l) => /lost its broker|reconnects in|connected/.test(l)).slice(-3).join(' | ');
  });
  await check('its last will: when the board goes away the broker says it is offline', async () => {
    sim.stop();
    const off = await heardOn(`${things}/availability`, (m) => m.text === 'offline', 15000);
    return `availability ${off.text}`;
  });
} finally {
  listener.end(true);
  sim.stop();
  broker.close();
}

report();
