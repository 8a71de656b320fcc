/**
 * An opt-in PC sampler for the emulated RP2040 (sim/emulator/rp2040-host.ts `profiler`):
 * every executed instruction's cycles go to the ELF function that contains
 * its PC. The counts are cumulative over the run; `mark(cycles)` keeps a
 * copy at a point of the run (an I2C address or stop, a GPIO change, a wake)
 * so a window's profile is the difference of two marks (`between`).
 *
 * Functions come from `arm-none-eabi-nm -n -S` of the firmware's .elf
 * (text symbols with a size); a PC outside every function counts as
 * `(unknown)`. The PC → function lookup is cached per halfword.
 */
import { spawnSync } from 'node:child_process';
import { binutil } from '../../tools/firmware-env';

export interface ElfFunction { name: string; start: number; end: number }

/** Defined symbols of `elf` with a size, of the `nm` types in `types` (`tTwW`: code, `rR`: read-only data), in nm's order. */
export function elfSymbols(elf: string, types: string): { name: string; address: number; size: number }[] {
  const r = spawnSync(binutil('nm'), ['-n', '-S', '--defined-only', elf], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`arm-none-eabi-nm failed: ${r.stderr}`);
  const out: { name: string; address: number; size: number }[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^([0-9a-f]{8}) ([0-9a-f]{8}) (\S) (\S+)$/.exec(line);
    if (m === null || !types.includes(m[3])) continue;
    const size = parseInt(m[2], 16);
    if (size > 0) out.push({ name: m[4], address: parseInt(m[1], 16), size });
  }
  return out;
}

/** Text symbols with a size, sorted by address (`nm -n -S`; a Thumb function's address without its low bit). */
export function elfFunctions(elf: string): ElfFunction[] {
  return elfSymbols(elf, 'tTwW').map(({ name, address, size }) => {
    const start = address & ~1;
    return { name, start, end: start + size };
  }).sort((a, b) => a.start - b.start);
}

/** The RP2040's mask ROM (bootrom): the SDK's float and memory helpers run there. */
const BOOTROM_END = 0x4000;

/** Regions that hold code: flash (XIP) and SRAM (time-critical code copied there). */
const REGIONS = [
  { base: 0x10000000, size: 16 << 20 },
  { base: 0x20000000, size: 264 << 10 },
];

/** The function of `functions` (sorted by address, as `elfFunctions` gives them) that holds `pc`. */
export function functionAt(functions: readonly ElfFunction[], pc: number): string | undefined {
  let lo = 0, hi = functions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = functions[mid];
    if (pc < f.start) hi = mid - 1;
    else if (pc >= f.end) lo = mid + 1;
    else return f.name;
  }
  return undefined;
}

export interface ProfileRow { name: string; cycles: number; calls: number }

/**
 * Cycles and calls counted per name, with copies kept at marked points of the
 * run so a window's profile is the difference of two marks (`between`).
 * The PC profiler counts per C function, the JS profiler (js-profiler.ts) per
 * JavaScript function.
 */
export class MarkedCounts {
  readonly counts: Float64Array;
  /** Calls counted into a name (its entry reached), per index. */
  readonly entries: Float64Array;
  private readonly marks: { cycles: number; counts: Float64Array; entries: Float64Array }[] = [];

  constructor(readonly names: string[]) {
    this.counts = new Float64Array(names.length);
    this.entries = new Float64Array(names.length);
  }

  /** Keep the counts as they are at this point of the run (busy cycles `cycles`). */
  mark(cycles: number): void {
    const last = this.marks[this.marks.length - 1];
    if (last !== undefined && last.cycles === cycles) return;
    this.marks.push({ cycles, counts: this.counts.slice(), entries: this.entries.slice() });
  }

  /** The profile between the marks at (or nearest before) two cycle counts: [name, cycles, calls], most cycles first. */
  between(fromCycles: number, toCycles: number): ProfileRow[] {
    const from = this.markAt(fromCycles);
    const to = this.markAt(toCycles);
    const rows: ProfileRow[] = [];
    for (let i = 0; i < this.names.length; i++) {
      const c = to.counts[i] - from.counts[i];
      if (c > 0) rows.push({ name: this.names[i], cycles: c, calls: to.entries[i] - from.entries[i] });
    }
    return rows.sort((a, b) => b.cycles - a.cycles);
  }

  private markAt(cycles: number): { counts: Float64Array; entries: Float64Array } {
    let best: { cycles: number; counts: Float64Array; entries: Float64Array } | undefined;
    for (const m of this.marks) if (m.cycles <= cycles && (best === undefined || m.cycles >= best.cycles)) best = m;
    if (best === undefined) return { counts: new Float64Array(this.names.length), entries: new Float64Array(this.names.length) };
    return best;
  }
}

export class PcProfiler extends MarkedCounts {
  private readonly starts: Int32Array;
  private readonly caches: Int32Array[];

  /** Cycles per function index; the last two names are `(bootrom)` (its float and memory routines) and `(unknown)`. */
  constructor(private readonly functions: ElfFunction[]) {
    super(functions.map((f) => f.name).concat('(bootrom)', '(unknown)'));
    this.starts = Int32Array.from(functions.map((f) => f.start | 0));
    // -1: not looked up yet.
    this.caches = REGIONS.map((r) => new Int32Array(r.size >> 1).fill(-1));
  }

  /** Count `cycles` at `pc`. */
  count(pc: number, cycles: number): void {
    const index = this.lookup(pc);
    this.counts[index] += cycles;
    if (index < this.functions.length && this.functions[index].start === pc) this.entries[index]++;
  }

  private lookup(pc: number): number {
    for (let r = 0; r < REGIONS.length; r++) {
      const offset = pc - REGIONS[r].base;
      if (offset < 0 || offset >= REGIONS[r].size) continue;
      const cache = this.caches[r];
      const slot = offset >> 1;
      let index = cache[slot];
      if (index < 0) {
        index = this.search(pc);
        cache[slot] = index;
      }
      return index;
    }
    return this.search(pc);
  }

  private search(pc: number): number {
    if (pc < BOOTROM_END) return this.functions.length;
    const unknown = this.functions.length + 1;
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    if (hi < 0 || pc < starts[0]) return unknown;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pc) lo = mid;
      else hi = mid - 1;
    }
    return pc < this.functions[lo].end ? lo : unknown;
  }
}
