/**
 * Import an app module for the CLI (`sim` and `fleet`) and return its default export. A TypeScript
 * app needs a loader: under `tsx sim/cli.ts` (npm start) tsx is already there; from the built
 * `dist/cli.js` the CLI registers tsx's ESM hooks (tsx/esm/api) before importing, when tsx is installed.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './cli-args';

export async function loadAppModule<T>(path: string): Promise<T> {
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`no such file: ${path}`);
  const url = pathToFileURL(resolve(path)).href;
  const selfIsTypeScript = /\.ts$/.test(typeof __filename === 'string' ? __filename : new URL(import.meta.url).pathname);
  if (/\.[cm]?tsx?$/.test(path) && !selfIsTypeScript) {
    let api: { register: () => unknown };
    try {
      api = (await import('tsx/esm/api')) as { register: () => unknown };
    } catch {
      throw new UsageError(`${path} is TypeScript: install tsx (npm i -D tsx) or compile the app to .js first`);
    }
    api.register();
  }
  const mod = (await import(url)) as { default?: unknown };
  if (typeof mod.default !== 'function') throw new UsageError(`${path} has no default export function (ctx) => ...`);
  return mod.default as T;
}
