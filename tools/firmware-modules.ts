/**
 * Writes (or, with --check, checks) each app's generated module list
 * (tools/app-modules.ts):
 *
 *   npm run firmware-modules            write every app's modules.json
 *   npm run firmware-modules -- --check say which are stale, exit 1 if any
 */
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appModulesFile, appModulesFresh, generatedApps, writeAppModules } from './app-modules';

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(dirname(SELF), '..');

function main(argv: string[]): number {
  const check = argv.includes('--check');
  let stale = 0;
  for (const manifest of generatedApps(ROOT)) {
    const name = relative(ROOT, appModulesFile(manifest));
    if (check) {
      const fresh = appModulesFresh(manifest);
      if (!fresh) stale++;
      process.stdout.write(`${name}: ${fresh ? 'up to date' : 'stale (npm run firmware-modules)'}\n`);
    } else {
      process.stdout.write(`${name}: ${writeAppModules(manifest) ? 'written' : 'up to date'}\n`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === SELF) process.exitCode = main(process.argv.slice(2));
