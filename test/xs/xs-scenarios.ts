/**
 * Jest side of the XS conformance suite: run a scenario file on Node (against
 * the TypeScript runtime) and in real XS machines (against
 * dist/thingflow.xs.js), and return each scenario's printed lines.
 *
 * XS runs in a child process (run-scenarios.mjs): xsnap needs @endo/init,
 * whose SES lockdown must not run inside the jest worker.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import ts from 'typescript';
import * as runtime from '../../runtime/index';
import type { ScenarioTable } from '../scenarios/scenario';

const ROOT = resolve(__dirname, '../..');
export const XS_BUNDLE = join(ROOT, 'dist/thingflow.xs.js');
const RUNNER = join(__dirname, 'run-scenarios.mjs');

/** Newest mtime of the .ts files under `dir` that were edited before `before` (ms since epoch). */
function newestMtime(dir: string, before: number): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, before));
    else if (entry.name.endsWith('.ts')) {
      const m = statSync(p).mtimeMs;
      if (m < before) newest = Math.max(newest, m);
    }
  }
  return newest;
}

/**
 * Path of the XS bundle, after checking it exists and is not older than
 * runtime/ was when this run started (a stale bundle would test yesterday's code).
 */
export function xsBundlePath(): string {
  // For iterating on the XS suite while the shared build is broken: an explicitly given bundle is used as is.
  if (process.env.THINGFLOW_XS_BUNDLE) return process.env.THINGFLOW_XS_BUNDLE;
  if (!existsSync(XS_BUNDLE)) throw new Error(`${XS_BUNDLE} is missing: run \`npm run build\` (npm test does it first)`);
  // Edits made after this test process started are someone else's work in progress (a shared tree),
  // not a forgotten build: only runtime files changed between the build and the start of the run count.
  const runStarted = Date.now() - process.uptime() * 1000;
  const stale = newestMtime(join(ROOT, 'runtime'), runStarted) > statSync(XS_BUNDLE).mtimeMs;
  if (stale) throw new Error(`${XS_BUNDLE} is older than runtime/: run \`npm run build\` (npm test does it first)`);
  return XS_BUNDLE;
}

/** Turn a scenario file into a plain script that leaves its `scenarios` table in `globalThis.__scenarios`. */
export function scenarioScript(file: string): string {
  const source = readFileSync(file, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, isolatedModules: true },
    fileName: file,
  });
  return `(function () {
    var exports = {};
    var module = { exports: exports };
    function require(id) { throw new Error('scenario files may import types only; it imports ' + id + ' at run time'); }
    ${outputText}
    globalThis.__scenarios = exports.scenarios;
  })();`;
}

export type ScenarioOutput = Record<string, string[]>;

/** Run the named scenarios of `file` in fresh XS machines (one each), on `opts.bundle` or else the runtime's XS bundle. */
export function runOnXs(file: string, names: string[], opts: { bare?: boolean; frozen?: boolean; bundle?: string } = {}): ScenarioOutput {
  const job = { bundle: opts.bundle ?? xsBundlePath(), script: scenarioScript(file), names, bare: opts.bare ?? false, frozen: opts.frozen ?? false };
  const child = spawnSync(process.execPath, [RUNNER], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 170_000 });
  if (child.status !== 0) throw new Error(`XS scenario runner failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout).results as ScenarioOutput;
}

/**
 * Bundle `entry` (a module exporting the runtime and what its scenarios use besides, such as sim/) as
 * one plain script, and run the named scenarios of `file` on it in fresh bare XS machines.
 */
export function runOnXsBundled(entry: string, file: string, names: string[]): ScenarioOutput {
  const dir = mkdtempSync(join(tmpdir(), 'tf-xs-bundle-'));
  try {
    const built = buildSync({
      entryPoints: [entry], bundle: true, format: 'iife', globalName: 'thingflow',
      target: 'es2022', platform: 'neutral', write: false, footer: { js: 'globalThis.thingflow = thingflow;' },
    });
    const bundle = join(dir, 'bundle.xs.js');
    writeFileSync(bundle, built.outputFiles[0].text);
    return runOnXs(file, names, { bare: true, bundle });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run one scenario on Node against the TypeScript runtime, catching what it throws exactly as on XS. */
export function runOnNode(table: ScenarioTable, name: string): string[] {
  const lines: string[] = [];
  try {
    table[name](runtime, (line) => lines.push(String(line)));
  } catch (e: any) {
    lines.push(`THREW ${e && e.name}: ${e && e.message}`);
  } finally {
    // The Node runtime is one module instance for the whole test file; XS gets a fresh machine per scenario.
    runtime.setErrorReporter(undefined);
  }
  return lines;
}
