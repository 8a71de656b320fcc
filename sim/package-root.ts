/**
 * The thingflow-xs package's root (where its package.json, manifests/ and
 * runtime/ sources are) from a file inside it: sim/ in a checkout, dist/ or
 * dist/chunks/ installed, wherever rollup put the code that asks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function packageRootOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'thingflow-xs') return dir;
    if (dirname(dir) === dir) throw new Error(`no thingflow-xs package.json above ${file}`);
  }
}
