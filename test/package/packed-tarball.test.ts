/**
 * The package as npm publishes it: `npm pack` (of the build `npm test` made), the tarball unpacked
 * into a new consumer project's node_modules, its dependencies beside it, and then
 * - a user's app type-checks against it with moduleResolution NodeNext, Node16 and Bundler (strict,
 *   and without skipLibCheck: the package's own .d.ts are checked too);
 * - Node imports each entry point;
 * - @arethetypeswrong/cli and publint, the ecosystem's checkers, find nothing wrong.
 * The package is ESM only (exports give `import` conditions only), so attw runs its esm-only profile.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const bin = (pkg: string, file: string) => join(root, 'node_modules', pkg, file);

let dir: string;
let tarball: string;
let consumer: string;

function run(command: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-packed-'));
  // --ignore-scripts: `prepare` would build again; `npm test` has just built dist/.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' })) as { filename: string }[];
  tarball = join(dir, packed[0].filename);

  consumer = join(dir, 'app');
  const installed = join(consumer, 'node_modules', 'thingflow-xs');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  // What `npm install <tarball>` would put beside it: the package's dependencies (taken from this
  // checkout's node_modules: no network in tests), and the Node types an app on Node has.
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of [...Object.keys(manifest.dependencies ?? {}), '@types/node']) {
    const link = join(consumer, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), link, 'dir');
  }
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  copyFileSync(join(__dirname, 'fixtures', 'consumer.ts'), join(consumer, 'app.ts'));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed tarball in a new project', () => {
  test.each([
    ['NodeNext', 'NodeNext'],
    ['Node16', 'Node16'],
    ['Bundler', 'ESNext'],
  ])('an app type-checks with moduleResolution %s', (moduleResolution, module) => {
    const tsc = run(process.execPath, [bin('typescript', 'bin/tsc'), '--noEmit', '--strict', '--target', 'ES2022',
      '--module', module, '--moduleResolution', moduleResolution, '--types', 'node', 'app.ts'], consumer);
    expect(tsc.out).toBe('');
    expect(tsc.status).toBe(0);
  }, 60_000);

  test('Node imports every entry point; thingflow-xs/xs sets globalThis.thingflow', () => {
    writeFileSync(join(consumer, 'entries.mjs'), `
      const root = await import('thingflow-xs');
      const sim = await import('thingflow-xs/sim');
      const runtime = await import('thingflow-xs/runtime');
      await import('thingflow-xs/xs');
      console.log(JSON.stringify({
        root: typeof root.Scheduler, node: typeof root.WebThingServer, sim: typeof sim.createSimDevice,
        runtime: typeof runtime.OutputThing, xs: typeof globalThis.thingflow?.OutputThing,
      }));
    `);
    const node = run(process.execPath, ['entries.mjs'], consumer);
    expect(node.status).toBe(0);
    expect(JSON.parse(node.out)).toEqual({ root: 'function', node: 'function', sim: 'function', runtime: 'function', xs: 'function' });
  }, 30_000);

  test('@arethetypeswrong/cli finds no problem in any typed entry point', () => {
    // ./xs is a plain script for an XS engine (read and evaluated whole, or imported for its global),
    // not a module with exports to type.
    const attw = run(process.execPath, [bin('@arethetypeswrong/cli', 'dist/index.js'), tarball, '--profile', 'esm-only',
      '--exclude-entrypoints', './xs', '--format', 'ascii', '--no-color'], dir);
    expect(attw.status).toBe(0); // non-zero on any problem the profile counts
    const verdicts = attw.out.split('\n').filter((line) => /^(node16 \(from ESM\)|bundler):/.test(line));
    expect(verdicts).toHaveLength(2 * 4); // '.', './sim', './runtime', './package.json'
    for (const verdict of verdicts) expect(verdict).toMatch(/: 🟢/);
  }, 60_000);

  test('publint finds nothing but its CJS guess about the XS script', () => {
    const publint = run(process.execPath, [bin('publint', 'src/cli.js'), 'run', tarball, '--strict'], dir);
    const messages = publint.out.split('\n').filter((line) => /^\d+\. /.test(line));
    // publint's heuristic sees `exports.X = …` inside the IIFE rollup writes for dist/thingflow.xs.js
    // and calls it CJS; it is a plain script (no module.exports, no require), tested as one by
    // exports.test.ts and imported as ESM by the test above.
    expect(messages.filter((m) => !m.includes('pkg.exports["./xs"] is ./dist/thingflow.xs.js and is written in CJS'))).toEqual([]);
    expect(messages.length).toBeLessThanOrEqual(1);
  }, 60_000);
});
