/**
 * What the lin checks share (lin-host-check.mjs, lin-fleet-check.mjs): the
 * SDK check, a debug build of an app for Moddable's lin simulator, an aedes
 * broker, the app run under xvfb with its `trace` lines read through
 * xsbug-log, and a list of named checks printed as a table.
 *
 * Needs a Moddable SDK with the lin tools built (MODDABLE set, mcconfig,
 * xvfb-run, and `npm install` in $MODDABLE/tools/xsbug-log). Not part of
 * jest: CI has no SDK (no network to fetch it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** $MODDABLE, or exit 2 with one line saying what is missing. */
export function moddableOrExit(check) {
  const moddable = process.env.MODDABLE;
  if (!moddable || !existsSync(join(moddable, 'build/bin/lin/release/mcconfig'))) {
    console.error(`${check}: set MODDABLE to a Moddable SDK with the lin tools built`);
    process.exit(2);
  }
  return moddable;
}

/** The app's manifest, parsed (for its config). */
export function manifestOf(app) {
  return JSON.parse(readFileSync(join(ROOT, `manifests/${app}/manifest.json`), 'utf8'));
}

function linEnv(moddable) {
  return { ...process.env, PATH: `${moddable}/build/bin/lin/release:${ROOT}/node_modules/.bin:${process.env.PATH}` };
}

/** `mcconfig -d -m -p lin` of manifests/<app> (skipped with --no-build); exits 1 when it fails. */
export function buildForLin(moddable, app, check) {
  if (process.argv.includes('--no-build')) return;
  const b = spawnSync('mcconfig', ['-d', '-m', '-p', 'lin', `manifests/${app}/manifest.json`], { cwd: ROOT, env: linEnv(moddable), encoding: 'utf8' });
  if (b.status !== 0) {
    console.error(b.stdout.split('\n').filter((l) => !l.startsWith('# ')).join('\n'), b.stderr);
    console.error(`${check}: mcconfig failed`);
    process.exit(1);
  }
}

/** An aedes broker listening on host:port. */
export async function startBroker(host, port) {
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise((r) => server.listen(port, host, r));
  return { aedes, close() { server.close(); aedes.close(); } };
}

/**
 * What a check heard (trace lines, MQTT messages), to wait on: `waitFor(test,
 * ms, what)` gives the first item `test` accepts, heard already or within
 * `ms`, else fails with `what()` saying what was heard instead.
 */
export function waitableLog() {
  const items = [];
  const waiters = [];
  return {
    items,
    push(item) {
      items.push(item);
      for (const w of waiters.slice()) if (w.test(item)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(item); }
    },
    waitFor(test, ms, what) {
      const hit = items.find(test);
      if (hit !== undefined) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { test, resolve };
        waiters.push(w);
        setTimeout(() => { const i = waiters.indexOf(w); if (i >= 0) { waiters.splice(i, 1); reject(new Error(what())); } }, ms);
      });
    },
  };
}

/**
 * Run the debug build of manifests/<app> in the lin simulator; the lines that
 * contain one of `marks` (or an exception) are kept in `traces`.
 */
export function runOnLin(moddable, app, marks) {
  const traces = waitableLog();
  /** The simulator's last lines, whatever they say: shown when an awaited trace never comes. */
  const lastLines = [];
  const sim = spawn('xvfb-run', ['-a', 'node', 'xsbug-log', `${moddable}/build/bin/lin/release/mcsim`, `${moddable}/build/simulators`,
    `${moddable}/build/bin/lin/mc/debug/${app}/mc.so`], { cwd: join(moddable, 'tools/xsbug-log'), env: linEnv(moddable), detached: true });
  let buffer = '';
  sim.stdout.on('data', (d) => {
    buffer += d.toString().replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i).replace(/^(\(xsdb\) )+/, '').trim();
      buffer = buffer.slice(i + 1);
      if (line !== '') { lastLines.push(line); if (lastLines.length > 15) lastLines.shift(); }
      if (marks.some((m) => line.includes(m)) || line.includes('Exception') || line.includes('abort')) traces.push(line);
    }
  });
  return {
    traces: traces.items,
    /** The first trace matching `re`, waited for up to `ms`. */
    waitTrace(re, ms = 10000) {
      return traces.waitFor((l) => re.test(l), ms, () => `no trace ${re} within ${ms} ms; last lines:\n${lastLines.join('\n')}`);
    },
    stop() { try { process.kill(-sim.pid, 'SIGTERM'); } catch { /* gone */ } },
  };
}

/** Named checks: `check(name, fn)` records PASS with what fn returns, or FAIL with what it threw; `report()` prints them and exits. */
export function checks() {
  const results = [];
  return {
    async check(name, fn) {
      try {
        const detail = await fn();
        results.push([name, 'PASS', detail ?? '']);
      } catch (e) {
        results.push([name, 'FAIL', e instanceof Error ? e.message : String(e)]);
      }
    },
    expect(cond, message) { if (!cond) throw new Error(message); },
    report() {
      const w = Math.max(...results.map((r) => r[0].length));
      for (const [name, status, detail] of results) console.log(`${status}  ${name.padEnd(w)}  ${detail}`);
      process.exit(results.length > 0 && results.every((r) => r[1] === 'PASS') ? 0 : 1);
    },
  };
}
