/**
 * The images the emulated Pico starts from (sim/emulator/firmware-image.ts):
 * UF2 blocks made here, as pico-sdk's picotool writes them, so this runs
 * without the SDK.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLASH_START, loadBootrom, loadUf2, RP2040_FAMILY } from '../../sim/emulator/firmware-image';

const dir = mkdtempSync(join(tmpdir(), 'uf2-'));

/** One 512-byte UF2 block of 256 payload bytes `fill` at `addr`. */
function block(addr: number, fill: number, family = RP2040_FAMILY, flags = 0x2000): Buffer {
  const b = Buffer.alloc(512);
  b.writeUInt32LE(0x0a324655, 0);
  b.writeUInt32LE(0x9e5d5157, 4);
  b.writeUInt32LE(flags, 8);
  b.writeUInt32LE(addr, 12);
  b.writeUInt32LE(256, 16);
  b.writeUInt32LE(family, 28);
  b.fill(fill, 32, 32 + 256);
  b.writeUInt32LE(0x0ab16f30, 508);
  return b;
}

function file(name: string, ...blocks: Buffer[]): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(blocks));
  return path;
}

test('an RP2040 image is copied into flash at its addresses', () => {
  const flash = new Uint8Array(2 * 1024 * 1024);
  const path = file('ok.uf2', block(FLASH_START, 0xaa), block(FLASH_START + 0x1000, 0x55));
  expect(loadUf2(path, flash)).toBe(512);
  expect(flash[0]).toBe(0xaa);
  expect(flash[255]).toBe(0xaa);
  expect(flash[256]).toBe(0);
  expect(flash[0x1000]).toBe(0x55);
});

test('an RP2350 image (a pico2 or pico_2_w build) is refused with the chip named, before anything runs', () => {
  const flash = new Uint8Array(2 * 1024 * 1024);
  const path = file('rp2350.uf2', block(FLASH_START, 0xaa, 0xe48bff59));
  expect(() => loadUf2(path, flash)).toThrow(/an image for RP2350 \(Arm, secure\): a pico2 or pico_2_w build, not the RP2040: the emulator \(rp2040js\) runs RP2040 images only/);
  expect(flash[0]).toBe(0);
});

test('an RP2350 image led by its "absolute" block (the RP2350-E10 workaround) is named by its flash blocks', () => {
  const path = file('rp2350-e10.uf2', block(FLASH_START + 0x1ff000, 0xef, 0xe48bff57), block(FLASH_START, 0xaa, 0xe48bff59));
  expect(() => loadUf2(path, new Uint8Array(2 * 1024 * 1024))).toThrow(/an image for RP2350 \(Arm, secure\): a pico2 or pico_2_w build, not the RP2040/);
});

test('an image for an unknown family names its ID', () => {
  const path = file('other.uf2', block(FLASH_START, 1, 0x12345678));
  expect(() => loadUf2(path, new Uint8Array(4096))).toThrow(/UF2 family 0x12345678, not the RP2040/);
});

test('a file that is not UF2 says so', () => {
  expect(() => loadUf2(file('elf.uf2', Buffer.from('\x7fELF' + ' '.repeat(508))), new Uint8Array(4096))).toThrow(/not a UF2 file \(no UF2 block at byte 0\)/);
  expect(() => loadUf2(file('short.uf2', Buffer.alloc(100)), new Uint8Array(4096))).toThrow(/not a UF2 file \(100 bytes/);
});

test('an image with nothing for the flash is refused', () => {
  const path = file('ram.uf2', block(0x20000000, 1));
  expect(() => loadUf2(path, new Uint8Array(4096))).toThrow(/no blocks for the RP2040's flash/);
});

test('a bootrom is 4096 words, from rp2040js\'s demo/bootrom.ts or a raw image', () => {
  const words = Array.from({ length: 4096 }, (_, i) => `0x${(i * 7).toString(16)}`);
  const ts = join(dir, 'bootrom.ts');
  writeFileSync(ts, `export const bootromB1 = new Uint32Array([\n  ${words.join(', ')},\n]);\n`);
  const rom = loadBootrom(ts);
  expect(rom.length).toBe(4096);
  expect(rom[3]).toBe(21);
  const bin = join(dir, 'bootrom.bin');
  writeFileSync(bin, Buffer.from(rom.buffer));
  expect(loadBootrom(bin)[4095]).toBe(4095 * 7);
  writeFileSync(join(dir, 'short.ts'), 'new Uint32Array([1, 2, 3])');
  expect(() => loadBootrom(join(dir, 'short.ts'))).toThrow(/expected 4096 words of bootrom, found 3/);
  writeFileSync(join(dir, 'short.bin'), Buffer.alloc(1024));
  expect(() => loadBootrom(join(dir, 'short.bin'))).toThrow(/1024 bytes, not a 16 KB bootrom image/);
});
