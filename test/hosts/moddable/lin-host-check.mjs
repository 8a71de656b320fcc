#!/usr/bin/env node
/**
 * Runs manifests/host-check on Moddable's lin simulator and talks to it over
 * loopback: HTTP (GET/PUT a property, the Thing Description, 404, 413),
 * WebSocket (setProperty, propertyStatus), MQTT both ways (an aedes broker
 * here) and its end (a last publish and DISCONNECT, no will), and the
 * scheduler's sample times on ModdableClock.
 *
 * Needs a Moddable SDK with the lin tools built (MODDABLE set, mcconfig,
 * xvfb-run, and `npm install` in $MODDABLE/tools/xsbug-log). Not part of
 * jest: CI has no SDK (no network to fetch it). Exit code 0 when every
 * check passes, 1 otherwise, 2 when the SDK is missing.
 *
 *   MODDABLE=/tmp/moddable node test/hosts/moddable/lin-host-check.mjs [--no-build]
 */
import { buildForLin, checks, manifestOf, moddableOrExit, runOnLin, startBroker } from './lin-run.mjs';

const MODDABLE = moddableOrExit('lin-host-check');
const { mqtt: mqttCfg, wotPort, samples, intervalSec } = manifestOf('host-check').config;
buildForLin(MODDABLE, 'host-check', 'lin-host-check');

const mqtt = (await import('mqtt')).default;
const { WebSocket } = await import('ws');

const broker = await startBroker(mqttCfg.host, mqttCfg.port);
const sim = runOnLin(MODDABLE, 'host-check', ['host-check:']);
const { traces, waitTrace } = sim;
const { check, expect, report } = checks();

const base = `http://127.0.0.1:${wotPort}`;
const fromBoard = [];
const listener = mqtt.connect(`mqtt://${mqttCfg.host}:${mqttCfg.port}`);
listener.on('message', (topic, payload) => fromBoard.push([topic, payload.toString()]));
await new Promise((r) => listener.on('connect', r));
listener.subscribe('thingflow/lin/#');

try {
  await waitTrace(/wot listening/, 20000);
  await check('HTTP GET /properties/count', async () => {
    const r = await fetch(`${base}/properties/count`);
    const body = await r.json();
    expect(r.status === 200 && typeof body.count === 'number', `status ${r.status}, body ${JSON.stringify(body)}`);
    return `200 ${JSON.stringify(body)}`;
  });
  await check('HTTP GET / (Thing Description, WebSocket link)', async () => {
    const r = await fetch(`${base}/`);
    const td = await r.json();
    expect(r.status === 200 && td.title === 'Host check', `status ${r.status} title ${td.title}`);
    const ws = (td.links ?? []).find((l) => l.rel === 'alternate' && String(l.href).startsWith('ws'));
    expect(ws !== undefined, 'no ws link');
    return `200, ${JSON.stringify(r.headers.get('content-length'))} bytes, ws link ${ws.href}`;
  });
  await check('HTTP PUT /properties/led drives the flow', async () => {
    const r = await fetch(`${base}/properties/led`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ led: true }) });
    const body = await r.json();
    expect(r.status === 200 && body.led === true, `status ${r.status} ${JSON.stringify(body)}`);
    await waitTrace(/led on/);
    return '200 {"led":true}; board traced "led on"';
  });
  await check('HTTP 404, 400 and 413 with JSON bodies', async () => {
    const a = await fetch(`${base}/properties/nope`);
    // A value outside the schema is the client's mistake: 400 (it was 500 on a board, the preload having frozen Error.prototype).
    const wrong = await fetch(`${base}/properties/led`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"led":"x"}' });
    const big = await fetch(`${base}/properties/led`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(17 * 1024) }).catch((e) => ({ status: `error ${e.message}` }));
    expect(a.status === 404 && (await a.json()).status === '404 Not Found', `404 got ${a.status}`);
    const wrongBody = await wrong.json();
    expect(wrong.status === 400 && wrongBody.status === '400 Bad Request', `400 got ${wrong.status} ${JSON.stringify(wrongBody)}`);
    expect(big.status === 413, `413 got ${big.status}`);
    return `404, 400 (${wrongBody.message}), 413`;
  });
  await check('HTTP POST /wot/actions/wait answers when the action completes', async () => {
    const t0 = Date.now();
    const r = await fetch(`${base}/wot/actions/wait`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ms: 700 }) });
    const ms = Date.now() - t0;
    expect(r.status === 204, `status ${r.status}`);
    expect(ms >= 650, `answered after ${ms} ms, before the 700 ms action finished`);
    await waitTrace(/wait 700 ms done/);
    return `204 after ${ms} ms (action: 700 ms on a Moddable Timer)`;
  });
  await check('HTTP GET /wot/properties/count/observe streams server-sent events', async () => {
    const ac = new AbortController();
    const r = await fetch(`${base}/wot/properties/count/observe`, { signal: ac.signal });
    expect(r.status === 200 && r.headers.get('content-type') === 'text/event-stream', `status ${r.status} ${r.headers.get('content-type')}`);
    const reader = r.body.getReader();
    let text = '';
    const until = Date.now() + 3000;
    while ((text.match(/^data: /gm) ?? []).length < 3 && Date.now() < until) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ac.abort();
    const events = (text.match(/^data: .*$/gm) ?? []);
    expect(events.length >= 3, `got ${JSON.stringify(text)}`);
    return `${events.length} events, e.g. ${events[0]}`;
  });
  await check('WebSocket: setProperty and propertyStatus', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${wotPort}/`);
    const got = [];
    ws.on('message', (m) => got.push(JSON.parse(m.toString())));
    await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); setTimeout(() => rej(new Error('no open')), 5000); });
    ws.send(JSON.stringify({ messageType: 'setProperty', data: { led: false } }));
    await waitTrace(/led off/);
    await new Promise((r) => setTimeout(r, 800));
    ws.close();
    const counts = got.filter((m) => m.messageType === 'propertyStatus' && 'count' in m.data).length;
    const led = got.find((m) => m.messageType === 'propertyStatus' && m.data.led === false);
    expect(counts > 0, `no count propertyStatus in ${JSON.stringify(got).slice(0, 200)}`);
    expect(led !== undefined, 'no led propertyStatus');
    return `board traced "led off"; ${counts} count updates, led=false status pushed`;
  });
  await check('WebSocket: a ping (masked, as a client sends it) gets a pong with its payload, a message in fragments is read whole, and the session goes on', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${wotPort}/`);
    const got = [];
    ws.on('message', (m) => got.push(JSON.parse(m.toString())));
    await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); setTimeout(() => rej(new Error('no open')), 5000); });
    const closed = new Promise((res) => ws.once('close', (code) => res(code)));
    const pong = new Promise((res) => ws.once('pong', (data) => res(data.toString())));
    ws.ping('are you there');
    const answer = await Promise.race([pong, closed.then((code) => `closed ${code}`), new Promise((r) => setTimeout(() => r('no pong in 3 s'), 3000))]);
    expect(answer === 'are you there', `pong ${JSON.stringify(answer)}`);
    // Three fragments of one text message (RFC 6455 5.4), then a message after them.
    const text = JSON.stringify({ messageType: 'setProperty', data: { led: true } });
    ws.send(text.slice(0, 10), { fin: false });
    ws.send(text.slice(10, 30), { fin: false });
    ws.send(text.slice(30), { fin: true });
    const pushed = async (led) => {
      for (let t = 0; t < 30 && !got.some((m) => m.messageType === 'propertyStatus' && m.data.led === led); t++) await new Promise((r) => setTimeout(r, 100));
      expect(got.some((m) => m.messageType === 'propertyStatus' && m.data.led === led), `no propertyStatus led=${led} in 3 s (got ${JSON.stringify(got).slice(0, 300)})`);
    };
    await pushed(true);
    ws.send(JSON.stringify({ messageType: 'setProperty', data: { led: false } }));
    await pushed(false);
    const open = ws.readyState === WebSocket.OPEN;
    ws.close();
    expect(open, 'the board closed the session');
    return `pong "${answer}"; a message in three fragments and one after it both drove the LED`;
  });
  await check('WebSocket: a close is answered with a close frame (the client\'s 1000 back, RFC 6455 5.5.1); a frame against the protocol (unmasked, as only a server sends) is refused with 1002', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${wotPort}/`);
    await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); setTimeout(() => rej(new Error('no open')), 5000); });
    const closed = new Promise((res) => ws.once('close', (code) => res(code)));
    ws.close(1000, 'done');
    const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open after 5 s'), 5000))]);
    expect(code === 1000, `close code ${code} (1006: the board closed without a close frame)`);
    const { createConnection } = await import('node:net');
    const raw = createConnection(wotPort, '127.0.0.1');
    let got = Buffer.alloc(0);
    raw.on('data', (d) => { got = Buffer.concat([got, d]); });
    const ended = new Promise((res) => raw.on('close', res));
    raw.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    for (let t = 0; t < 50 && !got.includes('\r\n\r\n'); t++) await new Promise((r) => setTimeout(r, 100));
    const handshake = got.indexOf('\r\n\r\n') + 4;
    const text = JSON.stringify({ messageType: 'setProperty', data: { led: true } });
    raw.write(Buffer.concat([Buffer.from([0x81, text.length]), Buffer.from(text)]));
    await Promise.race([ended, new Promise((r) => setTimeout(r, 5000))]);
    raw.destroy();
    const frames = got.subarray(handshake);
    const closeAt = frames.indexOf(Buffer.from([0x88, 0x02]));
    const refusal = closeAt >= 0 ? frames.readUInt16BE(closeAt + 2) : 'no close frame';
    expect(refusal === 1002, `unmasked frame: ${refusal} (after the handshake: ${frames.toString('hex').slice(0, 80)})`);
    const r = await fetch(`http://127.0.0.1:${wotPort}/properties`);
    expect(r.status === 200, `GET /properties after: ${r.status}`);
    return `close answered with ${code}; an unmasked frame refused with ${refusal}; GET /properties still 200`;
  });
  await check('WebSocket: a message over the size limit is refused before it is read (1009); the board keeps serving', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${wotPort}/`);
    await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); setTimeout(() => rej(new Error('no open')), 5000); });
    const closed = new Promise((res) => ws.once('close', (code) => res(code)));
    ws.send('x'.repeat(20_000)); // over maxBodyBytes (16 KiB)
    const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open after 5 s'), 5000))]);
    // 1009 comes only from the close frame ReplaySocket writes when it refuses the payload; a close after reading it would be 1006.
    expect(code === 1009, `close code ${code}`);
    const r = await fetch(`http://127.0.0.1:${wotPort}/properties`);
    expect(r.status === 200, `GET /properties after: ${r.status}`);
    return `closed with ${code}; GET /properties still 200`;
  });
  await check('WebSocket: clients that go away without a close frame; the board keeps serving', async () => {
    // ReplaySocket closes the socket when its peer has gone (lwIP keeps such a pcb in CLOSE_WAIT until it does);
    // lin's socket closes itself after its disconnect callback and refuses a later close.
    for (let i = 0; i < 7; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${wotPort}/`);
      await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); setTimeout(() => rej(new Error(`no open (client ${i + 1})`)), 5000); });
      ws.terminate(); // a FIN, no close frame
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await fetch(`http://127.0.0.1:${wotPort}/properties`);
    expect(r.status === 200, `GET /properties after: ${r.status}`);
    return '7 clients dropped; GET /properties still 200';
  });
  await check('MQTT: board publishes, board receives', async () => {
    listener.publish('thingflow/lin/in', 'hello from node');
    await waitTrace(/mqtt received thingflow\/lin\/in "hello from node"/);
    const counts = fromBoard.filter(([t]) => t === 'thingflow/lin/count');
    expect(counts.length > 0, 'no count messages from the board');
    const ev = JSON.parse(counts[counts.length - 1][1]);
    expect(Array.isArray(ev) && ev[0] === 'counter', `payload ${counts[counts.length - 1][1]}`);
    return `${counts.length} count events received (last ${counts[counts.length - 1][1]}); board got "hello from node"`;
  });
  await check(`ModdableClock: ${samples} samples every ${intervalSec * 1000} ms`, async () => {
    await waitTrace(new RegExp(`${samples} samples done`), samples * intervalSec * 1000 + 10000);
    const times = traces.map((l) => /sample (\d+) at \+(\d+) ms/.exec(l)).filter(Boolean).map((m) => Number(m[2])).slice(0, samples);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    const drift = times[times.length - 1] - times[0] - (samples - 1) * intervalSec * 1000;
    // No drift: the samples stay on the grid. A single wake may come a few ms late on a busy desktop,
    // but lateness must not add up: the desktop simulator's timers repeat from when they ran (GLib),
    // 0.5-1 ms late each time, and the scheduler re-arms from its deadlines after a late wake (before
    // it did, the 20th sample was 12 ms off the grid). So the last five samples' median offset stays small.
    const offsets = times.map((t, k) => t - times[0] - k * intervalSec * 1000);
    const lastMedian = offsets.slice(-5).sort((a, b) => a - b)[2];
    expect(Math.abs(lastMedian) <= 3, `the last samples are ${lastMedian} ms off the grid (offsets ${offsets.join(', ')})`);
    return `gaps min ${Math.min(...gaps)} / max ${Math.max(...gaps)} ms; ms off the grid ${offsets.join(',')}; sample ${samples} at +${times[times.length - 1]} ms (drift ${drift} ms over ${samples - 1} periods)`;
  });
  await check('MQTT: end() gets a last publish and its DISCONNECT to the broker, which then keeps the will', async () => {
    // The app, told `end`, publishes `bye` and ends its client in one turn (manifests/host-check/main.ts).
    listener.publish('thingflow/lin/in', 'end');
    await waitTrace(/mqtt ended/);
    const bye = () => fromBoard.some(([t, p]) => t === 'thingflow/lin/echo' && p === 'bye');
    for (const until = Date.now() + 5000; !bye() && Date.now() < until;) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 2000)); // the connection closed, and time for a will
    const will = fromBoard.filter(([t]) => t === 'thingflow/lin/status');
    expect(bye() && will.length === 0, `bye ${bye() ? 'received' : 'missing'}; will ${JSON.stringify(will)}`);
    return '"bye" received, no will';
  });
  await check('no exception traced but the refused write\'s', async () => {
    // lin's debug build traces every throw: the 400 check's PropertyError, thrown by validateValue and caught by the handler, is the one expected.
    const refused = traces.filter((l) => /runtime\/wot\/property\.ts \(\d+\) # Exception: throw!/.test(l));
    const bad = traces.filter((l) => /Exception|abort/.test(l) && !refused.includes(l));
    expect(refused.length === 1 && bad.length === 0, `${refused.length} refused writes; ${bad.join(' | ')}`);
  });
} finally {
  listener.end(true);
  sim.stop();
  broker.close();
}

report();
