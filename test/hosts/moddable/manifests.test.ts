/**
 * The Moddable manifests name modules that exist: every `modules` entry that
 * is a path in this repository (not $(MODDABLE)/…) resolves to a .ts or .js
 * file, or for a `*` wildcard to a directory holding some; every `include`
 * of ours exists; the module names mirror the repository tree (so the
 * sources' relative imports resolve between XS modules); every module the
 * lux demo imports, transitively, is in the manifests.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const MANIFESTS = ['manifests/thingflow.json', 'manifests/lux-demo/manifest.json'];

interface Manifest {
  include?: string | string[];
  modules?: { [name: string]: string | string[] };
  preload?: string[];
  platforms?: { [platform: string]: Manifest & { config?: { [k: string]: unknown } } };
  config?: { [k: string]: unknown };
  creation?: { heap?: { initial: number }; chunk?: { initial: number }; main?: string };
}

function load(path: string): Manifest {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Manifest;
}

function asList(x: string | string[] | undefined): string[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

/**
 * name → absolute source path without extension, for our manifests (includes
 * followed), with the `platform` section's modules when one is given. As in
 * mcconfig, `"*": "./main"` names a file after its base name, and
 * `"a/*": "../dir/*"` every source file in the directory.
 */
function moduleTable(path: string, platform?: string, table: Map<string, string> = new Map()): Map<string, string> {
  const m = load(path);
  const base = dirname(join(ROOT, path));
  for (const inc of asList(m.include)) {
    if (!inc.startsWith('$(')) moduleTable(relative(ROOT, resolve(base, inc)), platform, table);
  }
  const modules = { ...(m.modules ?? {}), ...(platform !== undefined ? m.platforms?.[platform]?.modules ?? {} : {}) };
  for (const [name, target] of Object.entries(modules)) {
    for (const t of asList(target)) {
      if (t.startsWith('$(')) continue;
      const abs = resolve(base, t);
      if (name === '*') {
        table.set(abs.slice(abs.lastIndexOf('/') + 1), abs);
      } else if (name.endsWith('*')) {
        for (const f of readdirSync(dirname(abs))) {
          if (/\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')) table.set(name.slice(0, -1) + f.replace(/\.(ts|js)$/, ''), join(dirname(abs), f.replace(/\.(ts|js)$/, '')));
        }
      } else {
        table.set(name, abs);
      }
    }
  }
  return table;
}

/** Moddable SDK modules our sources import, and the SDK manifest that provides each ('' : every app has it). */
const SDK_MODULES: { [name: string]: string } = {
  'mc/config': '',
  time: '$(MODDABLE)/examples/manifest_base.json',
  timer: '$(MODDABLE)/examples/manifest_base.json',
  net: '$(MODDABLE)/examples/manifest_net.json',
  'embedded:io/socket/tcp': '$(MODDABLE)/modules/io/manifest.json',
};

function sourceOf(noExt: string): string | undefined {
  for (const ext of ['.ts', '.js']) if (existsSync(noExt + ext)) return noExt + ext;
  return undefined;
}

describe('Moddable manifests', () => {
  test.each(MANIFESTS)('%s: every local module path and include exists', (path) => {
    const m = load(path);
    const base = dirname(join(ROOT, path));
    const missing: string[] = [];
    for (const inc of asList(m.include)) {
      if (!inc.startsWith('$(') && !existsSync(resolve(base, inc))) missing.push(`include ${inc}`);
    }
    const sections: Manifest[] = [m, ...Object.values(m.platforms ?? {})];
    let checked = 0;
    for (const s of sections) {
      for (const [name, target] of Object.entries(s.modules ?? {})) {
        for (const t of asList(target)) {
          if (t.startsWith('$(')) continue;
          const abs = resolve(base, t);
          checked++;
          if (t.endsWith('*')) {
            const dir = dirname(abs);
            if (!existsSync(dir) || !statSync(dir).isDirectory() || !readdirSync(dir).some((f) => /\.(ts|js)$/.test(f))) missing.push(`${name} → ${t}`);
          } else if (sourceOf(abs) === undefined) {
            missing.push(`${name} → ${t}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  test('module names mirror the repository tree under thingflow/', () => {
    const table = moduleTable('manifests/lux-demo/manifest.json', 'lin');
    const wrong: string[] = [];
    for (const [name, abs] of table) {
      if (!name.startsWith('thingflow/')) continue;
      const expected = `thingflow/${relative(ROOT, abs)}`;
      if (name !== expected) wrong.push(`${name} is ${expected}`);
    }
    expect(table.size).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
  });

  test.each(['esp32', 'pico', 'lin'])('%s: every module the lux demo imports, transitively, is in the manifest', (platform) => {
    const table = moduleTable('manifests/lux-demo/manifest.json', platform);
    const byPath = new Map<string, string>();
    for (const [name, abs] of table) byPath.set(abs, name);
    const includes = new Set([...asList(load('manifests/thingflow.json').include), ...asList(load('manifests/lux-demo/manifest.json').include)]);
    const seen = new Set<string>();
    const unresolved: string[] = [];
    const queue = [table.get('main')!];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const src = readFileSync(sourceOf(file)!, 'utf8');
      // Static imports and re-exports only: `import type` is erased, and the demo's
      // dynamic import of the Node bindings runs only with --mqtt/--wot-port options.
      const re = /^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm;
      for (let m = re.exec(src); m !== null; m = re.exec(src)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (!byPath.has(target)) unresolved.push(`${relative(ROOT, file)} imports ${spec}`);
          else queue.push(target);
        } else if (table.has(spec)) {
          const target = table.get(spec);
          if (target === undefined) unresolved.push(`${relative(ROOT, file)} imports ${spec}`);
          else queue.push(target);
        } else if (SDK_MODULES[spec] === undefined) {
          unresolved.push(`${relative(ROOT, file)} imports ${spec}, which no Moddable manifest we include provides`);
        } else if (SDK_MODULES[spec] !== '' && !includes.has(SDK_MODULES[spec])) {
          unresolved.push(`${relative(ROOT, file)} imports ${spec}: include ${SDK_MODULES[spec]}`);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(20);
    expect(unresolved).toEqual([]);
  });

  test('lux demo: esp32 and pico sections give the LED pin, the I2C bus and a creation heap', () => {
    const m = load('manifests/lux-demo/manifest.json');
    for (const platform of ['esp32', 'pico']) {
      const config = m.platforms?.[platform]?.config as { led?: unknown; i2c?: { data?: unknown; clock?: unknown } } | undefined;
      expect(typeof config?.led).toBe('number');
      expect(typeof config?.i2c?.data).toBe('number');
      expect(typeof config?.i2c?.clock).toBe('number');
    }
    expect(m.creation?.main).toBe('main');
    expect(m.creation?.heap?.initial).toBeGreaterThan(0);
    expect(m.creation?.chunk?.initial).toBeGreaterThan(0);
  });
});
