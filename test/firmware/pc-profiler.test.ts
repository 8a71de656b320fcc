/**
 * The PC profiler (pc-profiler.ts) on the real lux demo firmware in rp2040js,
 * and what it showed about the emulator host: every cycle of a window is
 * attributed to a function, the window around a sample holds the I2C driver's
 * C functions, and a wake after boot takes no USB interrupt while nothing is
 * printed (rp2040js's USBCDC used to answer every armed OUT buffer with an
 * empty packet, an interrupt every ~25 µs: most of the cycles the first
 * bench:firmware counted). Runs when the firmware environment is set
 * (firmware-test-env.ts), like the other firmware tests.
 */
import { firmwareTestEnv } from './firmware-test-env';
import { nightHost } from './night-host';
import { elfFunctions, PcProfiler } from './pc-profiler';
import type { Rp2040Host } from '../../sim/emulator/rp2040-host';

const env = firmwareTestEnv();
if (typeof env === 'string') process.stdout.write(`${env}\n`);
const firmware = typeof env === 'string' ? describe.skip : describe;

/** The lux demo firmware booted at night (seed 7) with the profiler on, run to `ms` of emulated time. */
async function bootLuxDemo(ms: number): Promise<{ host: Rp2040Host; profiler: PcProfiler }> {
  if (typeof env === 'string') throw new Error(env);
  const profiler = new PcProfiler(elfFunctions(env.elf));
  const host = nightHost(env, profiler);
  await host.runUntil(ms);
  return { host, profiler };
}

firmware('the PC profiler on the lux demo firmware', () => {
  test('it attributes every cycle of a sample\'s wake, the I2C driver inside it, and no USB interrupt while the console is quiet', async () => {
    const { host, profiler } = await bootLuxDemo(65_000);
    // The wake of the 60 s sample: from the core leaving its WFE to waiting again.
    const wake = host.timerWakes().find((w) => host.bridges.some((b) => b.transactions.some((t) => t.cycles >= w.from && t.cycles < w.to)));
    expect(wake).toBeDefined();
    const rows = profiler.between(wake!.from, wake!.to);
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(rows.reduce((n, r) => n + r.cycles, 0)).toBe(wake!.to - wake!.from);
    expect(byName.get('_xs_i2c_writeRead')?.calls).toBeGreaterThanOrEqual(2);
    expect(byName.get('fxRunID')?.cycles).toBeGreaterThan(0);
    expect(byName.get('dcd_rp2040_irq')).toBeUndefined();
  }, 600_000);

  test('a steady rhythm re-arms nothing: after run() armed the repeating Timer, a wake reads the clock once and calls no Timer function', async () => {
    const { host, profiler } = await bootLuxDemo(185_000);
    const calls = (from: number, to: number, name: string) => profiler.between(from, to).find((r) => r.name === name)?.calls ?? 0;
    // Boot to the first wake: run() samples both sensors and arms the repeating Timer once (60 s and 300 s share a rhythm).
    const wakes = host.timerWakes();
    expect(wakes.length).toBe(3); // 60, 120 and 180 s
    expect(calls(0, wakes[0].from, 'xs_timer_set')).toBeGreaterThanOrEqual(1);
    for (const wake of wakes) {
      expect(calls(wake.from, wake.to, 'xs_time_ticks')).toBe(1);
      for (const timerCall of ['xs_timer_set', 'xs_timer_schedule', 'xs_timer_repeat', 'xs_timer_clear']) {
        expect(`${timerCall} ${calls(wake.from, wake.to, timerCall)}`).toBe(`${timerCall} 0`);
      }
      expect(calls(wake.from, wake.to, '_xs_i2c_writeRead')).toBeGreaterThanOrEqual(2); // the light was sampled
    }
  }, 600_000);
});
