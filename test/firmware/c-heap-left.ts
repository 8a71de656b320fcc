/**
 * The C heap an emulated Pico has not yet taken: from newlib's break at its highest (`heap_end`, which
 * sbrk only raises) to the stack's limit. The radio's stack, the sockets, mDNS and the XS heap's growth
 * all allocate from it.
 */
import { elfSymbol } from '../../sim/emulator/elf-symbols';
import type { Rp2040Host } from '../../sim/emulator/rp2040-host';

export function cHeapLeft(host: Rp2040Host, elf: string): number {
  const top = host.simulator.rp2040.readUint32(elfSymbol(elf, 'heap_end.0')!) >>> 0;
  return elfSymbol(elf, '__StackLimit')! - top;
}
