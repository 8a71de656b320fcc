/**
 * A firmware run's periodic samples, as the firmware benchmarks count them:
 * I2C transactions closer than 1 s to each other are one sample; the first
 * sample (the drivers' set-up with it) is left out; a window runs from the
 * sample's first I2C address to its last stop or the LED write that follows
 * within the second, whichever is later.
 */
import { RP2040_CLOCK_HZ, type Rp2040Host } from '../../sim/emulator/rp2040-host';

export interface SampleWindow {
  /** Board time (ms) of the sample's first I2C address. */
  at: number;
  /** Busy cycles at the sample's first I2C address and at its end. */
  from: number;
  to: number;
  /** Whether the window ends with an LED write rather than the bus. */
  led: boolean;
  /** Cycles of it the sample's transactions spent on the wire (the core polls the bus meanwhile). */
  wire: number;
}

export function sampleWindows(host: Rp2040Host, ledPin: number): SampleWindow[] {
  const txs = host.bridges.flatMap((b) => b.transactions).sort((a, b) => a.t - b.t);
  const groups: (typeof txs)[] = [];
  for (const tx of txs) {
    const g = groups[groups.length - 1];
    if (g !== undefined && tx.t - g[g.length - 1].t < 1000) g.push(tx);
    else groups.push([tx]);
  }
  const led = host.gpioChanges.filter((g) => g.pin === ledPin);
  return groups.slice(1).map((g) => {
    const busEnd = g[g.length - 1].endCycles;
    const to = Math.max(busEnd, ...led.filter((l) => l.t >= g[0].t && l.t < g[0].t + 1000).map((l) => l.cycles));
    const wireNanos = g.reduce((sum, tx) => sum + tx.wireNanos, 0);
    return { at: g[0].t, from: g[0].cycles, to, led: to > busEnd, wire: (wireNanos * RP2040_CLOCK_HZ) / 1e9 };
  });
}
