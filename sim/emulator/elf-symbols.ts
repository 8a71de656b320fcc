/**
 * Reads a function's address from a 32-bit little-endian ELF (the firmware's
 * .elf beside its .uf2): the emulator host uses it to find where the
 * firmware's main loop goes idle, without binutils.
 */
import { readFileSync } from 'node:fs';

export function elfSymbol(path: string, name: string): number | undefined {
  return elfSymbolEntry(path, name)?.address;
}

/** A symbol's address (without the Thumb bit) and size, as the ELF's symbol table gives them. */
export interface ElfSymbol {
  address: number;
  size: number;
}

/** A symbol of the ELF's symbol table, by name. */
export function elfSymbolEntry(path: string, name: string): ElfSymbol | undefined {
  const { b, shnum, section } = elfSections(path);
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type !== 2) continue; // SHT_SYMTAB
    const strtab = section(s.link);
    for (let o = s.offset; o + 16 <= s.offset + s.size; o += s.entsize || 16) {
      const nameOff = b.readUInt32LE(o);
      let end = strtab.offset + nameOff;
      while (b[end] !== 0) end++;
      if (b.toString('latin1', strtab.offset + nameOff, end) === name) return { address: b.readUInt32LE(o + 4) & ~1, size: b.readUInt32LE(o + 8) };
    }
  }
  return undefined;
}

/** `length` bytes of the ELF's image at `address` (from the section that holds them: .rodata, say). */
export function elfBytes(path: string, address: number, length: number): Buffer {
  const { b, shnum, section } = elfSections(path);
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type === 8 || address < s.addr || address + length > s.addr + s.size) continue; // SHT_NOBITS holds no bytes
    if (s.addr === 0) continue;
    return b.subarray(s.offset + address - s.addr, s.offset + address - s.addr + length);
  }
  throw new Error(`${path}: no section holds ${length} bytes at 0x${address.toString(16)}`);
}

function elfSections(path: string) {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 1 || b[5] !== 1) throw new Error(`${path}: not a 32-bit little-endian ELF`);
  const shoff = b.readUInt32LE(0x20);
  const shentsize = b.readUInt16LE(0x2e);
  const shnum = b.readUInt16LE(0x30);
  const section = (i: number) => {
    const o = shoff + i * shentsize;
    return { type: b.readUInt32LE(o + 4), addr: b.readUInt32LE(o + 12), offset: b.readUInt32LE(o + 16), size: b.readUInt32LE(o + 20), link: b.readUInt32LE(o + 24), entsize: b.readUInt32LE(o + 36) };
  };
  return { b, shnum, section };
}
