/**
 * Where an app's flash goes, per XS module, read from the C file the XS linker
 * writes for a preloaded app (mcconfig's `mc.xs.c`): every slot of the heap
 * frozen at build time, the bytecode, the key table.
 *
 * A preloaded function is an instance whose own slots follow it in a chain
 * (its code, its home — which names the module it was defined in —, `length`,
 * `name`, and `prototype` for constructors), plus its bytecode, either an
 * array `gxCodeN` shared by the module's functions or an inline string. Each
 * function is counted with the slots of its chain and the bytes of its code;
 * what is left (module bindings, exports, strings, keys, plain objects) is
 * reported as one figure, the heap's other slots.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { elfFunctions, elfSymbols } from '../test/firmware/pc-profiler';
import { appObjectsDir } from '../tools/build-settings';
import { moddableBuildDir } from '../tools/firmware-env';

/** sizeof(txSlot) on a 32-bit target (ARM Cortex-M0+: next, id/flag/kind, 8-byte value). */
export const SLOT_BYTES = 16;

export interface ModuleFlash {
  module: string;
  functions: number;
  /** Slots of the functions' own chains. */
  slots: number;
  codeBytes: number;
  /** slots × SLOT_BYTES + code bytes. */
  bytes: number;
}

export interface LinkedFlash {
  heapSlots: number;
  keys: number;
  modules: ModuleFlash[];
}

interface Slot { next: number | undefined; line: string }

/** Bytes of a C string literal's contents ("\x0c\x01..." and plain characters). */
function cStringBytes(literal: string): number {
  let n = 0;
  for (let i = 0; i < literal.length; i++) {
    if (literal[i] === '\\') {
      const c = literal[i + 1];
      if (c === 'x') { i += 3; } else if (c >= '0' && c <= '7') { i += 3; } else { i += 1; }
    }
    n++;
  }
  return n;
}

/** The XS linker's output of `app`'s plain pico build, in mcconfig's build tree (gone if that tree was deleted; a build for another target keeps it). */
export function linkedOutput(app: string): string {
  return join(appObjectsDir(moddableBuildDir(), 'pico', app, false), 'mc.xs.c');
}

/** A preloaded function, as the XS linker wrote it. */
export interface LinkedFunction {
  /** Its code slot's index in the preloaded heap (gxHeap): the slot holds the code's address. */
  slot: number;
  /** The name its code slot carries (a method's or class's name), or `(anonymous)`. */
  name: string;
  /** The module it was defined in (its home), e.g. `thingflow/runtime/filters/map`. */
  module: string;
  /** Its bytecode: at `offset` of the module's shared array `array` (gxCodeN), or an inline string (`array` undefined). */
  array: string | undefined;
  offset: number;
  codeBytes: number;
  /** Slots of its own chain. */
  chainSlots: number;
}

export interface LinkedHeap {
  heapSlots: number;
  keys: number;
  /** The shared code arrays (gxCodeN) and their sizes. */
  codeArrays: Map<string, number>;
  /** The module (or script) each code array is the code of, e.g. gxCode7 → `main`. */
  arrayModules: Map<string, string>;
  /** The keys' names by ID (property and binding names), as the bytecode refers to them. */
  keyNames: Map<number, string>;
  functions: LinkedFunction[];
}

/**
 * Read the preloaded functions of an app from its `mc.xs.c`. A function's
 * code in a shared array runs to the next function's; closures made at run
 * time have no slot of their own there, so their code counts as the code of
 * the preloaded function around them.
 */
export function linkedHeap(mcXsC: string): LinkedHeap {
  const text = readFileSync(mcXsC, 'utf8');
  const heapSlots = Number(/#define mxHeapCount (\d+)/.exec(text)?.[1] ?? NaN);
  const keys = Number(/#define mxKeysCount (\d+)/.exec(text)?.[1] ?? NaN);
  const slots = new Map<number, Slot>();
  const pointedBy = new Map<number, number>();
  for (const m of text.matchAll(/^\/\* (\d+) \*\/\t\{ (?:\(txSlot\*\)&gxHeap\[(\d+)\]|NULL), ([^\n]*)$/gm)) {
    const index = Number(m[1]);
    const next = m[2] === undefined ? undefined : Number(m[2]);
    slots.set(index, { next, line: m[3] });
    if (next !== undefined) pointedBy.set(next, index);
  }
  const codeArrays = new Map<string, number>();
  for (const m of text.matchAll(/static const txU1 (gxCode\d+)\[(\d+)\];/g)) codeArrays.set(m[1], Number(m[2]));
  const arrayModules = new Map<string, string>();
  for (const m of text.matchAll(/\(txS1\*\)(gxCode\d+), \d+, [^,]*, \d+, "([^"]*)"/g)) arrayModules.set(m[1], m[2]);
  // Offsets of the functions in each shared code array: a function's code runs to the next one's.
  const offsets = new Map<string, number[]>();
  for (const m of text.matchAll(/XS_CODE_X_KIND\}, \.value = \{ \.code = \{ \(txByte\*\)\(&(gxCode\d+)\[(\d+)\]\)/g)) {
    const list = offsets.get(m[1]) ?? [];
    list.push(Number(m[2]));
    offsets.set(m[1], list);
  }
  for (const list of offsets.values()) list.sort((a, b) => a - b);
  // Module instances hold an XS_MODULE_KIND slot naming the module by key ID.
  const keyNames = new Map<number, string>();
  for (const m of text.matchAll(/\{\.ID = (\d+), [^}]*kind = XS_KEY_X_KIND\}, \.value = \{ \.key = \{ "([^"]*)"/g)) keyNames.set(Number(m[1]), m[2]);
  const uriOf = new Map<number, string>();
  const moduleUri = (module: number): string => {
    const known = uriOf.get(module);
    if (known !== undefined) return known;
    let uri = '?';
    for (let i = slots.get(module)?.next, n = 0; i !== undefined && n < 64; i = slots.get(i)?.next, n++) {
      const m = /kind = XS_MODULE_KIND\}, \.value = \{ \.module = \{ [^,]*, (\d+) \}/.exec(slots.get(i)?.line ?? '');
      if (m !== null) { uri = keyNames.get(Number(m[1])) ?? `key ${m[1]}`; break; }
    }
    uriOf.set(module, uri);
    return uri;
  };
  const functions: LinkedFunction[] = [];
  for (const [index, slot] of slots) {
    if (!slot.line.includes('XS_CODE_X_KIND')) continue;
    const home = slot.next === undefined ? undefined : slots.get(slot.next);
    const moduleIndex = home === undefined ? undefined : /XS_HOME_KIND\}, \.value = \{ \.home = \{ [^,]*, \(txSlot\*\)&gxHeap\[(\d+)\]/.exec(home.line)?.[1];
    const module = moduleIndex === undefined ? '(no module: built-in or host)' : moduleUri(Number(moduleIndex));
    const id = /\{\.ID = (xsID_(\w+)|\d+)/.exec(slot.line);
    const name = id === null ? '(anonymous)' : id[2] ?? keyNames.get(Number(id[1])) ?? '(anonymous)';
    let array: string | undefined;
    let offset = 0;
    let codeBytes = 0;
    const shared = /\.code = \{ \(txByte\*\)\(&(gxCode\d+)\[(\d+)\]\)/.exec(slot.line);
    if (shared !== null) {
      array = shared[1];
      offset = Number(shared[2]);
      const following = offsets.get(array)!.find((o) => o > offset);
      codeBytes = (following ?? codeArrays.get(array) ?? offset) - offset;
    } else {
      const inline = /\.code = \{ \(txByte\*\)"((?:[^"\\]|\\.)*)"/.exec(slot.line);
      if (inline !== null) codeBytes = cStringBytes(inline[1]);
    }
    // The function's chain: its instance (the slot pointing to the code) and everything after it.
    let chainSlots = 0;
    const instance = pointedBy.get(index);
    for (let i = instance, n = 0; i !== undefined && n < 32; i = slots.get(i)?.next, n++) chainSlots++;
    functions.push({ slot: index, name, module, array, offset, codeBytes, chainSlots });
  }
  return { heapSlots, keys, codeArrays, arrayModules, keyNames, functions };
}

export function linkedFlash(mcXsC: string): LinkedFlash {
  const { heapSlots, keys, functions } = linkedHeap(mcXsC);
  const byModule = new Map<string, ModuleFlash>();
  for (const f of functions) {
    const row = byModule.get(f.module) ?? { module: f.module, functions: 0, slots: 0, codeBytes: 0, bytes: 0 };
    row.functions++;
    row.slots += f.chainSlots + 1; // + the property or binding that holds it
    row.codeBytes += f.codeBytes;
    row.bytes = row.slots * SLOT_BYTES + row.codeBytes;
    byModule.set(f.module, row);
  }
  return { heapSlots, keys, modules: [...byModule.values()].sort((a, b) => b.bytes - a.bytes) };
}

/**
 * The rows bench:firmware prints: each of this project's modules in `app`
 * (functions, their slots and code, bytes), then the heap and key table
 * against `floor`'s, whose difference is the app's whole share of .rodata's
 * preloaded part.
 */
export function flashRows(app: LinkedFlash, floor: LinkedFlash, ours: (module: string) => boolean): string[][] {
  const rows: string[][] = [['module (preloaded)', 'functions', 'slots', 'code bytes', 'flash bytes']];
  let functions = 0, slots = 0, code = 0;
  for (const m of app.modules) {
    if (!ours(m.module)) continue;
    functions += m.functions;
    slots += m.slots;
    code += m.codeBytes;
    rows.push([m.module, String(m.functions), String(m.slots), m.codeBytes.toLocaleString('en'), m.bytes.toLocaleString('en')]);
  }
  rows.push(['functions, all of the above', String(functions), String(slots), code.toLocaleString('en'), (slots * SLOT_BYTES + code).toLocaleString('en')]);
  const heap = app.heapSlots - floor.heapSlots;
  rows.push(['preloaded heap over the floor (functions, bindings, keys, strings)', '', `+${heap}`, '', `+${(heap * SLOT_BYTES).toLocaleString('en')}`]);
  rows.push(['keys over the floor (property and binding names)', '', `+${app.keys - floor.keys}`, '', '']);
  return rows;
}

/**
 * The C functions and read-only tables an app's firmware links and `floor`'s
 * does not, from the ELF symbol tables. With Moddable's default `"strip": "*"`
 * the XS linker keeps a built-in only when some linked code names it (a method
 * of that name, an `async` function, `import()`), and with it the tables its
 * C code reads (`toUpperCase`: 11 KB of Unicode case tables, for 0.5 KB of
 * code), so this is what the names the runtime and app use cost in flash: the
 * rows group them by the built-in they serve. The XS linker's own output (the
 * preloaded heap, keys, bytecode) is `flashRows`'s, not counted here.
 */
export function linkedCRows(floorElf: string, appElf: string): string[][] {
  const linked = (elf: string): Map<string, number> => new Map([
    ...elfFunctions(elf).map((f): [string, number] => [f.name, f.end - f.start]),
    ...elfSymbols(elf, 'rR').filter(({ name }) => !XS_LINKER_OUTPUT.test(name)).map(({ name, size }): [string, number] => [name, size]),
  ]);
  const floor = linked(floorElf);
  const groups = new Map<string, { bytes: number; names: [string, number][] }>();
  for (const [name, bytes] of linked(appElf)) {
    if (floor.has(name)) continue;
    const family = BUILT_IN_FAMILIES.find(([, re]) => re.test(name))?.[0] ?? 'other';
    const g = groups.get(family) ?? { bytes: 0, names: [] };
    g.bytes += bytes;
    g.names.push([name, bytes]);
    groups.set(family, g);
  }
  const rows: string[][] = [['built-in', 'C functions and tables', 'bytes', 'largest']];
  let total = 0, count = 0;
  for (const [family, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes)) {
    total += g.bytes;
    count += g.names.length;
    const largest = g.names.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n, b]) => `${n} ${b}`).join(', ');
    rows.push([family, String(g.names.length), g.bytes.toLocaleString('en'), largest]);
  }
  rows.push(['all', String(count), total.toLocaleString('en'), '']);
  return rows;
}

/** What the XS linker writes into mc.xs.c (the preloaded heap and its tables): `linkedFlash` counts it. */
const XS_LINKER_OUTPUT = /^(gxHeap|gxKeys|gxNames|gxColors|gxScripts|gxStack|gxSymbols|gxBehaviors|gxPreparation|gxTypeAtomics|gxTypeDispatches|gxBuilders\d*|gxCode\d*)$/;

/** Which built-in a C function of XS serves, by its name (first match wins). */
const BUILT_IN_FAMILIES: [string, RegExp][] = [
  ['Promise, async functions', /Promise|Async|Thenable|fxOnResolved|fxOnRejected/],
  ['import() (module loading)', /Module|fxRunImport/],
  ['Date', /Date|GmTime|LocalTime/],
  ['Iterator helpers', /Iterator/],
  ['TypedArray, ArrayBuffer', /TypedArray|ArrayBuffer/],
  ['Array', /Array|ThisItem|fxSortArrayItems|fxCompareArrayItem/],
  ['Map, Set', /fx_Map|fx_Set|Entry/],
  ['String (with its Unicode case tables)', /String|CharCase|CharSet|SpecialCase|FinalSigma|fxIsInCharSet|fxFindCharacter|bsearch/],
  ['Object, property descriptors', /fx_Object|Descriptor|Setter/],
  ['Function', /fx_Function/],
  ['Math, Number', /fx_Math|fx_Number/],
];
