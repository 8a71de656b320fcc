/**
 * The two images an emulated RP2040 starts from: the firmware (a `.uf2`, as
 * `thingflow-xs firmware` writes it and as a Pico takes it over USB) and the
 * chip's B1 bootrom (rp2040js's demo/bootrom.ts, or a raw `.bin`), which the
 * pico-sdk calls into and which rp2040js does not ship.
 *
 * A UF2 for another chip is refused here, with the chip named: loaded, an
 * RP2350 image would run as garbage and say nothing.
 */
import { readFileSync } from 'node:fs';

/** An image that cannot be run: not what it should be, or for another chip. The message says which and why. */
export class FirmwareImageError extends Error {
  override name = 'FirmwareImageError';
}

export const FLASH_START = 0x10000000;
const UF2_MAGIC_START0 = 0x0a324655;
const UF2_MAGIC_START1 = 0x9e5d5157;
const UF2_FLAG_FAMILY_ID = 0x2000;
const UF2_FLAG_NOT_MAIN_FLASH = 0x1;
export const RP2040_FAMILY = 0xe48bff56;
const ABSOLUTE_FAMILY = 0xe48bff57;

/** UF2 family IDs a user may meet here (Microsoft's uf2 families list), for the message that refuses them. */
const OTHER_FAMILIES: { [id: number]: string } = {
  0xe48bff57: 'RP2350 (absolute block)',
  0xe48bff58: 'RP2350 (data)',
  0xe48bff59: 'RP2350 (Arm, secure): a pico2 or pico_2_w build',
  0xe48bff5a: 'RP2350 (RISC-V)',
  0xe48bff5b: 'RP2350 (Arm, non-secure)',
  0xbfdd4eee: 'ESP32-S2',
  0xc47e5767: 'ESP32-S3',
  0xd42ba06c: 'ESP32-C3',
};

/** One 512-byte UF2 block: its flags, target address, payload size and place in the file, and its family when it names one. */
export interface Uf2Block {
  flags: number;
  address: number;
  size: number;
  /** Byte offset of its payload in the file. */
  payload: number;
  family: number | undefined;
}

const UF2_MAGIC_END = 0x0ab16f30;

/** Every block of a UF2 file, each one's three magic numbers checked. */
export function uf2Blocks(path: string, data: Buffer = readFileSync(path)): Uf2Block[] {
  if (data.length % 512 !== 0 || data.length === 0) throw new FirmwareImageError(`${path}: not a UF2 file (${data.length} bytes, not whole 512-byte blocks)`);
  const blocks: Uf2Block[] = [];
  for (let off = 0; off < data.length; off += 512) {
    if (data.readUInt32LE(off) !== UF2_MAGIC_START0 || data.readUInt32LE(off + 4) !== UF2_MAGIC_START1 || data.readUInt32LE(off + 508) !== UF2_MAGIC_END) {
      throw new FirmwareImageError(`${path}: not a UF2 file (no UF2 block at byte ${off})`);
    }
    const flags = data.readUInt32LE(off + 8);
    blocks.push({
      flags,
      address: data.readUInt32LE(off + 12),
      size: data.readUInt32LE(off + 16),
      payload: off + 32,
      family: (flags & UF2_FLAG_FAMILY_ID) !== 0 ? data.readUInt32LE(off + 28) : undefined,
    });
  }
  return blocks;
}

/**
 * The family of the first block not for the RP2040; an RP2350 image's leading "absolute" block
 * (the RP2350-E10 workaround) gives way to the family of its flash blocks.
 */
function foreignFamily(blocks: Uf2Block[]): number | undefined {
  let found: number | undefined;
  for (const { family } of blocks) {
    if (family === undefined || family === RP2040_FAMILY) continue;
    if (found === undefined || found === ABSOLUTE_FAMILY) found = family;
  }
  return found;
}

/** The B1 bootrom: a raw little-endian binary, or rp2040js's demo/bootrom.ts (`new Uint32Array([0x..., ...])`). */
export function loadBootrom(path: string): Uint32Array {
  const raw = readFileSync(path);
  if (path.endsWith('.ts') || path.endsWith('.js')) {
    const body = raw.toString('utf8');
    const start = body.indexOf('Uint32Array([');
    if (start < 0) throw new FirmwareImageError(`${path}: no "new Uint32Array([...])" in it`);
    const words = body.slice(start + 13, body.indexOf('])', start)).split(',').map((w) => w.trim()).filter((w) => w !== '').map((w) => Number(w));
    if (words.length < 4096 || words.some((w) => !Number.isFinite(w))) throw new FirmwareImageError(`${path}: expected 4096 words of bootrom, found ${words.length}`);
    return Uint32Array.from(words);
  }
  if (raw.length < 16384) throw new FirmwareImageError(`${path}: ${raw.length} bytes, not a 16 KB bootrom image`);
  return new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + (raw.length & ~3)));
}

/** Copy an RP2040 UF2's flash blocks into `flash`. Returns the bytes loaded. */
export function loadUf2(path: string, flash: Uint8Array): number {
  const data = readFileSync(path);
  const blocks = uf2Blocks(path, data);
  const foreign = foreignFamily(blocks);
  if (foreign !== undefined) {
    throw new FirmwareImageError(`${path}: an image for ${OTHER_FAMILIES[foreign] ?? `UF2 family 0x${foreign.toString(16)}`}, not the RP2040: the emulator (rp2040js) runs RP2040 images only (pico, pico/pico_w, pico/xiao_rp2040, ...)`);
  }
  let loaded = 0;
  for (const { flags, address, size, payload } of blocks) {
    if ((flags & UF2_FLAG_NOT_MAIN_FLASH) !== 0 || address < FLASH_START || address + size > FLASH_START + flash.length) continue;
    flash.set(data.subarray(payload, payload + size), address - FLASH_START);
    loaded += size;
  }
  if (loaded === 0) throw new FirmwareImageError(`${path}: no blocks for the RP2040's flash (0x10000000 on)`);
  return loaded;
}
