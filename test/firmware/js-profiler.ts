/**
 * A JavaScript-level profiler for the emulated RP2040 (sim/emulator/rp2040-host.ts
 * `profiler`): every executed cycle goes to the preloaded JavaScript function
 * whose bytecode the core read last. XS runs a function's bytecode from flash
 * (the preloaded code arrays, gxCodeN), so the last bytecode read names the
 * function the interpreter is in; the C it calls (property lookups, host
 * functions, the I2C driver) counts as that function's too, apart.
 *
 * Each function has two names: `module: name` for the cycles in the
 * interpreter (`fxRunID`) and `module: name → C` for the rest. A call is
 * counted when the first byte of its code is read. Closures made at run time
 * have no code slot of their own in the preloaded heap: they count as the
 * preloaded function their code sits in (`fieldOf` holds the `sample` it
 * returns). From a wake to the first bytecode read (the interrupt, the timer
 * service, the host's callback), cycles count as `(woken, before JavaScript)`.
 */
import { elfBytes, elfSymbolEntry } from '../../sim/emulator/elf-symbols';
import type { LinkedHeap } from '../../bench/firmware-flash';
import { elfFunctions, MarkedCounts } from './pc-profiler';

/** What the name of a function's C cycles adds to its own. */
export const JS_C_SUFFIX = ' → C';
const WOKEN = '(woken, before JavaScript)';

export interface JsFunctionRange { name: string; start: number; end: number }

/** sizeof(txSlot) on the Cortex-M0+, and where a code slot keeps its code's address (value.code.address). */
const SLOT_BYTES = 16;
const CODE_ADDRESS_AT = 8;

/**
 * Where `heap`'s code is in `elf`'s flash: each preloaded function (its code
 * slot in gxHeap holds its code's address: in a module's code array, to the
 * next function's start, or an inline string), and each code array as a
 * whole, `module: (module code)`, for the functions a module not preloaded
 * (an app's main, say) makes as it runs. A function's range wins over its
 * array's. Sorted by start.
 */
export function jsCodeRanges(elf: string, heap: LinkedHeap): { functions: JsFunctionRange[]; modules: JsFunctionRange[] } {
  const gxHeap = elfSymbolEntry(elf, 'gxHeap');
  if (gxHeap === undefined) throw new Error(`${elf} has no preloaded heap (gxHeap)`);
  if (gxHeap.size !== heap.heapSlots * SLOT_BYTES) throw new Error(`gxHeap is ${gxHeap.size} bytes in ${elf} but ${heap.heapSlots} slots in mc.xs.c: the ELF and the linked heap are of different builds`);
  const slots = elfBytes(elf, gxHeap.address, gxHeap.size);
  const short = (module: string) => module.replace(/^thingflow\//, '');
  const functions: JsFunctionRange[] = [];
  for (const f of heap.functions) {
    if (f.codeBytes === 0) continue;
    const start = slots.readUInt32LE(f.slot * SLOT_BYTES + CODE_ADDRESS_AT);
    functions.push({ name: `${short(f.module)}: ${f.name}`, start, end: start + f.codeBytes });
  }
  const modules: JsFunctionRange[] = [];
  for (const [array, module] of heap.arrayModules) {
    const at = elfSymbolEntry(elf, array);
    if (at !== undefined) modules.push({ name: `${short(module)}: (module code)`, start: at.address, end: at.address + at.size });
  }
  // Functions that share one code (a default constructor, say) share its range: keep one.
  const byStart = (a: JsFunctionRange, b: JsFunctionRange) => a.start - b.start;
  return { functions: functions.sort(byStart).filter((r, i, all) => i === 0 || r.start >= all[i - 1].end), modules: modules.sort(byStart) };
}

/** Where XS's interpreter loop (fxRunID) is in `elf`. */
export function interpreterIn(elf: string): { start: number; end: number } {
  const run = elfFunctions(elf).find((f) => f.name === 'fxRunID');
  if (run === undefined) throw new Error(`${elf} has no fxRunID`);
  return run;
}

export class JsProfiler extends MarkedCounts {
  /** Per byte of the code region from `low`: the index of the function there, or -1. */
  private readonly byAddress: Int32Array;
  private readonly low: number;
  private readonly starts: Set<number>;
  /** The function whose bytecode was read last (its interpreter name's index). */
  protected current: number;

  /** `code` from `jsCodeRanges`; `interpreter`, where XS's fxRunID is (`interpreterIn`). */
  constructor(code: { functions: JsFunctionRange[]; modules: JsFunctionRange[] }, private readonly interpreter: { start: number; end: number }) {
    const ranges = code.modules.concat(code.functions);
    super([WOKEN, `${WOKEN}${JS_C_SUFFIX}`].concat(ranges.flatMap((f) => [f.name, `${f.name}${JS_C_SUFFIX}`])));
    this.low = ranges.length > 0 ? Math.min(...ranges.map((r) => r.start)) : 0;
    const high = ranges.length > 0 ? Math.max(...ranges.map((r) => r.end)) : 0;
    this.byAddress = new Int32Array(high - this.low).fill(-1);
    // Modules first, then the functions over them.
    ranges.forEach((f, i) => this.byAddress.fill(2 * (i + 1), f.start - this.low, f.end - this.low));
    this.starts = new Set(code.functions.map((f) => f.start));
    this.current = 0;
  }

  /** The core read `address` of flash: a byte of a function's code makes it the current one. */
  flashRead(address: number): void {
    const offset = address - this.low;
    if (offset < 0 || offset >= this.byAddress.length) return;
    const index = this.byAddress[offset];
    if (index < 0) return;
    if (this.starts.has(address) && this.current !== index) this.entries[index]++;
    this.current = index;
  }

  sleep(): void {
    this.current = 0;
  }

  count(pc: number, cycles: number): void {
    const inInterpreter = pc >= this.interpreter.start && pc < this.interpreter.end;
    this.counts[inInterpreter ? this.current : this.current + 1] += cycles;
  }
}
