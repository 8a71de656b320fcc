/**
 * The code and output a newcomer copies from the docs, checked as they would use them:
 * - README.md's example and docs/simulator.md's "Your first app" are copied into a new project
 *   that has the packed package installed, type-checked (strict, moduleResolution NodeNext) and run;
 *   what they print is what the docs say they print;
 * - the demo's output in docs/simulator.md is what `npm start` prints.
 * Only the real time taken and the plot's directory may differ.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packIntoNewProject, repoRoot, type PackedProject } from '../support/packed-package';

/** The fenced blocks of a markdown file, in order, with their language and the heading above them. */
function codeBlocks(file: string): { lang: string; heading: string; text: string }[] {
  const blocks: { lang: string; heading: string; text: string }[] = [];
  let heading = '';
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of readFileSync(join(repoRoot, file), 'utf8').split('\n')) {
    if (open) {
      if (line.startsWith('```')) {
        blocks.push({ lang: open.lang, heading, text: `${open.lines.join('\n')}\n` });
        open = undefined;
      } else {
        open.lines.push(line);
      }
    } else if (line.startsWith('```')) {
      open = { lang: line.slice(3).trim(), lines: [] };
    } else if (line.startsWith('#')) {
      heading = line.replace(/^#+\s*/, '');
    }
  }
  return blocks;
}

/** The parts of a run's output that differ from run to run. */
function normalised(output: string): string {
  return output
    .replace(/in \d+(\.\d+)? s real time/g, 'in … s real time')
    .replace(/^Plot written to .*\/([^/]+)$/m, 'Plot written to …/$1');
}

function run(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const readme = codeBlocks('README.md');
const simulator = codeBlocks('docs/simulator.md');
const readmeExample = readme.find((b) => b.lang === 'ts')!;
const readmeOutput = readme[readme.indexOf(readmeExample) + 1];
const firstApp = simulator.find((b) => b.heading === 'Your first app' && b.lang === 'ts')!;
const firstAppOutput = simulator[simulator.indexOf(firstApp) + 1];
const demoOutput = simulator.find((b) => b.lang === '' && b.text.startsWith('lux demo:'))!;

let packed: PackedProject;
beforeAll(() => {
  packed = packIntoNewProject(['@types/node', 'tsx']);
  writeFileSync(join(packed.project, 'readme.ts'), readmeExample.text);
  writeFileSync(join(packed.project, 'my-app.ts'), firstApp.text);
}, 60_000);
afterAll(() => packed?.remove());

describe('the docs, as a newcomer copies them', () => {
  test('the docs have the blocks this test reads', () => {
    expect(readmeExample.text).toContain("from 'thingflow-xs'");
    expect(readmeOutput.lang).toBe('');
    expect(firstApp.text).toContain("from 'thingflow-xs/sim'");
    expect(firstAppOutput.lang).toBe('');
    expect(demoOutput).toBeDefined();
  });

  test('README.md\'s example and the first app type-check against the packed package (NodeNext, strict)', () => {
    const tsc = run([join(repoRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'ES2022',
      '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node', 'readme.ts', 'my-app.ts'], packed.project);
    expect(tsc.out).toBe('');
    expect(tsc.status).toBe(0);
  }, 60_000);

  test('README.md\'s example prints what README.md says', () => {
    const r = run([join(packed.project, 'node_modules/tsx/dist/cli.mjs'), 'readme.ts'], packed.project);
    expect(r.out).toBe(readmeOutput.text);
    expect(r.status).toBe(0);
  }, 60_000);

  test('`npx thingflow-xs sim my-app.ts` runs the first app and prints what docs/simulator.md says', () => {
    const r = run([join(packed.project, 'node_modules/thingflow-xs/dist/cli.js'), 'sim', 'my-app.ts', '--plot', join(packed.dir, 'out', 'my-app.svg')], packed.project);
    expect(normalised(r.out)).toBe(normalised(firstAppOutput.text));
    expect(r.status).toBe(0);
  }, 60_000);

  test('`npm start` prints the demo output docs/simulator.md shows', () => {
    const r = run([join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'sim/cli.ts', 'sim', 'examples/lux-demo.ts', '--plot', join(packed.dir, 'out', 'lux-demo.svg')], repoRoot);
    expect(normalised(r.out)).toBe(normalised(demoOutput.text));
    expect(r.status).toBe(0);
  }, 60_000);
});
