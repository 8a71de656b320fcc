/**
 * The package as npm publishes it: `npm pack` (of the build `npm test` made), the tarball unpacked
 * into a new consumer project's node_modules, its dependencies beside it, and then
 * - a user's app type-checks against it with moduleResolution NodeNext, Node16 and Bundler (strict,
 *   and without skipLibCheck: the package's own .d.ts are checked too);
 * - Node imports each entry point;
 * - @arethetypeswrong/cli and publint, the ecosystem's checkers, find nothing wrong.
 * The package is ESM only (exports give `import` conditions only), so attw runs its esm-only profile.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packIntoNewProject, repoRoot, type PackedProject } from '../support/packed-package';

const bin = (pkg: string, file: string) => join(repoRoot, 'node_modules', pkg, file);

let packed: PackedProject;
let tarball: string;
let consumer: string;
let dir: string;

function run(command: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  packed = packIntoNewProject();
  ({ tarball, project: consumer, dir } = packed);
  copyFileSync(join(__dirname, 'fixtures', 'consumer.ts'), join(consumer, 'app.ts'));
}, 60_000);

afterAll(() => packed?.remove());

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
