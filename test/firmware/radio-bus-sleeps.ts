/**
 * The Pico W's radio bus as the emulated chip saw the driver put it to sleep
 * (sim/emulator/cyw43.ts, `busSleeps`): when, after how long idle, and how
 * often the board woke while the driver waited that long.
 */
import type { Rp2040Host } from '../../sim/emulator/rp2040-host';

export interface BusSleepWait {
  /** Emulated ms when the bus was put to sleep. */
  t: number;
  /** Emulated ms it had been idle then (since its last use for anything but its sleep register). */
  idleMs: number;
  /** The board's wakes that began in that idle time, the one that put the bus to sleep included. */
  wakes: number;
}

/** Each time the driver put the radio's bus to sleep from `fromMs` on (not the chip's reset). */
export function busSleepWaits(host: Rp2040Host, fromMs = 0): BusSleepWait[] {
  const waits: BusSleepWait[] = [];
  for (const s of host.radio!.busSleeps) {
    if (!s.asleep || s.idleMs === undefined || s.t < fromMs) continue;
    const start = s.t - s.idleMs;
    // A wake begins where the core's sleep before it began: each sleep begun in the idle time is a wake begun in it.
    const wakes = host.sleeps.filter((w) => w.t > start && w.t < s.t).length;
    waits.push({ t: s.t, idleMs: s.idleMs, wakes });
  }
  return waits;
}
