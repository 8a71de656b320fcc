/**
 * WoT endpoint benchmark (npm run bench:wot). Prints tables; the numbers go in docs/wot.md.
 *
 * HTTP: requests/s for GET and PUT of the lamp's `brightness`, with `wrk`
 * (1 thread, 32 connections) against three servers measured in the same run,
 * each in its own process: thingflow-xs's WebThingServer, node-wot serving the
 * same lamp, and a bare node:http handler returning the same JSON (the floor).
 *
 * WebSocket: property updates/s delivered to N subscribers: the server changes
 * `brightness` M times in a row; the clock stops when every client has all of
 * them. Peer: a bare `ws` server broadcasting the same messages.
 *
 * Env: WOT_BENCH_SECONDS (default 5) per wrk run, WOT_BENCH_ROUNDS (default 3), WOT_BENCH_UPDATES (default 2000).
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get as httpGet, request as httpRequest } from 'node:http';
import WebSocket from 'ws';

/** GET a URL on a fresh connection (a reused keep-alive socket may have been closed by the server meanwhile). */
function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function post(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { method: 'POST', agent: false }, (res) => { res.resume(); res.on('end', () => resolve()); }).on('error', reject).end();
  });
}

const ROOT = process.cwd();
const SECONDS = Number(process.env.WOT_BENCH_SECONDS ?? 5);
const UPDATES = Number(process.env.WOT_BENCH_UPDATES ?? 2000);
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function startPeer(kind: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [TSX, join(ROOT, 'bench/wot-peers.ts'), kind, String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
  return { child, url };
}

function stopPeer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface WrkResult { rps: number; non2xx: number; latencyMs: number; errors: number }

function wrk(url: string, seconds: number, script?: string): WrkResult {
  const args = ['-t1', '-c32', `-d${seconds}s`, '--latency'];
  if (script) args.push('-s', script);
  args.push(url);
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = errs ? Number(errs[1]) + Number(errs[2]) + Number(errs[3]) + Number(errs[4]) : 0;
  const lat = /Latency\s+([\d.]+)(us|ms|s)/.exec(out);
  const latencyMs = lat ? Number(lat[1]) * (lat[2] === 'us' ? 0.001 : lat[2] === 's' ? 1000 : 1) : NaN;
  return { rps, non2xx, latencyMs, errors };
}

function putScript(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.lua`);
  writeFileSync(file, `wrk.method = "PUT"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\n`);
  return file;
}

const ROUNDS = Number(process.env.WOT_BENCH_ROUNDS ?? 3);

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * All three servers stay up; each round measures them one after the other, so
 * a burst of noise on this (shared) machine hits one round, not one server.
 * The tables report medians over the rounds.
 */
async function httpBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wot-bench-'));
  const peers: [string, string, string][] = [
    ['thingflow', 'thingflow-xs WebThingServer', '{"brightness":42}'],
    ['nodewot', 'node-wot 0.9 (binding-http)', '42'],
    ['bare', 'bare node:http (floor)', '{"brightness":42}'],
  ];
  const running: { child: ChildProcess; url: string }[] = [];
  try {
    for (const [kind] of peers) running.push(await startPeer(kind));
    for (let i = 0; i < peers.length; i++) {
      // Sanity: the GET answers what the lamp holds; then a warm-up run for the JIT.
      const first = await getText(running[i].url);
      if (!first.includes('50')) throw new Error(`${peers[i][0]} GET ${running[i].url} answered ${first}`);
      wrk(running[i].url, 1);
    }
    const get: WrkResult[][] = peers.map(() => []);
    const put: WrkResult[][] = peers.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < peers.length; i++) {
        get[i].push(wrk(running[i].url, SECONDS));
        put[i].push(wrk(running[i].url, SECONDS, putScript(dir, peers[i][0], peers[i][2])));
      }
    }
    for (let i = 0; i < peers.length; i++) {
      const after = await getText(running[i].url);
      if (!after.includes('42')) throw new Error(`${peers[i][0]} PUT did not take: ${after}`);
    }
    const med = (rs: WrkResult[]) => median(rs.map((r) => r.rps));
    const floorGet = med(get[2]);
    const floorPut = med(put[2]);
    console.log(`\nHTTP property GET/PUT: wrk -t1 -c32 -d${SECONDS}s, median of ${ROUNDS} rounds, each server in its own process (${new Date().toISOString()})`);
    console.log('| server | GET req/s | floor/GET | GET avg latency | PUT req/s | floor/PUT | GET rounds | non-2xx / socket errors |');
    console.log('|---|---:|---:|---:|---:|---:|---|---:|');
    for (let i = 0; i < peers.length; i++) {
      const g = med(get[i]);
      const p = med(put[i]);
      const bad = [...get[i], ...put[i]].reduce((a, r) => a + r.non2xx, 0);
      const errs = [...get[i], ...put[i]].reduce((a, r) => a + r.errors, 0);
      console.log(`| ${peers[i][1]} | ${g.toFixed(0)} | ${(floorGet / g).toFixed(2)}× | ${median(get[i].map((r) => r.latencyMs)).toFixed(2)} ms | ${p.toFixed(0)} | ${(floorPut / p).toFixed(2)}× | ${get[i].map((r) => r.rps.toFixed(0)).join(', ')} | ${bad} / ${errs} |`);
    }
    console.log(`\nthingflow-xs vs node-wot: GET ${(med(get[0]) / med(get[1])).toFixed(2)}×, PUT ${(med(put[0]) / med(put[1])).toFixed(2)}× the requests/s`);
  } finally {
    for (const r of running) await stopPeer(r.child);
  }
}

async function wsRun(url: string, subscribers: number, updates: number): Promise<number> {
  const wsUrl = url.replace(/^http/, 'ws').replace(/\/properties\/brightness$/, '/');
  const clients: WebSocket[] = [];
  let remaining = subscribers;
  let resolveDone: () => void;
  const done = new Promise<void>((r) => { resolveDone = r; });
  const expected = updates + 1;
  for (let i = 0; i < subscribers; i++) {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    let count = 0;
    ws.on('message', () => {
      if (++count === expected && --remaining === 0) resolveDone();
    });
    await new Promise((r) => ws.once('open', r));
    clients.push(ws);
  }
  const burst = url.replace(/\/properties\/brightness$/, `/burst?n=${updates}`);
  const t0 = process.hrtime.bigint();
  await post(burst);
  await done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const c of clients) c.terminate();
  return expected / seconds;
}

async function wsBench(): Promise<void> {
  const counts = [1, 10, 100];
  const kinds: [string, string][] = [['thingflow', 'thingflow-xs WebThingServer'], ['ws-bare', 'bare ws broadcast (floor)']];
  const running: { child: ChildProcess; url: string }[] = [];
  const results: number[][][] = kinds.map(() => counts.map(() => []));
  try {
    for (const [kind] of kinds) running.push(await startPeer(kind));
    for (const r of running) await wsRun(r.url, 10, 200); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < kinds.length; k++) {
        for (let c = 0; c < counts.length; c++) results[k][c].push(await wsRun(running[k].url, counts[c], UPDATES));
      }
    }
  } finally {
    for (const r of running) await stopPeer(r.child);
  }
  const med = results.map((perCount) => perCount.map(median));
  console.log(`\nWebSocket propertyStatus updates/s delivered to every one of N subscribers (${UPDATES + 1} updates per run, median of ${ROUNDS}; messages/s = updates/s × N)`);
  console.log(`| server | ${counts.map((n) => `N=${n}`).join(' | ')} |`);
  console.log(`|---|${counts.map(() => '---:').join('|')}|`);
  for (let k = 0; k < kinds.length; k++) console.log(`| ${kinds[k][1]} | ${med[k].map((x) => x.toFixed(0)).join(' | ')} |`);
  console.log(`| thingflow-xs / floor | ${med[0].map((x, i) => (x / med[1][i]).toFixed(2)).join(' | ')} |`);
}

async function main(): Promise<void> {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') {
      console.error('wrk is not installed (apt-get install -y wrk)');
      process.exit(1);
    }
  }
  await httpBench();
  await wsBench();
  // Deterministic counts on the real XS engine, in a process of their own (SES lockdown).
  if (existsSync(join(ROOT, 'dist/thingflow.xs.js'))) {
    spawnSync(process.execPath, [join(ROOT, 'bench/wot-xs.mjs')], { cwd: ROOT, stdio: 'inherit' });
  } else {
    console.log('\n(XS counts skipped: dist/thingflow.xs.js is missing; run npm run build)');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
