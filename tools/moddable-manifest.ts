/**
 * Resolves a Moddable manifest for one target the way mcconfig 8.2.3 does
 * (tools/mcmanifest.js): the manifest's own modules and includes, then the
 * first `platforms` section matching the target (`matchPlatform`: the full
 * name `pico/pico_w` before `pico`, entries in their order, `pico/*` and
 * `"..."` as wildcards), whose `include`s are followed and whose `error`s are
 * collected. SDK manifests (`$(MODDABLE)/…`) are followed only when
 * `sdkRoot` names an SDK; otherwise they are recorded in `sdkIncludes`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface Manifest {
  build?: { [name: string]: string };
  include?: string | string[];
  modules?: { [name: string]: string | string[] | object };
  preload?: string | string[];
  platforms?: { [platform: string]: Manifest };
  config?: { [k: string]: unknown };
  creation?: { heap?: { initial: number }; chunk?: { initial: number }; main?: string };
  error?: string | string[];
  defines?: { [k: string]: unknown };
}

export interface Resolved {
  /** Module name → absolute path without extension (`$(…)` paths as written). */
  modules: Map<string, string>;
  /** The SDK manifests included, as written (`$(MODDABLE)/modules/io/manifest.json`). */
  sdkIncludes: Set<string>;
  /** Every manifest merged, absolute. */
  manifests: Set<string>;
  /** The modules preloaded, by name. */
  preloads: Set<string>;
  errors: string[];
  /** Build variables the manifests set (their `build` sections, substituted), the later over the earlier. */
  build: Map<string, string>;
  /** Each section's `defines` (mc.defines.h's MODDEF_ values), in the order merged. */
  defines: unknown[];
  /** Sources a `"~"` entry excludes (absolute, without extension): mcconfig compiles none of them, whatever name a manifest gives one. */
  excluded: Set<string>;
}

export function asList<T>(x: T | T[] | undefined): T[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

/** mcmanifest.js `matchPlatform`, non-simple. */
export function matchPlatform(platforms: { [name: string]: Manifest }, target: string): Manifest | undefined {
  const parts = target.split('/');
  while (parts.length > 0) {
    const partial = parts.join('/');
    for (const n of Object.keys(platforms)) {
      if (n.endsWith('/*')) {
        if (partial.startsWith(n.slice(0, -1))) return platforms[n];
      } else if (n.startsWith('*/')) {
        if (partial.endsWith(n.slice(1))) return platforms[n];
      } else if (partial === n) {
        return platforms[n];
      }
    }
    parts.length -= 1;
  }
  return platforms['...'];
}

function substitute(path: string, vars: Map<string, string>): string | undefined {
  let unresolved = false;
  const out = path.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => {
    const v = vars.get(name);
    if (v === undefined) unresolved = true;
    return v ?? '';
  });
  return unresolved ? undefined : out;
}

/** `skip`: manifests left out (an app's generated module list, when it is being made again). */
export function resolveManifest(path: string, target: string, sdkRoot?: string, skip?: (file: string) => boolean): Resolved {
  const out: Resolved = { modules: new Map(), sdkIncludes: new Set(), manifests: new Set(), preloads: new Set(), errors: [], build: new Map(), defines: [], excluded: new Set() };
  const vars = new Map<string, string>();
  if (sdkRoot !== undefined) {
    vars.set('MODDABLE', sdkRoot);
    vars.set('MODULES', join(sdkRoot, 'modules'));
    vars.set('BUILD', join(sdkRoot, 'build'));
    vars.set('BUILD_SIMULATOR', join(sdkRoot, 'build/simulators'));
    vars.set('PLATFORM', target.split('/')[0]);
  }
  merge(resolve(path), target, sdkRoot, vars, out, skip);
  // An excluded pattern (`dir/*`) takes every source in its folder, as mcconfig's `"~"` does.
  const folders = [...out.excluded].filter((e) => e.endsWith('/*')).map((e) => e.slice(0, -1));
  for (const [name, source] of out.modules) {
    if (out.excluded.has(source) || folders.some((f) => source.startsWith(f) && !source.slice(f.length).includes('/'))) out.modules.delete(name);
  }
  return out;
}

function merge(file: string, target: string, sdkRoot: string | undefined, vars: Map<string, string>, out: Resolved, skip?: (file: string) => boolean): void {
  if (out.manifests.has(file) || skip?.(file) === true) return;
  out.manifests.add(file);
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  const base = dirname(file);
  const platform = m.platforms === undefined ? undefined : matchPlatform(m.platforms, target);
  for (const [k, v] of Object.entries({ ...(m.build ?? {}), ...(platform?.build ?? {}) })) {
    if (typeof v === 'string') {
      const s = substitute(v, vars);
      if (s !== undefined) {
        vars.set(k, s);
        out.build.set(k, s);
      }
    }
  }
  for (const inc of [...asList(m.include), ...asList(platform?.include)]) {
    if (inc.startsWith('$(')) {
      if (sdkRoot === undefined) {
        out.sdkIncludes.add(inc);
        continue;
      }
      const s = substitute(inc, vars);
      if (s !== undefined && existsSync(s)) merge(resolve(s), target, sdkRoot, vars, out, skip);
    } else {
      merge(resolve(base, inc), target, sdkRoot, vars, out, skip);
    }
  }
  for (const section of [m, platform]) {
    if (section === undefined) continue;
    out.errors.push(...asList(section.error));
    if (section.defines !== undefined) out.defines.push(section.defines);
    for (const name of asList(section.preload)) out.preloads.add(name);
    for (const [name, target] of Object.entries(section.modules ?? {})) {
      for (const t of asList(target)) {
        if (typeof t !== 'string') continue;
        const sdkPath = t.startsWith('$(') ? substitute(t, vars) : undefined;
        const abs = sdkPath ?? (t.startsWith('$(') ? t : resolve(base, t));
        const listable = !abs.startsWith('$(') && abs.endsWith('*') && existsSync(dirname(abs));
        if (name === '~') {
          out.excluded.add(abs);
        } else if (name.endsWith('*') && listable) {
          // A folder's sources, each named by the prefix before the name's `*` (none for `"*"`).
          for (const f of readdirSync(dirname(abs))) {
            if (/\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')) out.modules.set(name.slice(0, -1) + f.replace(/\.(ts|js)$/, ''), join(dirname(abs), f.replace(/\.(ts|js)$/, '')));
          }
        } else if (name === '*') {
          out.modules.set(abs.slice(abs.lastIndexOf('/') + 1), abs);
        } else {
          out.modules.set(name, abs);
        }
      }
    }
  }
}

/**
 * The module a relative specifier names, as a path without extension: XS drops
 * a `.js` or `.mjs` ending (xsHosts.c `fxFindModule`), so `./threshold.js`, as
 * TypeScript's NodeNext resolution has it written, is the module `./threshold`.
 */
export function relativeModule(importer: string, spec: string): string {
  return resolve(dirname(importer), spec.replace(/\.m?js$/, ''));
}

/** A path with `/` separators, as module names and manifest paths have them on every host. */
export function posixPath(path: string): string {
  return path.split(sep).join('/');
}

export function sourceOf(noExt: string): string | undefined {
  for (const ext of ['.ts', '.js']) if (existsSync(noExt + ext)) return noExt + ext;
  return undefined;
}

/**
 * Walk the modules reached from `starts` (paths without extension) by the
 * imports their code runs (`importsOf`): `follow(spec, file, source)` gives
 * the module an import leads to, or undefined where the walk stops at it; a
 * module with no .ts or .js source goes to `missing`. Returns every module
 * visited.
 */
export function walkImports(starts: Iterable<string>, follow: (spec: string, file: string, source: string) => string | undefined, missing: (file: string) => void): Set<string> {
  const seen = new Set<string>();
  const queue = [...starts];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = sourceOf(file);
    if (source === undefined) {
      missing(file);
      continue;
    }
    for (const spec of importsOf(source)) {
      const next = follow(spec, file, source);
      if (next !== undefined) queue.push(next);
    }
  }
  return seen;
}

/** `file` as mcconfig's tsc emits it (ES2022 modules, types erased): the JavaScript xsc compiles. */
export function emittedText(file: string): string {
  return ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 },
  }).outputText;
}

/** `file` as mcconfig's tsc emits it, parsed as JavaScript: what xsc compiles. */
export function emittedModule(file: string): ts.SourceFile {
  return ts.createSourceFile(`${file}.js`, emittedText(file), ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
}

/**
 * The modules a source imports at run time, as mcconfig's tsc emits it: static
 * imports and re-exports after TypeScript's import elision (`import type`, and
 * imports used only as types, are gone); dynamic `import()` is not followed
 * (a board never loads the Node-only parts an app reaches that way).
 */
export function importsOf(file: string): string[] {
  const js = emittedModule(file);
  const specs: string[] = [];
  for (const statement of js.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier)) {
      specs.push(statement.moduleSpecifier.text);
    }
  }
  return specs;
}
