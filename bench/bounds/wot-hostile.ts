/**
 * WoT server under hostile clients (issues 11 and 16): `npx tsx bench/bounds/wot-hostile.ts`.
 * Prints two markdown tables.
 *
 * 1. Slow consumers: server RSS growth while one client never reads and a property changes as fast
 *    as the server can set it, over WOT_HOSTILE_SECONDS (default 30), for WebThingServer's WebSocket
 *    and SSE, next to the limit (16 MiB) and to a bare `ws` server broadcasting the same messages
 *    (no byte budget: what the WoT server did before OutboundBudget). Each server runs in its own
 *    process; the RSS is the child's, sampled by the child.
 * 2. Amplification: reply bytes / request bytes for each error path (WebSocket and HTTP), against
 *    a real WebThingServer with a token, measured on the wire by the client. Limit: 4×.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { SingleThing } from '../../runtime/wot/index';
import { WebThingServer } from '../../hosts/node/wot-server';
import { makeLamp } from '../../examples/lamp-things';

const ROOT = process.cwd();
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const SECONDS = Number(process.env.WOT_HOSTILE_SECONDS ?? 30);
const MiB = 1024 * 1024;
const PEER_STOP_BYTES = 512 * MiB;

// ---- child: a server that changes a property as fast as it can and reports its RSS ----

async function child(kind: string): Promise<void> {
  let setLevel: (n: number) => void;
  let port: number;
  if (kind === 'bare-ws') {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    port = (wss.address() as { port: number }).port;
    setLevel = (n) => {
      const m = `{"messageType":"propertyStatus","data":{"brightness":${n}}}`;
      for (const c of wss.clients) c.send(m);
    };
  } else {
    const lamp = makeLamp();
    const server = new WebThingServer(new SingleThing(lamp), { port: 0, listenAddress: '127.0.0.1', mdns: false });
    await server.start();
    port = server.port;
    // Alternate between two values: every set is a change, as a sensor would be.
    setLevel = (n) => lamp.setProperty('brightness', n % 2 === 0 ? 10 : 90);
    setInterval(() => process.stdout.write(`counters ${JSON.stringify(server.counters)}\n`), 1000).unref();
  }
  process.stdout.write(`port ${port}\n`);
  let n = 0;
  let running = false;
  const burst = (): void => {
    for (let i = 0; i < 2000; i++) setLevel(++n);
    if (running) setImmediate(burst);
  };
  process.stdin.on('data', (d) => {
    const cmd = d.toString().trim();
    if (cmd === 'go') { running = true; burst(); }
    if (cmd === 'rss') {
      // A full collection first: what is measured is what the server keeps, not garbage not yet collected.
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc !== undefined) gc();
      process.stdout.write(`rss ${process.memoryUsage().rss} ${n}\n`);
    }
    if (cmd === 'exit') process.exit(0);
  });
}

// ---- parent ----

class Child {
  readonly proc: ChildProcess;
  private lines: string[] = [];
  private waiters: (() => void)[] = [];
  counters = '';
  constructor(kind: string) {
    this.proc = spawn(process.execPath, [TSX, join(ROOT, 'bench/bounds/wot-hostile.ts'), 'child', kind], {
      cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc` },
    });
    let buf = '';
    this.proc.stdout!.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith('counters ')) { this.counters = line.slice(9); continue; }
        this.lines.push(line);
        const w = this.waiters.shift();
        if (w) w();
      }
    });
  }
  async line(prefix: string): Promise<string> {
    for (;;) {
      const i = this.lines.findIndex((l) => l.startsWith(prefix));
      if (i >= 0) return this.lines.splice(i, 1)[0].slice(prefix.length);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  async rss(): Promise<{ rss: number; updates: number }> {
    this.proc.stdin!.write('rss\n');
    const [rss, n] = (await this.line('rss ')).split(' ').map(Number);
    return { rss, updates: n };
  }
  send(cmd: string): void {
    this.proc.stdin!.write(`${cmd}\n`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function slowConsumer(kind: 'ws' | 'sse' | 'bare-ws'): Promise<{ growth: number; updates: number; counters: string; seconds: number }> {
  const c = new Child(kind === 'sse' ? 'wot' : kind === 'ws' ? 'wot' : 'bare-ws');
  const port = Number(await c.line('port '));
  let close: () => void;
  if (kind === 'sse') {
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      httpRequest({ host: '127.0.0.1', port, path: '/wot/properties/brightness/observe', headers: { Host: `127.0.0.1:${port}` } }, resolve).end();
    });
    await sleep(100);
    res.pause();
    res.socket.pause();
    close = () => res.destroy();
  } else {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    await new Promise((r) => ws.once('open', r));
    ws.on('error', () => {});
    await sleep(100);
    (ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
    close = () => ws.terminate();
  }
  // The flood runs 2 s before the first sample: V8 grows its young generation under this allocation
  // rate whoever reads, and that is not the client's doing.
  c.send('go');
  await sleep(2000);
  const before = await c.rss();
  const started = Date.now();
  // The unbudgeted peer grows ~75 MiB/s: stop it at 512 MiB rather than take the machine's memory.
  let after = before;
  for (let t = 0; t < SECONDS; t++) {
    await sleep(1000);
    after = await c.rss();
    if (after.rss - before.rss > PEER_STOP_BYTES) break;
  }
  close();
  c.send('exit');
  return { growth: after.rss - before.rss, updates: after.updates - before.updates, counters: c.counters, seconds: Math.round((Date.now() - started) / 1000) };
}

function mib(n: number): string {
  return `${(n / MiB).toFixed(1)} MiB`;
}

// Amplification: bytes on the wire each way.
async function wsErrorPath(port: number, frames: string[], headers?: { [k: string]: string }): Promise<{ sent: number; got: number }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers });
  await new Promise((r) => ws.once('open', r));
  let got = 0;
  ws.on('message', (d) => { got += (d as Buffer).length; });
  let sent = 0;
  for (const f of frames) {
    ws.send(f);
    sent += Buffer.byteLength(f);
  }
  await sleep(500);
  ws.close();
  return { sent, got };
}

function httpErrorPath(port: number, text: string): Promise<{ sent: number; got: number; status: string }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = 0;
    let head = '';
    s.on('data', (d) => { got += d.length; if (head === '') head = d.toString('latin1').split('\r\n')[0]; });
    s.on('error', () => {});
    s.on('close', () => resolve({ sent: Buffer.byteLength(text), got, status: head.slice(9, 12) }));
    s.end(text);
  });
}

async function amplification(): Promise<string[][]> {
  const server = new WebThingServer(new SingleThing(makeLamp()), { port: 0, listenAddress: '127.0.0.1', mdns: false, auth: { token: 's3cret' } });
  await server.start();
  const port = server.port;
  const h = `127.0.0.1:${port}`;
  const rows: string[][] = [];
  const add = (path: string, r: { sent: number; got: number }) => rows.push([path, String(r.sent), String(r.got), (r.got / r.sent).toFixed(2)]);
  const events: { [k: string]: object } = {};
  for (let i = 0; i < 1551; i++) events[`e${i}`] = {};
  add('WS: 16 KiB frame naming 1,551 unknown events', await wsErrorPath(port, [JSON.stringify({ messageType: 'addEventSubscription', data: events })]));
  const names: { [k: string]: number } = {};
  for (let i = 0; i < 200; i++) names[`n${i}`] = i;
  add('WS: 200-name setProperty without a token', await wsErrorPath(port, [JSON.stringify({ messageType: 'setProperty', data: names })]));
  add('WS: 200-name setProperty with a token, unknown names', await wsErrorPath(port, [JSON.stringify({ messageType: 'setProperty', data: names })], { Authorization: 'Bearer s3cret' }));
  add('WS: 10,000 one-byte malformed frames', await wsErrorPath(port, Array.from({ length: 10_000 }, () => '{')));
  add('WS: 10,000 unknown messageTypes', await wsErrorPath(port, Array.from({ length: 10_000 }, (_, i) => `{"messageType":"x${i}","data":{}}`)));
  add('WS: 5,000-deep nested setProperty', await wsErrorPath(port, [`{"messageType":"setProperty","data":{"on":${'['.repeat(5000)}${']'.repeat(5000)}}}`], { Authorization: 'Bearer s3cret' }));
  const req = (method: string, path: string, body?: string, extra = '') =>
    `${method} ${path} HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n${extra}${body === undefined ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`}\r\n${body ?? ''}`;
  const httpRow = async (label: string, text: string) => {
    const r = await httpErrorPath(port, text);
    add(`HTTP ${r.status}: ${label}`, r);
  };
  await httpRow('GET of an 8 KB unknown path', req('GET', `/${'x'.repeat(8000)}`));
  await httpRow('GET of a short unknown path', req('GET', '/nope'));
  await httpRow('PUT without a token', req('PUT', '/properties/on', '{"on":true}'));
  await httpRow('PUT of malformed JSON', req('PUT', '/properties/on', '{"on":', 'Authorization: Bearer s3cret\r\n'));
  await httpRow('PUT with an 8 KB unknown key', req('PUT', '/properties/on', `{"${'k'.repeat(8000)}":1}`, 'Authorization: Bearer s3cret\r\n'));
  await httpRow('PUT of 5,000-deep JSON', req('PUT', '/properties/on', `{"on":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'Authorization: Bearer s3cret\r\n'));
  await httpRow('PUT of a 20 KB body', req('PUT', '/properties/on', `{"on":"${'x'.repeat(20_000)}"}`, 'Authorization: Bearer s3cret\r\n'));
  await server.stop();
  return rows;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'child') {
    await child(process.argv[3]);
    return;
  }
  console.log(`## WoT slow consumers: server RSS growth over ${SECONDS} s while one client never reads (${new Date().toISOString()})\n`);
  console.log('| client | server | property updates set | RSS growth (after 2 s warm-up, after a full GC) | limit | counters at the end |');
  console.log('|---|---|---:|---:|---:|---|');
  for (const [label, kind] of [['WebSocket', 'ws'], ['SSE (observe)', 'sse'], ['WebSocket', 'bare-ws']] as const) {
    const r = await slowConsumer(kind);
    const server = kind === 'bare-ws' ? 'bare `ws` broadcast (no budget)' : 'thingflow-xs WebThingServer';
    const counters = r.counters === '' ? '' : (() => {
      const c = JSON.parse(r.counters);
      return `coalesced ${c.coalesced}, dropped ${c.dropped}, closedSlow ${c.closedSlow}`;
    })();
    console.log(`| ${label} | ${server} | ${r.updates} | ${mib(r.growth)}${r.seconds < SECONDS ? ` in ${r.seconds} s (stopped)` : ''} | ${kind === 'bare-ws' ? '—' : '16 MiB'} | ${counters} |`);
  }
  console.log('\n## WoT amplification: reply bytes / request bytes per error path (limit 4×)\n');
  console.log('| error path | request bytes | reply bytes | ratio |');
  console.log('|---|---:|---:|---:|');
  for (const row of await amplification()) console.log(`| ${row.join(' | ')} |`);
  console.log('\nWebSocket bytes are payload bytes; HTTP bytes are everything on the wire (request and answer with headers).');
}

main().then(() => { if (process.argv[2] !== 'child') process.exit(0); }, (e) => { console.error(e); process.exit(1); });
