/**
 * The RP2040's XIP cache as the emulator times it (sim/emulator/xip-cache.ts):
 * 16 kB, two ways, 8-byte lines; a miss stalls the core for a line fill.
 */
import { QSPI_CLOCKS_PER_LINE, XipCache } from '../../sim/emulator/xip-cache';

const FLASH = 0x10000000;
const KB = 1024;
const MISS = QSPI_CLOCKS_PER_LINE * 2; // the SDK's boot2: the SSI's clock at clk_sys / 2

function cache(): XipCache {
  return new XipCache(() => MISS);
}

describe('XIP cache timing', () => {
  test('a line is fetched once: the first read of its 8 bytes misses and stalls, the others hit', () => {
    const xip = cache();
    for (let a = FLASH; a < FLASH + 8; a += 2) xip.read(a);
    expect([xip.accesses, xip.misses, xip.takeStall()]).toEqual([4, 1, MISS]);
    xip.read(FLASH + 8); // the next line
    expect([xip.misses, xip.takeStall(), xip.takeStall()]).toEqual([2, MISS, 0]);
    expect(QSPI_CLOCKS_PER_LINE).toBe(28);
  });

  test('16 kB stays: a loop over 16 kB misses only on its first pass; over 24 kB it misses on every line, pass after pass', () => {
    const fits = cache();
    for (let pass = 0; pass < 3; pass++) for (let a = FLASH; a < FLASH + 16 * KB; a += 4) fits.read(a);
    expect(fits.misses).toBe((16 * KB) / 8);
    const thrashes = cache();
    for (let pass = 0; pass < 3; pass++) for (let a = FLASH; a < FLASH + 24 * KB; a += 4) thrashes.read(a);
    // Each set sees three lines in turn, two ways and least-recently-used replacement: every read of a new line misses.
    expect(thrashes.misses).toBe((3 * 24 * KB) / 8);
    expect(thrashes.stallCycles).toBe(thrashes.misses * MISS);
  });

  test('two ways: two lines 8 kB apart (one set) both stay, a third evicts the one used least recently', () => {
    const xip = cache();
    const [a, b, c] = [FLASH, FLASH + 8 * KB, FLASH + 16 * KB];
    xip.read(a);
    xip.read(b);
    xip.read(a);
    xip.read(b);
    expect(xip.misses).toBe(2);
    xip.read(a); // a used last: b goes
    xip.read(c);
    xip.read(a);
    expect(xip.misses).toBe(3);
    xip.read(b);
    expect(xip.misses).toBe(4);
  });

  test('the aliases: 0x11 looks up without allocating, 0x12 allocates without looking up, 0x13 neither', () => {
    const xip = cache();
    xip.read(0x11000000);
    xip.read(0x11000000);
    expect(xip.misses).toBe(2); // never allocated
    xip.read(0x12000000); // misses, and allocates the line
    xip.read(0x10000000);
    xip.read(0x11000004);
    expect(xip.misses).toBe(3);
    xip.read(0x13000000);
    xip.read(0x12000000);
    expect(xip.misses).toBe(5);
  });

  test('a flush empties it; the stall of a miss follows the SSI clock divider', () => {
    let divider = 2;
    const xip = new XipCache(() => QSPI_CLOCKS_PER_LINE * divider);
    xip.read(FLASH);
    xip.flush();
    divider = 4;
    xip.read(FLASH);
    expect([xip.misses, xip.stallCycles]).toEqual([2, 28 * 2 + 28 * 4]);
  });
});
