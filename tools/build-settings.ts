/**
 * mcconfig's make rebuilds an object when its source or a header it includes
 * changes, not when the compiler's flags do: a manifest's `build` variables
 * (PICO_C_DEFINES, ...) and its `defines` (mc.defines.h, which xsmain.c reads
 * though make does not know) change without one object being compiled again.
 * So a build keeps objects compiled for the old settings: a release build kept
 * `MODDEF_PICO_USB` 0 after the manifest set it, and a Pico W kept its LED
 * unwritable after boards.json passed WIFI_GPIO to the compiler.
 *
 * Each build here records the settings it was made with beside its objects;
 * when they differ from the manifest's now, the app's objects for that target
 * are removed first, so the build starts clean (the pico-sdk's objects, shared
 * between apps, stay). An app's folder with no record, from before this, is
 * cleaned once.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resolved } from './moddable-manifest';

/** The record's name in the app's folder of mcconfig's build tree. */
export const SETTINGS_FILE = 'thingflow-build-settings.json';

/** What the app's objects were compiled with: the manifests' build variables (sorted) and defines, and debug or release. */
export function buildSettings(resolved: Pick<Resolved, 'build' | 'defines'>, debug: boolean): string {
  const build = [...resolved.build.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({ debug, build, defines: resolved.defines });
}

/**
 * Where mcconfig keeps the app's objects for `target`: `<build>/tmp/pico/release/<app>`,
 * `<build>/tmp/pico/pico_w/release/<app>`; on lin under `lin/mc`.
 */
export function appObjectsDir(buildDir: string, target: string, app: string, debug: boolean): string {
  const [platform, board] = target.split('/');
  const parts = platform === 'lin' ? ['lin', 'mc'] : board === undefined ? [platform] : [platform, board];
  return join(buildDir, 'tmp', ...parts, debug ? 'debug' : 'release', app);
}

/**
 * Before a build: remove the app's objects if they were compiled with other
 * settings (or with no record of them). Returns why, when it did.
 */
export function dropStaleObjects(dir: string, settings: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const record = join(dir, SETTINGS_FILE);
  const previous = existsSync(record) ? readFileSync(record, 'utf8') : undefined;
  if (previous === settings) return undefined;
  rmSync(dir, { recursive: true, force: true });
  return previous === undefined
    ? 'its objects carry no record of the settings they were compiled with'
    : 'the manifests\' build variables or defines changed since its objects were compiled';
}

/** After a build: record the settings its objects were compiled with. */
export function recordSettings(dir: string, settings: string): void {
  if (existsSync(dir)) writeFileSync(join(dir, SETTINGS_FILE), settings);
}

/**
 * xsl links incrementally: it starts from the symbol table (modules/mc.xsi) of
 * the app's previous build, so the names of modules since dropped from the
 * manifest stay in the firmware's key table (1,485 stale keys, 38 KB of
 * flash, after the lux demo stopped compiling the whole runtime). Removing the
 * file (and the linked mc.xs.c, which make would otherwise keep) from the
 * app's objects for the target being built makes xsl start from the modules
 * linked now; only the link and its C redo work. Other targets' builds of the
 * app keep theirs (the plain pico build's mc.xs.c names its preloaded
 * functions for bench:firmware and the JavaScript profiler).
 */
export function forgetLinkedSymbols(objectsDir: string): void {
  rmSync(join(objectsDir, 'modules/mc.xsi'), { force: true });
  rmSync(join(objectsDir, 'mc.xs.c'), { force: true }); // make would not link again otherwise
}
