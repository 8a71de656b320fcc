/**
 * XS's slot copies and clears on a Pico (hosts/moddable/pico/slot-copy.c): `memcpy` and `memset`, wrapped
 * in every Pico image, take a 16-byte copy and a clear of whole slots without newlib's general loop, and
 * hand everything else to newlib's. Called here in the emulated RP2040 on the built lux demo, after it
 * booted (its SRAM code copied in place), with buffers of every alignment and length the two must get
 * right; and counted while the app runs, to show the image's code calls them.
 *
 * Needs lux-demo.pico.uf2 and the bootrom; skipped in one line otherwise.
 */
import { elfSymbolEntry, type ElfSymbol } from '../../sim/emulator/elf-symbols';
import type { Rp2040Host } from '../../sim/emulator/rp2040-host';
import { firmwareTestEnv } from './firmware-test-env';
import { nightHost } from './night-host';

const env = firmwareTestEnv('lux-demo', 'pico');
if (typeof env === 'string') console.log(env);
const firmware = typeof env === 'string' ? describe.skip : describe;

/** Scratch SRAM for the buffers (the app is not run again once the calls begin), and where a call returns to. */
const SCRATCH = 0x2003_0000;
const RETURN_TO = SCRATCH + 0x2000;
const SRAM = 0x2000_0000;
/** Bytes either side of a destination that must stay as they were. */
const GUARD = 16;

firmware('XS slot copies and clears on the emulated Pico (slot-copy.c)', () => {
  let host: Rp2040Host;
  let slotMemcpy: ElfSymbol;
  let slotMemset: ElfSymbol;
  let newlibMemcpy: ElfSymbol;
  let newlibMemset: ElfSymbol;
  const calls = { memcpy: 0, memset: 0 };

  const symbol = (name: string): ElfSymbol => {
    const s = elfSymbolEntry((env as { elf: string }).elf, name);
    if (s === undefined) throw new Error(`${(env as { elf: string }).elf}: no ${name}`);
    return s;
  };

  beforeAll(async () => {
    if (typeof env === 'string') return;
    slotMemcpy = symbol('thingflow_memcpy');
    slotMemset = symbol('thingflow_memset');
    newlibMemcpy = symbol('memcpy'); // with --wrap, the name is newlib's own (__real_memcpy)
    newlibMemset = symbol('memset');
    host = nightHost(env, undefined, {
      entryHooks: [{ at: new Set([slotMemcpy.address, slotMemset.address]), call: (pc) => { calls[pc === slotMemcpy.address ? 'memcpy' : 'memset']++; } }],
    });
    await host.runUntil(1_500); // booted, the app started, its first sample read
  }, 60_000);

  const mcu = () => host.simulator.rp2040;
  const write = (address: number, bytes: Uint8Array) => bytes.forEach((b, i) => mcu().writeUint8(address + i, b));
  const read = (address: number, length: number) => Uint8Array.from({ length }, (_, i) => mcu().readUint8(address + i));
  const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 37 + seed) & 0xff);

  /** Calls the Thumb function at `address` with `args` in r0..r2, interrupts masked, until it returns; its r0 and every address it ran. */
  function call(address: number, args: number[]): { r0: number; ran: Set<number> } {
    const core = mcu().core;
    const saved = { registers: Uint32Array.from(core.registers), PM: core.PM, waiting: core.waiting };
    core.PM = true;
    core.waiting = false;
    args.forEach((a, i) => { core.registers[i] = a >>> 0; });
    core.LR = RETURN_TO | 1;
    core.PC = address;
    const ran = new Set<number>();
    for (let steps = 0; core.PC !== RETURN_TO; steps++) {
      if (steps > 100_000 || host.halted !== undefined) throw new Error(`0x${address.toString(16)} did not return (PC 0x${core.PC.toString(16)})`);
      ran.add(core.PC);
      core.executeInstruction();
    }
    const r0 = core.registers[0];
    core.registers.set(saved.registers);
    core.PM = saved.PM;
    core.waiting = saved.waiting;
    return { r0, ran };
  }

  const ranIn = (ran: Set<number>, f: ElfSymbol) => [...ran].some((pc) => pc >= f.address && pc < f.address + f.size);

  test('both are linked in SRAM, the image\'s memcpy and memset calls go to them, and the app calls them (every slot copy and clear of the interpreter)', () => {
    expect(symbol('__wrap_memcpy').address).toBe(slotMemcpy.address); // not the pico-sdk's, which the image links unused
    expect(symbol('__wrap_memset').address).toBe(slotMemset.address);
    expect(slotMemcpy.address).toBeGreaterThanOrEqual(SRAM);
    expect(slotMemset.address).toBeGreaterThanOrEqual(SRAM);
    expect(calls.memcpy).toBeGreaterThan(100);
    expect(calls.memset).toBeGreaterThan(0);
    expect(host.consoleLines.some((l) => l.line.startsWith('lux demo: light every 60 s'))).toBe(true);
  });

  // [dst offset, src offset, length, the slot path (no newlib loop)]
  const copies: [number, number, number, boolean][] = [
    [0, 0, 16, true], [4, 8, 16, true], [8, 4, 16, true],
    [1, 0, 16, false], [0, 2, 16, false], [3, 1, 16, false],
    [0, 0, 0, false], [0, 0, 1, false], [0, 0, 15, false], [0, 0, 17, false], [0, 0, 32, false], [0, 0, 400, false], [2, 3, 33, false],
  ];
  test.each(copies)('memcpy(dst + %i, src + %i, %i) copies exactly those bytes and returns dst (slot path: %s)', (dstOff, srcOff, n, slotPath) => {
    const src = SCRATCH + 0x800 + srcOff;
    const dst = SCRATCH + GUARD + dstOff;
    const before = pattern(n + 2 * GUARD + 8, 0xa5);
    const bytes = pattern(n, 0x11 + n);
    write(dst - GUARD, before);
    write(src, bytes);
    const { r0, ran } = call(slotMemcpy.address, [dst, src, n]);
    expect(r0).toBe(dst);
    expect(read(dst, n)).toEqual(bytes);
    expect(read(dst - GUARD, GUARD)).toEqual(before.subarray(0, GUARD));
    expect(read(dst + n, GUARD)).toEqual(before.subarray(GUARD + n, 2 * GUARD + n));
    expect(read(src, n)).toEqual(bytes);
    expect(ranIn(ran, newlibMemcpy)).toBe(!slotPath);
  });

  // [dst offset, fill value, length, the slot path]
  const fills: [number, number, number, boolean][] = [
    [0, 0, 16, true], [4, 0, 32, true], [0, 0, 400, true], [0, 0x100, 16, true],
    [2, 0, 16, false], [0, 0, 0, false], [0, 0, 8, false], [0, 0, 17, false], [0, 0x55, 16, false], [0, 0xff, 48, false], [1, 0x7f, 33, false],
  ];
  test.each(fills)('memset(dst + %i, %i, %i) fills exactly those bytes and returns dst (slot path: %s)', (dstOff, value, n, slotPath) => {
    const dst = SCRATCH + GUARD + dstOff;
    const before = pattern(n + 2 * GUARD + 8, 0x5a);
    write(dst - GUARD, before);
    const { r0, ran } = call(slotMemset.address, [dst, value, n]);
    expect(r0).toBe(dst);
    expect(read(dst, n)).toEqual(new Uint8Array(n).fill(value & 0xff));
    expect(read(dst - GUARD, GUARD)).toEqual(before.subarray(0, GUARD));
    expect(read(dst + n, GUARD)).toEqual(before.subarray(GUARD + n, 2 * GUARD + n));
    expect(ranIn(ran, newlibMemset)).toBe(!slotPath);
  });
});
