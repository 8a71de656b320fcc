/**
 * Checks, in the emulated Pico, that the C heap is never worked on by an
 * interrupt and the main loop at once (hosts/moddable/pico/heap-lock.c).
 *
 * Moddable's port allocates from interrupts: on a Pico W its lwIP callbacks
 * run in the pico-sdk's background interrupt and post messages, accept
 * connections and queue received data with malloc. newlib's heap is not
 * reentrant. The check watches newlib's heap lock from the main loop
 * (`__malloc_lock`/`__malloc_unlock`, which newlib calls around all its heap
 * work) and every entry into the heap's functions:
 * - `unmasked`: the main loop inside the heap with interrupts not masked
 *   (PRIMASK clear), read as it leaves: an interrupt could have come then.
 *   Deterministic: every allocation of the main loop counts, whether or not
 *   an interrupt happened to come.
 * - `interleaved`: an interrupt entered the heap while the main loop was in
 *   it: the corruption itself, which only some runs' timing produces. An
 *   interrupt that comes as the main loop enters `__malloc_lock`, before it
 *   masks interrupts, finds the heap whole and is not counted: the check
 *   reads where each interrupt stopped the main loop.
 * `fromInterrupts` counts the heap calls made in handler mode, by caller, so a
 * run shows the lock was put to the test.
 */
import type { EntryHook, Rp2040Host } from '../../sim/emulator/rp2040-host';
import { elfFunctions, functionAt } from './pc-profiler';

/** newlib's heap functions (the reentrant forms every malloc, free, calloc and realloc goes through). */
const HEAP = /^_(malloc|free|calloc|realloc)_r$/;

export interface HeapIrqCheck {
  /** For `Rp2040Host`'s options; `attach` the host once it is made. */
  entryHook: EntryHook;
  attach(host: Rp2040Host): void;
  /** Heap calls from the main loop, and how many of them ran with interrupts unmasked. */
  readonly mainLoop: { calls: number; unmasked: number };
  /** Heap calls an interrupt made while the main loop was inside the heap. */
  readonly interleaved: { count: number; firstAtMs?: number };
  /** Heap calls made from interrupts, by `function <- caller`. */
  readonly fromInterrupts: Map<string, number>;
}

interface CoreState { IPSR: number; PM: boolean; LR: number }

export function heapIrqCheck(elf: string): HeapIrqCheck {
  const functions = elfFunctions(elf);
  const named = (name: string) => {
    const f = functions.find((g) => g.name === name);
    if (f === undefined) throw new Error(`${elf}: no ${name} (not a newlib image?)`);
    return f;
  };
  const { start: lock, end: lockEnd } = named('__malloc_lock');
  const unlock = named('__malloc_unlock').start;
  const heap = new Map(functions.filter((f) => HEAP.test(f.name)).map((f) => [f.start, f.name]));
  let host: Rp2040Host | undefined;
  /** The main loop's nesting in newlib's heap lock. */
  let mainLoopDepth = 0;
  /** Where the latest interrupt stopped the main loop. */
  let interruptedAt = 0;

  const mainLoop = { calls: 0, unmasked: 0 };
  const interleaved: { count: number; firstAtMs?: number } = { count: 0 };
  const fromInterrupts = new Map<string, number>();
  const call = (pc: number) => {
    const core = host!.simulator.rp2040.core as unknown as CoreState;
    const inInterrupt = core.IPSR !== 0;
    if (pc === lock || pc === unlock) {
      if (inInterrupt) return;
      if (pc === lock) {
        mainLoopDepth++;
        return;
      }
      if (!core.PM) mainLoop.unmasked++; // about to leave the heap: it was worked on with interrupts able to come
      mainLoopDepth = Math.max(0, mainLoopDepth - 1);
      return;
    }
    if (!inInterrupt) {
      mainLoop.calls++;
      return;
    }
    if (mainLoopDepth > 0 && !(interruptedAt >= lock && interruptedAt < lockEnd)) {
      interleaved.count++;
      interleaved.firstAtMs ??= host!.emulatedMs;
    }
    const key = `${heap.get(pc)} <- ${functionAt(functions, core.LR & ~1) ?? `0x${(core.LR >>> 0).toString(16)}`}`;
    fromInterrupts.set(key, (fromInterrupts.get(key) ?? 0) + 1);
  };
  return {
    entryHook: { at: new Set([lock, unlock, ...heap.keys()]), call },
    attach: (h) => {
      host = h;
      const core = h.simulator.rp2040.core as unknown as CoreState & { PC: number; exceptionEntry(n: number): void };
      const exceptionEntry = core.exceptionEntry.bind(core);
      core.exceptionEntry = (n: number) => {
        if (core.IPSR === 0) interruptedAt = core.PC & ~1;
        exceptionEntry(n);
      };
    },
    mainLoop,
    interleaved,
    fromInterrupts,
  };
}
