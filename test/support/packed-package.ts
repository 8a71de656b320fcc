/**
 * The package as a user gets it: `npm pack` of this checkout (of the build `npm test` made), unpacked
 * into a new project's node_modules with its dependencies beside it, as `npm install <tarball>` would
 * leave it. The dependencies are linked from this checkout's node_modules (tests use no network).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');

export interface PackedProject {
  /** The temporary directory holding the tarball and the project. */
  readonly dir: string;
  readonly tarball: string;
  /** The new project (`type: module`), with node_modules/thingflow-xs from the tarball. */
  readonly project: string;
  remove(): void;
}

/** `extra`: packages the user would install too (the Node types, tsx to run .ts files). */
export function packIntoNewProject(extra: string[] = ['@types/node']): PackedProject {
  const dir = mkdtempSync(join(tmpdir(), 'tf-packed-'));
  // --ignore-scripts: `prepare` would build again; `npm test` has just built dist/.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8' })) as { filename: string }[];
  const tarball = join(dir, packed[0].filename);
  const project = join(dir, 'app');
  const installed = join(project, 'node_modules', 'thingflow-xs');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of [...Object.keys(manifest.dependencies ?? {}), ...extra]) {
    const link = join(project, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', name), link, 'dir');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  return { dir, tarball, project, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
