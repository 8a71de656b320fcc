/**
 * The RP2040's execute-in-place cache, for timing: which of the core's reads
 * of flash hit it, and how long the core stalls for those that miss.
 *
 * Code and read-only data (the firmware's .text and .rodata: the XS
 * interpreter, Moddable's and the project's preloaded bytecode and slots)
 * run from the QSPI flash through a 16 kB cache, two-way set-associative with
 * 8-byte lines (RP2040 datasheet 2.6.3.1: a hit costs nothing over SRAM). A
 * miss fetches the line over the QSPI bus: with the pico-sdk's boot2 for the
 * Pico's W25Q080 (quad I/O continuous read) that is 8 clocks of address and
 * mode, 4 dummy clocks and 16 of data, each clock `SSI.BAUDR` cycles of
 * clk_sys (2 by default): 56 cycles in which the core waits. rp2040js reads
 * flash as if it were SRAM, so without this every fetch was a hit.
 *
 * Only tags are kept (the data comes from rp2040js's flash as before). The
 * aliases behave as on the chip: 0x10… looks up and allocates, 0x11… looks up
 * without allocating, 0x12… allocates without looking up, 0x13… neither.
 * Not modelled: DMA reads of flash (they fill the cache on the chip too), a
 * cache disabled by software, and a few cycles of the SSI's own latency.
 */

/** Lines of 8 bytes, two ways: 16 kB. */
const SETS = 1024;
const LINE_SHIFT = 3;
/** SCK clocks per line fill: address and mode (8), dummy (4), 64 bits of data four at a time (16). */
export const QSPI_CLOCKS_PER_LINE = 8 + 4 + 16;

/** Flash as the core sees it: four aliases of 16 MB, each with its own caching (below). */
export const XIP_BASE = 0x10000000;
export const XIP_END = 0x14000000;
const ALIAS_NOALLOC = 0x11;
const ALIAS_NOCACHE = 0x12;

export class XipCache {
  accesses = 0;
  misses = 0;
  /** Core cycles stalled on misses, all told. */
  stallCycles = 0;
  /** Stall cycles not yet charged to an instruction (`takeStall`). */
  private pending = 0;
  private readonly tags = new Int32Array(SETS * 2).fill(-1);
  /** Per set, the way to replace next (the one used least recently). */
  private readonly victim = new Uint8Array(SETS);

  /** `missCycles`: what one line fill costs the core (`QSPI_CLOCKS_PER_LINE` times the SSI's clock divider). */
  constructor(private readonly missCycles: () => number) {}

  /** The core reads `address`, an address of flash (`XIP_BASE` to `XIP_END`). */
  read(address: number): void {
    this.accesses++;
    const alias = address >>> 24;
    const line = (address & 0xffffff) >>> LINE_SHIFT;
    const set = line & (SETS - 1);
    const tag = line >>> 10;
    const at = set * 2;
    if (alias <= ALIAS_NOALLOC) {
      if (this.tags[at] === tag) {
        this.victim[set] = 1;
        return;
      }
      if (this.tags[at + 1] === tag) {
        this.victim[set] = 0;
        return;
      }
    }
    this.misses++;
    const stall = this.missCycles();
    this.stallCycles += stall;
    this.pending += stall;
    if (alias !== ALIAS_NOALLOC && alias <= ALIAS_NOCACHE) {
      const way = this.victim[set];
      this.tags[at + way] = tag;
      this.victim[set] = way ^ 1;
    }
  }

  /** The stall cycles of the reads since the last call (the instruction that made them waits that long). */
  takeStall(): number {
    const stall = this.pending;
    this.pending = 0;
    return stall;
  }

  /** Forget every line (XIP_CTRL.FLUSH). */
  flush(): void {
    this.tags.fill(-1);
  }
}
