/**
 * An app gets only the modules it imports: each app manifest that includes a
 * `modules.json` beside it gets there the project modules its own modules
 * reach by the imports its code runs (tools/moddable-manifest.ts `importsOf`:
 * after TypeScript's import elision, without dynamic `import()`), per target.
 * mcconfig compiles every module a manifest names into the firmware, whether
 * or not anything imports it, so naming whole runtime folders would carry
 * all of them.
 *
 * `npm run firmware-modules` (tools/firmware-modules.ts) writes them;
 * `npm run firmware` writes the app's list before building; `npm test` fails
 * when a committed list is stale (test/hosts/moddable/manifests.test.ts).
 * An app that imports the runtime's root (`runtime/index`) gets all of it:
 * import the modules you use (`runtime/filters/map`, ...), as ThingFlow's
 * filters are imported one by one.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { FIRMWARE_TARGETS } from './firmware-env';
import { posixPath, relativeModule, resolveManifest, sourceOf, walkImports } from './moddable-manifest';

/** The nearest folder above `file` that holds every one of `marks`; undefined when none does. */
export function folderAbove(file: string, marks: readonly string[]): string | undefined {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    if (marks.every((mark) => existsSync(join(dir, mark)))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The project root above `file`: the nearest folder with a package.json (this repository, or an app's own project). */
export function rootOf(file: string): string {
  const root = folderAbove(file, ['package.json']);
  if (root === undefined) throw new Error(`${file}: not inside a package`);
  return root;
}
/** The generated list's file name, next to the app's manifest.json. */
export const APP_MODULES_FILE = 'modules.json';
/** Module names mirror the thingflow-xs tree under this prefix (manifests/thingflow.json). */
const PREFIX = 'thingflow/';
/** An app outside a thingflow-xs checkout (a project with the package installed): its own modules mirror its project's tree under this prefix. */
export const APP_PREFIX = 'app/';

/**
 * The thingflow-xs tree the manifest builds from: the folder above the
 * manifests/thingflow.json it includes (this checkout, or the installed
 * package), else the app's own root.
 */
function thingflowRootOf(manifests: Set<string>, fallback: string): string {
  for (const m of manifests) if (m.endsWith(`${sep}manifests${sep}thingflow.json`)) return dirname(dirname(m));
  return fallback;
}

type ModuleMap = { [name: string]: string };
export interface AppModules {
  note: string;
  modules: ModuleMap;
  preload: string[];
  platforms?: { [target: string]: { modules: ModuleMap; preload: string[] } };
}

/**
 * The runtime's modules are all preloaded, whoever imports them: a filter
 * module installs its fluent method on OutputThing.prototype when evaluated,
 * which only works before the XS linker freezes the preloaded prototype (an
 * app whose main module is not preloaded would otherwise evaluate it at run
 * time, and throw). Preloaded, their code and objects stay in flash, not RAM.
 */
const preloaded = (names: string[]) => names.filter((name) => name.startsWith(`${PREFIX}runtime/`));

/** The generated list of the app whose manifest is `manifest`: ./modules.json beside it. */
export function appModulesFile(manifest: string): string {
  return join(dirname(manifest), APP_MODULES_FILE);
}

/** The project modules reached from what the manifest names for `target` but that it does not name itself; undefined when the app does not build for it. */
function neededFor(manifest: string, target: string): Map<string, string> | undefined {
  const ROOT = rootOf(manifest);
  const listFile = appModulesFile(manifest);
  const r = resolveManifest(manifest, target, undefined, (file) => file === listFile);
  if (r.errors.length > 0) return undefined;
  const THINGFLOW = thingflowRootOf(r.manifests, ROOT);
  // The runtime's modules are named by its tree; an app's own, outside it, by the app's project tree.
  const nameOf = (file: string) => {
    const inThingflow = relative(THINGFLOW, file);
    return inThingflow.startsWith('..') ? `${APP_PREFIX}${relative(ROOT, file)}` : `${PREFIX}${inThingflow}`;
  };
  const named = new Set(r.modules.values());
  const needed = new Map<string, string>();
  const starts = [...named].filter((p) => !p.startsWith('$(') && !p.endsWith('*') && sourceOf(p) !== undefined);
  walkImports(starts, (spec, file) => {
    let dep: string | undefined;
    if (spec.startsWith('.')) dep = relativeModule(file, spec);
    else if (r.modules.has(spec)) dep = r.modules.get(spec)!.startsWith('$(') ? undefined : r.modules.get(spec);
    else if (spec.startsWith(PREFIX)) dep = join(THINGFLOW, spec.slice(PREFIX.length));
    // Anything else is an SDK module (timer, embedded:io/i2c, ...): the manifests test checks the target offers it.
    if (dep !== undefined && !named.has(dep)) needed.set(posixPath(nameOf(dep)), dep);
    return dep;
  }, (file) => {
    throw new Error(`${relative(ROOT, file)}: no .ts or .js source (imported by the app)`);
  });
  return needed;
}

/** The module list an app's manifest should include, computed from its sources. */
export function appModules(manifest: string): AppModules {
  const base = dirname(manifest);
  const perTarget = new Map<string, Map<string, string>>();
  for (const target of FIRMWARE_TARGETS) {
    const needed = neededFor(manifest, target);
    if (needed !== undefined) perTarget.set(target, needed);
  }
  if (perTarget.size === 0) throw new Error(`${manifest}: builds for none of ${FIRMWARE_TARGETS.join(', ')}`);
  const all = [...perTarget.values()];
  const common = [...all[0].keys()].filter((name) => all.every((m) => m.has(name))).sort();
  const entry = (name: string, abs: string): [string, string] => [name, relative(base, abs)];
  const list: AppModules = {
    note: `Generated from the imports of this app's modules, per target (tools/app-modules.ts; \`npm run firmware\` writes it before a build, \`npm run firmware-modules\` every committed app's): the firmware compiles only these, and preloads the runtime's among them (a filter installs its fluent method when evaluated, which a frozen preloaded prototype allows only at preload). Edit the app, not this file; \`npm test\` fails when a committed one is stale.`,
    modules: Object.fromEntries(common.map((name) => entry(name, all[0].get(name)!))),
    preload: preloaded(common),
  };
  for (const [target, needed] of perTarget) {
    const extra = [...needed.keys()].filter((name) => !common.includes(name)).sort();
    if (extra.length === 0) continue;
    list.platforms ??= {};
    list.platforms[target] = { modules: Object.fromEntries(extra.map((name) => entry(name, needed.get(name)!))), preload: preloaded(extra) };
  }
  return list;
}

export function appModulesText(manifest: string, modules: AppModules = appModules(manifest)): string {
  return `${JSON.stringify(modules, null, '\t')}\n`;
}

/** Whether the app's manifest takes its module list from a generated ./modules.json. */
export function usesAppModules(manifest: string): boolean {
  const include = (JSON.parse(readFileSync(manifest, 'utf8')) as { include?: string | string[] }).include;
  return [include ?? []].flat().includes(`./${APP_MODULES_FILE}`);
}

/** The app manifests whose module lists are generated: those that include ./modules.json. */
export function generatedApps(root: string): string[] {
  const apps: string[] = [];
  for (const dir of ['manifests', 'bench/firmware']) {
    const parent = join(root, dir);
    if (!existsSync(parent)) continue;
    for (const name of readdirSync(parent)) {
      const manifest = join(parent, name, 'manifest.json');
      if (existsSync(manifest) && usesAppModules(manifest)) apps.push(manifest);
    }
  }
  return apps;
}

/** Whether `file` holds exactly `text`. */
function holds(file: string, text: string): boolean {
  return existsSync(file) && readFileSync(file, 'utf8') === text;
}

/** Whether the app's committed list is what its sources give now. */
export function appModulesFresh(manifest: string): boolean {
  return holds(appModulesFile(manifest), appModulesText(manifest));
}

/** Write the app's list (`modules`, when the caller has just computed it) when it differs; true when it did. */
export function writeAppModules(manifest: string, modules?: AppModules): boolean {
  const file = appModulesFile(manifest);
  const text = appModulesText(manifest, modules);
  if (holds(file, text)) return false;
  writeFileSync(file, text);
  return true;
}
