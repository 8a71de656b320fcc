/**
 * Where the firmware's cycles go (`npm run bench:firmware-profile [-- --night [--seconds N] --top N]`):
 * the floor and the lux demo (out/firmware/, built by `npm run firmware`)
 * booted in rp2040js on the dawn board bench:firmware measures its event in
 * steady state on (seed 7, 50 min; `--night`: the night board, 125 s, whose
 * one event is the 60 s sample after boot), with the PC
 * profiler on (test/firmware/pc-profiler.ts): every executed cycle goes to
 * the ELF function holding its PC. Prints, side by side, the top C functions
 *
 * - per sample-to-LED event: a periodic sample that switches the LED, from
 *   its first I2C address to the LED write (bench:firmware's event; on the
 *   dawn board those in steady state, 10 min in or later), mean over those
 *   samples (a sample that leaves the LED as it is writes no pin: its window
 *   would end at the bus and leave the flow out);
 * - per wake: every busy cycle from the core leaving its WFE to waiting
 *   again, over the wakes after boot that ran a timer (bench:firmware's
 *   per-wake figure), and the parts of the samples' wakes before and after
 *   their sample window;
 *
 * with the calls counted into each (its entry address reached); then, from a
 * second run of each with the JavaScript profiler (test/firmware/js-profiler.ts),
 * the JavaScript functions per event and per wake: each one's cycles in the
 * interpreter and in the C it calls. That part needs the apps' mc.xs.c in
 * mcconfig's build tree (the XS linker's output of their plain pico builds).
 * Needs RP2040_BOOTROM and arm-none-eabi-nm; `THINGFLOW_FIRMWARE_DIR` names
 * another firmware directory. `--write-docs` also writes what it printed into
 * docs/performance.md between its `<!-- bench:firmware-profile begin/end -->` markers.
 *
 * `--bytecodes 'scheduler: runDueTasks,running-avg: onNext'` prints instead, for
 * the lux demo's preloaded functions whose names end so, each XS instruction of
 * their code with its cycles per wake, in the interpreter and in the C it calls
 * (test/firmware/bytecode-profiler.ts), over the dawn board's wakes in steady
 * state: what a function-level row does not show (an array's `length` is a host
 * call, a `try` a malloc, a property the object lacks a walk to Object.prototype).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAWN_RUN_MS, STEADY_FROM_MS, dawnHost, nightHost } from '../test/firmware/night-host';
import type { CycleProfiler } from '../sim/emulator/rp2040-host';
import { elfFunctions, PcProfiler, type MarkedCounts, type ProfileRow } from '../test/firmware/pc-profiler';
import { interpreterIn, JsProfiler, jsCodeRanges, JS_C_SUFFIX } from '../test/firmware/js-profiler';
import { linkedHeap, linkedOutput } from './firmware-flash';
import { sampleWindows } from '../test/firmware/sample-windows';
import { printBenchReport } from './doc-block';
import { BytecodeProfiler } from '../test/firmware/bytecode-profiler';
import { decodeXsCode, xsCodeTable } from '../test/firmware/xs-bytecode';
import { elfBytes } from '../sim/emulator/elf-symbols';
import { readFileSync } from 'node:fs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = process.env.THINGFLOW_FIRMWARE_DIR ?? join(ROOT, 'out/firmware');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const NIGHT = process.argv.includes('--night');
const EMULATED_MS = NIGHT ? arg('--seconds', 125) * 1000 : DAWN_RUN_MS;
/** The samples whose LED switch is the event measured: every one on the night board, those in steady state on the dawn board. */
const EVENTS_FROM_MS = NIGHT ? 0 : STEADY_FROM_MS;
const TOP = arg('--top', 25);
const BYTECODES = process.argv.includes('--bytecodes') ? process.argv[process.argv.indexOf('--bytecodes') + 1] ?? '' : undefined;
const PICO_LED = 25;

type Row = ProfileRow;
interface Profile {
  /** Each event's wake in cycles: from the wake to the event, the event, from the event to sleep. */
  windows: string[];
  /** The samples that switch the LED: the sample-to-LED events. */
  perEvent: Row[]; eventCycles: number; events: number;
  samples: number;
  /** The rest of the wakes that hold a periodic sample: from the wake to the first I2C address, and from the window's end to the next wake. */
  before: Row[]; beforeCycles: number; after: Row[]; afterCycles: number;
  perWake: Row[]; wakeCycles: number; wakes: number;
}

function scale(rows: Row[], n: number): Row[] {
  return rows.map((r) => ({ name: r.name, cycles: r.cycles / n, calls: r.calls / n }));
}

function sum(lists: Row[][]): Row[] {
  const by = new Map<string, Row>();
  for (const list of lists) {
    for (const r of list) {
      const seen = by.get(r.name);
      if (seen) { seen.cycles += r.cycles; seen.calls += r.calls; } else by.set(r.name, { ...r });
    }
  }
  return [...by.values()].sort((a, b) => b.cycles - a.cycles);
}

async function profile(app: string, bootrom: string, makeProfiler: (elf: string) => MarkedCounts & CycleProfiler): Promise<Profile> {
  const uf2 = join(DIR, `${app}.pico.uf2`);
  const elf = join(DIR, `${app}.pico.elf`);
  const profiler = makeProfiler(elf);
  const host = NIGHT ? nightHost({ uf2, elf, bootrom }, profiler) : dawnHost({ uf2, elf, bootrom }, profiler);
  await host.runUntil(EMULATED_MS);
  const windows = sampleWindows(host, PICO_LED);
  const samples = windows.length;
  const events = windows.filter((w) => w.led && w.at >= EVENTS_FROM_MS);
  const eventRows = sum(events.map((w) => profiler.between(w.from, w.to)));
  const eventCycles = events.reduce((a, w) => a + w.to - w.from, 0) / Math.max(events.length, 1);
  // Each sample's wake: from the core leaving its WFE to waiting again (rp2040-host.ts timerWakes).
  const timerWakes = host.timerWakes();
  const wakeOf = (c: number) => timerWakes.find((w) => w.from <= c && c < w.to) ?? { from: c, to: c };
  const n = Math.max(samples, 1);
  const before = sum(windows.map((w) => profiler.between(wakeOf(w.from).from, w.from)));
  const after = sum(windows.map((w) => profiler.between(w.to, wakeOf(w.from).to)));
  const beforeCycles = windows.reduce((a, w) => a + w.from - wakeOf(w.from).from, 0) / n;
  const afterCycles = windows.reduce((a, w) => a + wakeOf(w.from).to - w.to, 0) / n;
  const wakes = timerWakes.length;
  const wakeRows = sum(timerWakes.map((w) => profiler.between(w.from, w.to)));
  const wakeCycles = timerWakes.reduce((a, w) => a + w.to - w.from, 0) / Math.max(wakes, 1);
  return {
    windows: events.map((w) => `${(w.from - wakeOf(w.from).from).toLocaleString('en')} + ${(w.to - w.from).toLocaleString('en')} + ${(wakeOf(w.from).to - w.to).toLocaleString('en')}`),
    perEvent: scale(eventRows, Math.max(events.length, 1)), eventCycles, events: events.length, samples,
    before: scale(before, n), beforeCycles, after: scale(after, n), afterCycles,
    perWake: scale(wakeRows, Math.max(wakes, 1)), wakeCycles, wakes,
  };
}

function table(title: string, floor: Row[], lux: Row[], floorTotal: number, luxTotal: number): string {
  const names: string[] = [];
  for (const r of lux.slice(0, TOP).concat(floor.slice(0, TOP))) if (!names.includes(r.name)) names.push(r.name);
  const f = new Map(floor.map((r) => [r.name, r]));
  const l = new Map(lux.map((r) => [r.name, r]));
  names.sort((a, b) => (l.get(b)?.cycles ?? 0) - (f.get(b)?.cycles ?? 0) - ((l.get(a)?.cycles ?? 0) - (f.get(a)?.cycles ?? 0)));
  const fmt = (r: Row | undefined) => (r === undefined ? '' : `${Math.round(r.cycles).toLocaleString('en')}`);
  const calls = (r: Row | undefined) => (r === undefined || r.calls === 0 ? '' : r.calls.toFixed(r.calls < 10 ? 1 : 0));
  const rows = [['function', 'floor cycles', 'calls', 'lux demo cycles', 'calls', 'lux - floor']];
  for (const n of names) {
    const a = f.get(n);
    const b = l.get(n);
    rows.push([n, fmt(a), calls(a), fmt(b), calls(b), Math.round((b?.cycles ?? 0) - (a?.cycles ?? 0)).toLocaleString('en')]);
  }
  rows.push(['(all)', Math.round(floorTotal).toLocaleString('en'), '', Math.round(luxTotal).toLocaleString('en'), '', Math.round(luxTotal - floorTotal).toLocaleString('en')]);
  return markdown(title, rows);
}

/** `rows` (the first is the header) as a Markdown table under `title`: names to the left, figures to the right. */
function markdown(title: string, rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return `${title}\n\n${line(rows[0])}\n|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|\n${rows.slice(1).map(line).join('\n')}\n`;
}

/** A JavaScript function's rows merged: its cycles in the interpreter and in the C it calls. */
interface JsRow { name: string; interpreter: number; c: number; calls: number }

function jsRows(rows: Row[]): JsRow[] {
  const by = new Map<string, JsRow>();
  for (const r of rows) {
    const inC = r.name.endsWith(JS_C_SUFFIX);
    const name = inC ? r.name.slice(0, -JS_C_SUFFIX.length) : r.name;
    const row = by.get(name) ?? { name, interpreter: 0, c: 0, calls: 0 };
    if (inC) row.c += r.cycles;
    else { row.interpreter += r.cycles; row.calls += r.calls; }
    by.set(name, row);
  }
  return [...by.values()].sort((a, b) => b.interpreter + b.c - a.interpreter - a.c);
}

function jsTable(title: string, rows: JsRow[], total: number): string {
  const cells = [['JavaScript function (module: name)', 'interpreter cycles', 'C cycles', 'all', 'calls']];
  for (const r of rows.slice(0, TOP)) {
    cells.push([r.name, Math.round(r.interpreter).toLocaleString('en'), Math.round(r.c).toLocaleString('en'), Math.round(r.interpreter + r.c).toLocaleString('en'), r.calls === 0 ? '' : r.calls.toFixed(r.calls < 10 ? 1 : 0)]);
  }
  const interpreter = rows.reduce((a, r) => a + r.interpreter, 0);
  cells.push(['(all)', Math.round(interpreter).toLocaleString('en'), Math.round(total - interpreter).toLocaleString('en'), Math.round(total).toLocaleString('en'), '']);
  return markdown(title, cells);
}

/** The same runs with the JavaScript profiler: per event and per wake, each app's JavaScript functions. */
async function javaScriptReport(bootrom: string): Promise<string> {
  const gone = ['floor', 'lux-demo'].filter((app) => !existsSync(linkedOutput(app)));
  if (gone.length > 0) return `(The JavaScript functions are left out: the XS linker's output of ${gone.map((app) => linkedOutput(app)).join(' and ')} is gone. Build the plain pico apps again, \`npm run firmware -- pico\`, then run this.)\n`;
  const byJs = (app: string) => (elf: string) => new JsProfiler(jsCodeRanges(elf, linkedHeap(linkedOutput(app))), interpreterIn(elf));
  let report = 'The same runs by JavaScript function (test/firmware/js-profiler.ts): each cycle goes to the function whose bytecode the core read last, in the interpreter (fxRunID) or in the C it calls (property lookups, host functions, the I2C driver and its wait on the wire). A module not preloaded (the floor\'s main) counts as one; a closure a preloaded module makes at run time runs from a copy of its code in RAM and counts as the function that called it.\n';
  for (const app of ['floor', 'lux-demo']) {
    const p = await profile(app, bootrom, byJs(app));
    report += `\n${jsTable(`${app}, per sample-to-LED event${NIGHT ? '' : ' in steady state'} (${p.events} of ${p.samples} samples), top ${TOP}:`, jsRows(p.perEvent), p.eventCycles)}`;
    report += `\n${jsTable(`${app}, per wake (${p.wakes}), top ${TOP}:`, jsRows(p.perWake), p.wakeCycles)}`;
  }
  return report;
}

/** `--bytecodes`: the named functions of the lux demo, instruction by instruction, per wake of the dawn board in steady state. */
async function bytecodeReport(bootrom: string, wanted: string[]): Promise<string> {
  const app = 'lux-demo';
  const elf = join(DIR, `${app}.pico.elf`);
  const linked = linkedOutput(app);
  if (!existsSync(linked)) return `(The XS linker's output ${linked} is gone: build the plain pico lux demo again, \`npm run firmware -- pico\`, then run this.)\n`;
  const heap = linkedHeap(linked);
  const code = jsCodeRanges(elf, heap);
  const watched = wanted.map((w) => {
    const found = code.functions.filter((f) => f.name.endsWith(w));
    if (found.length !== 1) throw new Error(`--bytecodes: ${found.length === 0 ? 'no' : 'more than one'} preloaded function of the ${app} named '${w}'${found.length === 0 ? '' : `: ${found.map((f) => f.name).join(', ')}`}`);
    return found[0];
  });
  const moddable = process.env.MODDABLE;
  if (moddable === undefined) throw new Error('--bytecodes: MODDABLE must name the SDK that built the firmware (its xs/sources/xsCommon.c has the opcode tables)');
  const table = xsCodeTable(readFileSync(join(moddable, 'xs/sources/xsCommon.c'), 'utf8'));
  const profiler = new BytecodeProfiler(code, interpreterIn(elf), watched);
  const host = dawnHost({ uf2: join(DIR, `${app}.pico.uf2`), elf, bootrom }, profiler);
  await host.runUntil(STEADY_FROM_MS);
  profiler.reset();
  const from = host.busyCycles;
  await host.runUntil(DAWN_RUN_MS);
  const wakes = host.timerWakes().filter((w) => w.from >= from).length;
  const { interpreter, c, start } = profiler.byteCycles();
  const per = (x: number) => Math.round(x / Math.max(wakes, 1)).toLocaleString('en');
  let report = `The ${app}'s functions by XS instruction, cycles per wake over the dawn board's ${wakes} wakes from ${STEADY_FROM_MS / 60_000} min to ${DAWN_RUN_MS / 60_000} min (each cycle to the byte the interpreter read last: XS reads the next opcode as it finishes an instruction, often before its work, so an instruction's C can show on the line after it; a closure made at run time runs from a copy in RAM and counts on the line that called it):\n`;
  for (const f of watched) {
    const rows = [['offset', 'instruction', 'operand', 'interpreter', 'C']];
    let totalI = 0;
    let totalC = 0;
    for (const ins of decodeXsCode(elfBytes(elf, f.start, f.end - f.start), table, (id) => heap.keyNames.get(id))) {
      let i = 0;
      let k = 0;
      for (let b = ins.offset; b < ins.offset + ins.size; b++) {
        i += interpreter[f.start - start + b] ?? 0;
        k += c[f.start - start + b] ?? 0;
      }
      totalI += i;
      totalC += k;
      rows.push([String(ins.offset), ins.name, ins.operand.length > 32 ? `${ins.operand.slice(0, 31)}…` : ins.operand, per(i), per(k)]);
    }
    rows.push(['', '(all)', '', per(totalI), per(totalC)]);
    report += `\n${markdown(`${f.name}: ${per(totalI + totalC)} cycles a wake`, rows)}`;
  }
  return report;
}

async function main(): Promise<number> {
  const bootrom = process.env.RP2040_BOOTROM;
  const missing = ['floor', 'lux-demo'].filter((a) => !existsSync(join(DIR, `${a}.pico.elf`)) || !existsSync(join(DIR, `${a}.pico.uf2`)));
  if (bootrom === undefined || !existsSync(bootrom) || missing.length > 0) {
    process.stdout.write(`bench:firmware-profile: not run: ${bootrom === undefined || !existsSync(bootrom) ? 'RP2040_BOOTROM (the B1 bootrom image); ' : ''}${missing.map((a) => `${join(DIR, a)}.pico.{uf2,elf} (npm run firmware)`).join('; ')}\n`);
    return 1;
  }
  if (BYTECODES !== undefined) {
    process.stdout.write(await bytecodeReport(bootrom, BYTECODES.split(',').map((n) => n.trim()).filter((n) => n.length > 0)));
    return 0;
  }
  const started = Date.now();
  const byFunction = (elf: string) => new PcProfiler(elfFunctions(elf));
  const floor = await profile('floor', bootrom, byFunction);
  const lux = await profile('lux-demo', bootrom, byFunction);
  // Printed, and with --write-docs written into docs/performance.md.
  let report = `${NIGHT ? 'The night board' : 'The dawn board (the events in steady state)'}: the events' wakes, wake to first I2C + sample-to-LED event + rest to sleep (cycles): floor ${floor.windows.join(', ')}; lux demo ${lux.windows.join(', ')}\n\n`;
  report += table(`Per sample-to-LED event (the ${floor.events} / ${lux.events} of ${floor.samples} / ${lux.samples} periodic samples that switch the LED${NIGHT ? '' : ' in steady state'}: first I2C address to the write), top ${TOP} of each:`, floor.perEvent, lux.perEvent, floor.eventCycles, lux.eventCycles);
  report += '\n';
  report += table('The samples\' wakes from leaving WFE to the first I2C address (mean per sample):', floor.before, lux.before, floor.beforeCycles, lux.beforeCycles);
  report += '\n';
  report += table('The samples\' wakes from the end of the window to WFE again (mean per sample):', floor.after, lux.after, floor.afterCycles, lux.afterCycles);
  report += '\n';
  report += table(`Per wake (${floor.wakes} / ${lux.wakes} wakes), top ${TOP} of each:`, floor.perWake, lux.perWake, floor.wakeCycles, lux.wakeCycles);
  report += `\n${EMULATED_MS / 1000} emulated s per app on the ${NIGHT ? 'night' : 'dawn'} board, ${((Date.now() - started) / 1000).toFixed(0)} s wall\n`;
  report += `\n${await javaScriptReport(bootrom)}`;
  printBenchReport(ROOT, 'bench:firmware-profile', 'docs/performance.md', report);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exitCode = 1; });
