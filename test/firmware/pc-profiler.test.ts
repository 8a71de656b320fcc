/**
 * The PC profiler (pc-profiler.ts) on the real lux demo firmware in rp2040js,
 * and what it showed about the emulator host: every cycle of a window is
 * attributed to a function, the window around a sample holds the I2C driver's
 * C functions, and a wake after boot takes no USB interrupt while nothing is
 * printed (rp2040js's USBCDC used to answer every armed OUT buffer with an
 * empty packet, an interrupt every ~25 µs: most of the cycles the first
 * bench:firmware counted). And the JavaScript profiler (js-profiler.ts) on the
 * same firmware: a sample-to-LED event runs through the flow's functions, each
 * called as often as the flow says; and the bytecode profiler (bytecode-profiler.ts):
 * the same cycles, instruction by instruction. Runs when the firmware environment is set
 * (firmware-test-env.ts), like the other firmware tests.
 */
import { firmwareTestEnv } from './firmware-test-env';
import { nightHost } from './night-host';
import { existsSync } from 'node:fs';
import { interpreterIn, JsProfiler, jsCodeRanges, JS_C_SUFFIX } from './js-profiler';
import { elfFunctions, PcProfiler } from './pc-profiler';
import { sampleWindows } from './sample-windows';
import { BytecodeProfiler } from './bytecode-profiler';
import { decodeXsCode, xsCodeTable } from './xs-bytecode';
import { elfBytes } from '../../sim/emulator/elf-symbols';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { linkedHeap, linkedOutput } from '../../bench/firmware-flash';
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

  test('the JavaScript profiler follows a sample-to-LED event through the flow: the driver, both maps, the average, the hysteresis, the LED', async () => {
    if (typeof env === 'string') throw new Error(env);
    // The XS linker's output of the plain pico build (mcconfig's build tree) names the preloaded functions.
    const linked = linkedOutput('lux-demo');
    expect(existsSync(linked) ? linked : `${linked} is gone: build the lux demo again (npm run firmware -- pico)`).toBe(linked);
    const profiler = new JsProfiler(jsCodeRanges(env.elf, linkedHeap(linked)), interpreterIn(env.elf));
    const host = nightHost(env, profiler);
    await host.runUntil(125_000);
    const event = sampleWindows(host, 25).find((w) => w.led);
    expect(event).toBeDefined();
    const rows = profiler.between(event!.from, event!.to);
    expect(rows.reduce((n, r) => n + r.cycles, 0)).toBe(event!.to - event!.from);
    const calls = (name: string) => rows.find((r) => r.name === name)?.calls ?? 0;
    expect(calls('runtime/filters/map: onNext')).toBe(2);
    expect(calls('runtime/filters/hysteresis: onNext')).toBe(1);
    expect(calls('runtime/sensors/digital-output: onNext')).toBe(1);
    expect(calls('embedded:io/digital: write')).toBe(1);
    expect(calls('embedded:io/smbus: readBuffer')).toBe(1);
    // The running average's window is not full at the second sample: it fills.
    expect(calls('runtime/filters/running-avg: fillWindow')).toBe(1);
    // The driver's sample started the window (its first I2C address): its cycles are in it, its call before.
    const sample = rows.filter((r) => r.name.startsWith('runtime/sensors/tsl2591: sample'));
    expect(sample.map((r) => r.name).sort()).toEqual(['runtime/sensors/tsl2591: sample', `runtime/sensors/tsl2591: sample${JS_C_SUFFIX}`]);
  }, 600_000);

  test('the bytecode profiler splits a function\'s cycles over its XS instructions, every one of them, and names the properties they read', async () => {
    if (typeof env === 'string') throw new Error(env);
    const linked = linkedOutput('lux-demo');
    expect(existsSync(linked) ? linked : `${linked} is gone: build the lux demo again (npm run firmware -- pico)`).toBe(linked);
    const heap = linkedHeap(linked);
    const code = jsCodeRanges(env.elf, heap);
    const hysteresis = code.functions.find((f) => f.name === 'runtime/filters/hysteresis: onNext')!;
    const profiler = new BytecodeProfiler(code, interpreterIn(env.elf), [hysteresis]);
    await nightHost(env, profiler).runUntil(125_000);
    const { interpreter, c, start } = profiler.byteCycles();
    const sum = (a: Float64Array) => a.reduce((n, x) => n + x, 0);
    // The same cycles as the function-level row: none lost, none added.
    expect(sum(interpreter)).toBe(profiler.counts[profiler.names.indexOf(hysteresis.name)]);
    expect(sum(c)).toBe(profiler.counts[profiler.names.indexOf(`${hysteresis.name}${JS_C_SUFFIX}`)]);
    expect(sum(interpreter)).toBeGreaterThan(0);
    // Decoded with the SDK's own tables, the instructions cover the code exactly, and read what onNext reads.
    const moddable = process.env.MODDABLE; // the ELF decodes with the tables of the SDK that built it
    expect(moddable ?? 'MODDABLE is unset: it names the SDK whose xs/sources/xsCommon.c decodes the firmware\'s bytecode').toBe(moddable);
    const instructions = decodeXsCode(elfBytes(env.elf, hysteresis.start, hysteresis.end - hysteresis.start), xsCodeTable(readFileSync(join(moddable!, 'xs/sources/xsCommon.c'), 'utf8')), (id) => heap.keyNames.get(id));
    const last = instructions[instructions.length - 1];
    expect(last.offset + last.size).toBe(hysteresis.end - hysteresis.start);
    const reads = instructions.filter((i) => i.name === 'get_property').map((i) => i.operand);
    expect(reads).toEqual(expect.arrayContaining(['high', 'low', 'state', 'out', 'onNext']));
    expect(start).toBe(hysteresis.start);
  }, 600_000);
});
