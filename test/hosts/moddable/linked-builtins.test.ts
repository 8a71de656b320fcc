/**
 * Which of the engine's built-ins a board app makes the firmware carry.
 *
 * Moddable's XS linker (default `"strip": "*"`) keeps a built-in's C code only
 * when some linked code names it: any `.filter(` in the lux demo's modules, or
 * a runtime method called `map`, keeps Array's, TypedArray's and Iterator's
 * method of that name, 0.2-2 KB of flash each (docs/performance.md, "C code the
 * lux demo links and the floor does not"). bench:firmware measures that with
 * the SDK; this test needs none: it reads the names the plain pico build's
 * project modules use, as mcconfig's tsc emits them, and compares those that
 * are built-in names with the list below: the lux demo's exactly, the other
 * board apps' (door detector, button toggle, grow light) within it. A new name
 * fails here, with what to do; a name the lux demo no longer uses fails too,
 * so the list records the win.
 */
import { join } from 'node:path';
import * as ts from 'typescript';
import { writeAppFirmware } from '../../../tools/app-firmware';
import { emittedModule, resolveManifest, sourceOf } from '../../../tools/moddable-manifest';

const ROOT = join(__dirname, '../../..');
const MANIFEST = join(ROOT, 'manifests/lux-demo/manifest.json');

/**
 * The built-in names the lux demo's pico firmware uses that the hand-written
 * floor does not, and why. bench:firmware's table prints what each costs.
 */
const EXPECTED = [
  'Math', // the Math object itself (xslStrip.c drops it when unnamed)
  'String', // String(x) in messages: the String function
  'Symbol', // filter.ts: the THUNK marker
  'ceil', // hosts/moddable/clock.ts: a fractional sleep
  'defineProperty', // fluent.ts (methods on the frozen-at-link prototype), running-avg.ts (its steady-state onNext)
  'floor', // the demo's skipped-reads report
  'hasOwn', // class-name.ts, errors.ts: a constructor's own name
  'log', // the app context's `log` (it keeps Math.log)
  'map', // the fluent API's own `map` (it keeps Array's, TypedArray's and Iterator's)
  'now', // the clocks' `now` (it keeps Date.now)
  'round', // scheduler.ts waitMs, tmp102.ts, the demo's report
];

/**
 * Names whose built-ins every Moddable app links anyway, floor and hello
 * included (the `timer` and `time` modules and the base manifest name them;
 * Object and Number are never stripped): read from the bench's ELFs
 * (`arm-none-eabi-nm` of floor.pico.elf), so they cost the runtime nothing.
 */
const EVERY_MODDABLE_APP = ['Number', 'Object', 'clear', 'constructor', 'freeze', 'join', 'length', 'message', 'name', 'prototype', 'push', 'set', 'then', 'toString'];

/** Global built-in objects and constructors: naming one keeps it (xslStrip.c tests JSON, Math, Reflect, the typed arrays... by name). */
const GLOBALS = [
  'Array', 'ArrayBuffer', 'Atomics', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView', 'Date',
  'FinalizationRegistry', 'Float32Array', 'Float64Array', 'Function', 'Int16Array', 'Int32Array', 'Int8Array',
  'Iterator', 'JSON', 'Map', 'Math', 'Number', 'Object', 'Promise', 'Proxy', 'Reflect', 'RegExp', 'Set',
  'SharedArrayBuffer', 'String', 'Symbol', 'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray',
  'WeakMap', 'WeakRef', 'WeakSet',
];

/**
 * The names of the engine's built-in functions: members of the standard
 * objects, read from this engine (XS has the same standard library), XS's
 * iterator helpers, and the global objects.
 */
function builtinNames(): Set<string> {
  const holders: object[] = [
    Object, Object.prototype, Function.prototype, Array, Array.prototype, String, String.prototype,
    Number, Number.prototype, Boolean.prototype, Symbol, Symbol.prototype, Math, JSON, Reflect, Date, Date.prototype,
    RegExp.prototype, Map.prototype, Set.prototype, WeakMap.prototype, WeakSet.prototype, Promise, Promise.prototype,
    ArrayBuffer, ArrayBuffer.prototype, DataView.prototype, Object.getPrototypeOf(Uint8Array),
    Object.getPrototypeOf(Uint8Array.prototype), BigInt, BigInt.prototype, Error.prototype,
  ];
  const names = new Set<string>([...GLOBALS, 'take', 'drop', 'flatMap', 'toArray', 'forEach', 'some', 'every', 'find', 'reduce', 'filter', 'map']);
  for (const holder of holders) for (const name of Object.getOwnPropertyNames(holder)) names.add(name);
  return names;
}

/**
 * The names `file` gives the XS linker once mcconfig's tsc has emitted it:
 * property names (read, written, defined, destructured) and global objects.
 * Local variables are not among them (a local `at` does not keep
 * Array.prototype.at in the firmware), nor are comments and types.
 */
function namesIn(file: string): Set<string> {
  const source = emittedModule(file);
  const names = new Set<string>();
  const globals = new Set(GLOBALS);
  const propertyName = (name: ts.Node | undefined) => {
    if (name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name))) names.add(name.text);
  };
  const visit = (node: ts.Node): void => {
    // `{ __proto__: p }` sets the new object's prototype: XS compiles it to an object made from `p`, naming
    // nothing (xsCode.c, fxObjectNodeCode); only a shorthand `{ __proto__ }` is a property of that name.
    if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) && node.name.text === '__proto__') {
      ts.forEachChild(node, visit);
      return;
    }
    if (ts.isPropertyAccessExpression(node)) propertyName(node.name);
    else if (ts.isElementAccessExpression(node)) propertyName(node.argumentExpression);
    else if (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node) || ts.isMethodDeclaration(node)
      || ts.isPropertyDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) propertyName(node.name);
    else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) propertyName(node.propertyName ?? node.name);
    else if (ts.isIdentifier(node) && globals.has(node.text)) names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** The project's modules in an app's build for `target` (its generated modules.json, the host entry, the app). */
function projectModules(manifest: string, target: string): string[] {
  const r = resolveManifest(manifest, target);
  expect(r.errors).toEqual([]);
  const files: string[] = [];
  for (const path of r.modules.values()) {
    if (path.startsWith('$(')) continue;
    const file = sourceOf(path);
    if (file !== undefined) files.push(file);
  }
  return files.sort();
}

/** The project's modules in the plain pico build of an app. */
function picoProjectModules(manifest = MANIFEST): string[] {
  return projectModules(manifest, 'pico');
}

/** Each built-in name `files` give the linker beyond the floor's and every Moddable app's, with the files naming it. */
function builtinsBeyondFloor(files: string[]): Map<string, string[]> {
  const builtins = builtinNames();
  const floor = namesIn(join(ROOT, 'bench/firmware/floor/main.js'));
  const where = new Map<string, string[]>();
  for (const file of files) {
    for (const name of namesIn(file)) {
      if (!builtins.has(name) || floor.has(name) || EVERY_MODDABLE_APP.includes(name)) continue;
      where.set(name, [...(where.get(name) ?? []), file.slice(ROOT.length + 1)]);
    }
  }
  return where;
}

/** The committed board apps, each with a target it builds for: [app, target, manifest]. */
const BOARD_APPS: [string, string, string][] = [
  ['the lux demo', 'pico', 'manifests/lux-demo/manifest.json'],
  ['the lux demo', 'pico/pico_w', 'manifests/lux-demo/manifest.json'],
  ['the door detector', 'pico', 'manifests/door-detector/manifest.json'],
  ['the button toggle', 'pico', 'manifests/button-toggle/manifest.json'],
  ['the fleet device', 'pico/pico_w', 'manifests/fleet-device/manifest.json'],
  ['the host check', 'pico/pico_w', 'manifests/host-check/manifest.json'],
];

describe('the built-ins the lux demo\'s pico firmware names (the XS linker keeps their C code)', () => {
  test('beyond the floor\'s, the runtime path, host entry and app name exactly the known built-ins', () => {
    const files = picoProjectModules();
    expect(files.some((f) => f.endsWith('runtime/scheduler/scheduler.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('examples/lux-demo-flow.ts'))).toBe(true);
    const where = builtinsBeyondFloor(files);
    const added = [...where.keys()].filter((n) => !EXPECTED.includes(n)).sort();
    const gone = EXPECTED.filter((n) => !where.has(n));
    expect({
      // A new name links its built-in's C code into every board app (bench:firmware's C table says how much):
      // write the loop by hand (runtime/core/list-copy.ts has the list edits), or add the name above with why.
      newBuiltinNames: added.map((n) => `${n} (${where.get(n)!.join(', ')})`),
      // A name the board no longer uses: take it out of EXPECTED (and say what it saved in docs/performance.md).
      noLongerUsed: gone,
    }).toEqual({ newBuiltinNames: [], noLongerUsed: [] });
  });

  // The other board apps (their drivers, filters and sources) name no built-in the lux demo's list does not have:
  // the BH1750's `Number.isInteger` was one, until the grow light's firmware counted it.
  test.each([
    ['door detector', () => join(ROOT, 'manifests/door-detector/manifest.json'), 'runtime/sensors/adxl345.ts'],
    ['button toggle', () => join(ROOT, 'manifests/button-toggle/manifest.json'), 'runtime/edges/digital-edge-source.ts'],
    ['grow light', () => writeAppFirmware(join(ROOT, 'examples/grow-light.ts')), 'runtime/sensors/bh1750.ts'],
  ])('the %s\'s pico firmware names no built-in beyond the floor\'s and that list', (_app, manifest, ownModule) => {
    const files = picoProjectModules(manifest());
    expect(files.some((f) => f.endsWith(ownModule))).toBe(true);
    const where = builtinsBeyondFloor(files);
    expect([...where.keys()].filter((n) => !EXPECTED.includes(n)).map((n) => `${n} (${where.get(n)!.join(', ')})`)).toEqual([]);
  });

  // `toUpperCase` or `toLowerCase` named anywhere keeps, with its C, the engine's Unicode case tables: 12.8 KB of
  // flash (docs/performance.md, the 2026-12-06 17:28 run). Project code that needs ASCII case (HTTP header names,
  // methods, hex digits) has runtime/core/ascii-case.ts. Moddable's own mdns and websocket modules name them too, so
  // an app that links those (the host check) keeps the tables: its project modules are checked all the same.
  test.each(BOARD_APPS)('%s\'s %s firmware: no project module names the Unicode case functions', (_app, target, manifest) => {
    const files = projectModules(join(ROOT, manifest), target);
    expect(files.length).toBeGreaterThan(10);
    const naming: string[] = [];
    for (const file of files) {
      const names = namesIn(file);
      for (const name of ['toUpperCase', 'toLowerCase', 'toLocaleUpperCase', 'toLocaleLowerCase']) {
        if (names.has(name)) naming.push(`${file.slice(ROOT.length + 1)}: ${name}`);
      }
    }
    expect(naming).toEqual([]);
  });

  // A regular expression anywhere (a literal or `RegExp`) links XS's RegExp engine, and with it the Unicode case
  // tables its ignore-case matching reads: the fleet device's Pico W firmware carried 30.6 KB of flash for two `replace`
  // calls on topic levels. The host check's Web Thing server and recordings use them: it is not in this list.
  test.each(BOARD_APPS.filter(([app]) => app !== 'the host check'))('%s\'s %s firmware: no project module has a regular expression', (_app, target, manifest) => {
    const files = projectModules(join(ROOT, manifest), target);
    const found: string[] = [];
    for (const file of files) {
      const visit = (node: ts.Node): void => {
        if (node.kind === ts.SyntaxKind.RegularExpressionLiteral || (ts.isIdentifier(node) && node.text === 'RegExp')) {
          found.push(`${file.slice(ROOT.length + 1)}: ${node.getText()}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(emittedModule(file));
    }
    expect(found).toEqual([]);
  });

  test('the check sees the names a module gives the linker: property names, not comments, types or locals', () => {
    const probe = join(ROOT, 'test/hosts/moddable/fixtures/builtin-names-probe.ts');
    const names = namesIn(probe);
    expect(names.has('filter')).toBe(true);
    expect(names.has('get')).toBe(true);
    expect(names.has('sort')).toBe(false); // only in a comment
    expect(names.has('Map')).toBe(false); // only in a type, erased
    expect(names.has('at')).toBe(false); // a local variable
    expect(names.has('keep')).toBe(true);
    expect(names.has('__proto__')).toBe(false); // `{ __proto__: null }` makes a null-prototype object, naming nothing
    expect(builtinNames().has('filter')).toBe(true);
  });
});
