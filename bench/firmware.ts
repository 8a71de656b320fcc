/**
 * Figures from the metal (`npm run bench:firmware [-- --reuse]`): the lux demo
 * as Moddable pico firmware against a bare Moddable app (hello) and the same
 * app written by hand against Moddable's APIs (floor), all three built the
 * same way (`npm run firmware`, release, Moddable's default `"strip": "*"`,
 * the same `creation`):
 *
 * - flash and RAM from `arm-none-eabi-size -A` of each .elf, the XS heap and
 *   stack from the manifest's `creation`, and each app's share of flash over
 *   hello; under the table, where the lux demo's flash goes: its preloaded
 *   modules (from the XS linker's mc.xs.c) and the C code of the built-ins it
 *   links over the floor (bench/firmware-flash.ts);
 * - CPU cycles on the emulated Cortex-M0+ at 125 MHz (rp2040js counts them),
 *   booted with the simulated board on its I2C bus for an hour (night, so the
 *   LED comes on at the second light sample, the running average's window
 *   still filling, the flash cache cold), and again on the dawn board (the LED
 *   goes off 44 min in: the event in steady state, the window full, the cache
 *   warm from the wakes before), each transfer taking its time on the
 *   wire as on the chip (sim/emulator/i2c-bridge.ts; the event's wire time
 *   and the cycles off the wire are rows of their own) and each read of
 *   flash through the XIP cache, a miss stalling the core
 *   (sim/emulator/xip-cache.ts; its share is a row too): cycles from each sample's first I2C
 *   address to its last stop or LED write (it holds the flow only when the
 *   sample ends in a gain change or an LED change); cycles per wake, from the
 *   core leaving its WFE to waiting again (both firmwares sleep between
 *   wakes, manifests/pico-port.json): the whole sample-to-LED event on a
 *   board, the port's turn around its main loop included; the share of the
 *   run the core slept; and the time awake over the hour at the lux demo's
 *   60 s period (its timer wakes: light samples, every fifth with the
 *   temperature's), measured, not a few wakes multiplied;
 * - under the table, the lux demo on a Pico W (pico/pico_w, its CYW43 radio
 *   modelled; with no SSID, and joined to the emulated Wi-Fi) against the
 *   plain pico's, once booted: wakes a second and time awake per hour, what
 *   the radio and its network stack add; and the fleet device on a Pico W
 *   connected to a broker in this process (aedes) through the emulated Wi-Fi,
 *   an hour of its MQTT at work: a networked app's wakes and time awake.
 *   `npm run bench:firmware-profile` shows where those cycles go.
 *
 * Needs the SDKs (tools/firmware-env.ts) and RP2040_BOOTROM; prints one line
 * naming what is missing otherwise. `--reuse` takes already built firmware
 * from out/firmware/ instead of building (each build takes minutes);
 * `--sizes-only` skips the emulation; `--seconds N` emulates N s per app on
 * the night board (3600: an hour);
 * `--write-docs` also writes what it printed into docs/performance.md, between
 * its `<!-- bench:firmware begin/end -->` markers (the run's date and commit
 * above it; the page's history of earlier runs is left as it is).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:net';
import { DAWN_RUN_MS, STEADY_FROM_MS, dawnHost, nightHost, wifiHost } from '../test/firmware/night-host';
import { startEmbeddedBroker } from '../hosts/node/mqtt-broker';
import { RP2040_CLOCK_HZ, type Rp2040Host } from '../sim/emulator/rp2040-host';
import { sampleWindows, type SampleWindow } from '../test/firmware/sample-windows';
import { buildFirmware } from '../tools/firmware';
import { printBenchReport } from './doc-block';
import { flashRows, linkedCRows, linkedFlash, linkedOutput, SLOT_BYTES } from './firmware-flash';
import { appObjectsDir } from '../tools/build-settings';
import { binutil, firmwareStem, missingLine, moddableBuildDir } from '../tools/firmware-env';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where firmware is built to and, with `--reuse`, read from (THINGFLOW_FIRMWARE_DIR: another set, e.g. an older build to compare). */
const OUT = process.env.THINGFLOW_FIRMWARE_DIR ?? join(ROOT, 'out/firmware');
const APPS = [
  { name: 'hello', manifest: join(ROOT, 'bench/firmware/hello/manifest.json') },
  { name: 'floor', manifest: join(ROOT, 'bench/firmware/floor/manifest.json') },
  { name: 'lux-demo', manifest: join(ROOT, 'manifests/lux-demo/manifest.json') },
] as const;
/**
 * Emulated time per app on the night board: boot, the set-up sample, the 60 s sample at which the LED comes on, and
 * the rest of the hour, so that the wakes and the time awake are an hour's (`--seconds N`: another span). The
 * emulator passes the core's sleep at once: an hour takes seconds of wall time.
 */
const secondsArg = process.argv.indexOf('--seconds');
const EMULATED_MS = (secondsArg >= 0 ? Number(process.argv[secondsArg + 1]) : 3600) * 1000;
const PICO_LED = 25;

interface Sizes { text: number; rodata: number; data: number; bss: number; flash: number; ram: number }

function sizes(elf: string): Sizes {
  const tool = binutil('size');
  const r = spawnSync(tool, ['-A', elf], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`arm-none-eabi-size failed: ${r.stderr}`);
  const s: Sizes = { text: 0, rodata: 0, data: 0, bss: 0, flash: 0, ram: 0 };
  for (const line of r.stdout.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+(\d+)/.exec(line);
    if (m === null) continue;
    const name = m[1];
    const size = Number(m[2]);
    const addr = Number(m[3]);
    const inFlash = addr >= 0x10000000 && addr < 0x20000000;
    if (name === '.text') s.text += size;
    else if (name === '.rodata') s.rodata += size;
    else if (name === '.data') s.data += size;
    else if (name === '.bss') s.bss += size;
    if (inFlash) s.flash += size;
    if (name === '.data') s.flash += size; // loaded from flash
    if (addr >= 0x20000000 && addr < 0x20042000 && !/stack|heap/.test(name)) s.ram += size;
  }
  return s;
}

/** The mean of `f` over `items`; NaN for none. */
function meanOf<T>(items: readonly T[], f: (x: T) => number): number {
  return items.length > 0 ? items.reduce((a, x) => a + f(x), 0) / items.length : NaN;
}

/** `busyCycles` at 125 MHz over `overMs` of emulated time, as ms awake in an hour. */
function msPerHour(busyCycles: number, overMs: number): number {
  return (busyCycles / RP2040_CLOCK_HZ) * 1000 * (3_600_000 / overMs);
}

/** Sample-to-LED events: how many, and their mean cycles from the first I2C address to the LED write. */
interface Events {
  events: number; perEvent: number;
  /** Of those, the mean cycles the event's transactions were on the wire (the core polling the bus). */
  wirePerEvent: number;
  /** Of those, the mean cycles the core stalled on XIP flash-cache misses. */
  xipPerEvent: number;
}

/**
 * The events among `windows`: the samples whose window ends at the LED write (a pin written to the level it has
 * is no change), where it holds the whole event, the reads, the driver, the flow and the write.
 */
function eventFigures(host: Rp2040Host, windows: readonly SampleWindow[]): Events {
  const led = windows.filter((w) => w.led);
  return {
    events: led.length,
    perEvent: meanOf(led, (w) => w.to - w.from),
    wirePerEvent: meanOf(led, (w) => w.wire),
    xipPerEvent: meanOf(led, (w) => host.xipStallCycles(w.from, w.to)),
  };
}

interface Cycles extends Events {
  samples: number; perSample: number; perSampleMax: number;
  /** Of a wake's cycles, those the core stalled on XIP flash-cache misses; the misses of the whole run. */
  xipPerWake: number; xipMisses: number; xipAccesses: number; missCycles: number;
  ledAt: number | undefined; wakes: number; perWake: number; asleep: number; busyMs: number; bootMs: number;
  /** The busy cycles of every timer wake of the run, as ms at 125 MHz in an hour. */
  awakeMsPerHour: number;
}

/** The sample-to-LED events in steady state (on the dawn board, STEADY_FROM_MS or later), and when the first came. */
interface Steady extends Events { at: number | undefined }

async function steady(uf2: string, elf: string, bootrom: string): Promise<Steady> {
  const host = dawnHost({ uf2, elf, bootrom });
  await host.runUntil(DAWN_RUN_MS);
  const late = sampleWindows(host, PICO_LED).filter((w) => w.at >= STEADY_FROM_MS);
  return { ...eventFigures(host, late), at: late.find((w) => w.led)?.at };
}

async function emulate(uf2: string, elf: string, bootrom: string): Promise<Cycles> {
  // Both firmwares sleep between wakes (manifests/pico-port.json): the host waits out each WFE at once.
  const host = nightHost({ uf2, elf, bootrom });
  await host.runUntil(EMULATED_MS);
  const txs = host.bridges.flatMap((b) => b.transactions).sort((a, b) => a.t - b.t);
  const windows = sampleWindows(host, PICO_LED);
  const spans = windows.map((w) => w.to - w.from);
  const led = host.gpioChanges.filter((g) => g.pin === PICO_LED);
  const totalNanos = host.emulatedMs * 1e6;
  const timerWakes = host.timerWakes();
  const wakes = timerWakes.length;
  // Busy cycles from leaving a WFE to the next: a scheduler wake's whole cost, boot excluded.
  const wakeCycles = timerWakes.reduce((a, w) => a + w.to - w.from, 0);
  return {
    samples: spans.length,
    perSample: meanOf(spans, (x) => x),
    perSampleMax: spans.length > 0 ? Math.max(...spans) : NaN,
    ...eventFigures(host, windows),
    xipPerWake: meanOf(timerWakes, (w) => host.xipStallCycles(w.from, w.to)),
    xipMisses: host.xip.misses,
    xipAccesses: host.xip.accesses,
    missCycles: host.xip.misses > 0 ? host.xip.stallCycles / host.xip.misses : NaN,
    ledAt: led.find((l) => l.level === 1)?.t,
    wakes,
    perWake: wakes > 0 ? wakeCycles / wakes : NaN,
    asleep: host.waitingNanos / totalNanos,
    busyMs: (host.busyCycles / RP2040_CLOCK_HZ) * 1000,
    bootMs: txs.length > 0 ? txs[0].t : NaN,
    awakeMsPerHour: msPerHour(wakeCycles, EMULATED_MS),
  };
}

/**
 * The window of `idle`: from 10 s after reset (booted, a Pico W's radio up, the first sample taken) for an hour. The
 * two minutes it was until 2026-12-07 overstated an hour: the first minutes after boot cost more than the rest (the
 * Pico W joined to the Wi-Fi woke 1.43 times a second over them, 1.03 over the hour).
 */
const IDLE_FROM_MS = 10_000;
const IDLE_MS = 3_600_000;

interface Idle { wakesPerSecond: number; awakeMsPerHour: number }

/**
 * What a board that sleeps between its samples is awake for once booted: its wakes a second and its busy cycles as ms an
 * hour, over IDLE_MS. The lux demo on the plain pico, and on a Pico W (`radio`: its CYW43 modelled), with no SSID given or
 * (`joined`) on the emulated Wi-Fi with its address by DHCP: lwIP's timers run only while they have work
 * (hosts/moddable/pico/lwip-timers.c), and those that age what the network brings from its first use on, in batches
 * of a minute while no frame goes out.
 */
async function idle(files: { uf2: string; elf: string }, radio: 'none' | 'no SSID' | 'joined'): Promise<Idle> {
  const more = radio === 'none' ? {} : radio === 'no SSID' ? { radio: 'cyw43' as const } : { radio: 'cyw43' as const, network: { connect: () => undefined } };
  const host = nightHost({ ...files, bootrom: process.env.RP2040_BOOTROM! }, undefined, more);
  await host.runUntil(IDLE_FROM_MS);
  if (radio === 'joined' && host.lan?.leases !== 1) throw new Error(`bench:firmware: the lux demo built with an SSID took ${host.lan?.leases ?? 0} DHCP leases in ${IDLE_FROM_MS} ms, not 1`);
  const [sleeps, busy] = [host.sleeps.length, host.busyCycles];
  await host.runUntil(IDLE_FROM_MS + IDLE_MS);
  return {
    wakesPerSecond: (host.sleeps.length - sleeps) / (IDLE_MS / 1000),
    awakeMsPerHour: msPerHour(host.busyCycles - busy, IDLE_MS),
  };
}

/** The fleet device's window: from a minute after reset (joined, connected to the broker, its first readings published) for IDLE_MS. */
const CONNECTED_FROM_MS = 60_000;
/** The fleet device's Wi-Fi and broker, as its firmware test builds it (the emulated LAN's gateway relays port 1883 here). */
const FLEET_SETTINGS = ['ssid=thingflow-emulated', 'password=emulated-wifi', 'mqtt.host=10.0.0.1'];

/**
 * A networked app at work: the fleet device on a Pico W, joined to the emulated Wi-Fi and connected over it to a
 * broker in this process (aedes), publishing its light at QoS 1 every minute and its Web Thing's values. Its wakes
 * a second and awake time an hour, as `idle` counts them: with a connection open lwIP's TCP timer runs every 250 ms.
 */
async function connected(files: { uf2: string; elf: string }): Promise<Idle> {
  const broker = await startEmbeddedBroker({ port: 0 });
  const relayed: Socket[] = [];
  try {
    const { host } = wifiHost({ ...files, bootrom: process.env.RP2040_BOOTROM! }, broker.port, relayed);
    // In steps of 100 emulated ms, the broker answering in between (a real one, in this process).
    const runTo = async (ms: number) => {
      while (host.emulatedMs < ms && !host.halted) {
        await host.runUntil(Math.min(ms, host.emulatedMs + 100));
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    await runTo(CONNECTED_FROM_MS);
    if (relayed.length !== 1) throw new Error(`bench:firmware: the fleet device made ${relayed.length} connections to the broker in ${CONNECTED_FROM_MS} ms, not 1`);
    const [sleeps, busy] = [host.sleeps.length, host.busyCycles];
    await runTo(CONNECTED_FROM_MS + IDLE_MS);
    if (relayed.length !== 1) throw new Error(`bench:firmware: the fleet device reconnected (${relayed.length} connections): not the steady connection this measures`);
    return { wakesPerSecond: (host.sleeps.length - sleeps) / (IDLE_MS / 1000), awakeMsPerHour: msPerHour(host.busyCycles - busy, IDLE_MS) };
  } finally {
    for (const socket of relayed) socket.destroy();
    await broker.close();
  }
}

/** An app's firmware for `target` in `out`: the files there with `--reuse`, else built with `settings` (and said so). */
async function firmwareFor(app: string, target: string, manifest: string, out: string, reuse: boolean, settings: string[] = []): Promise<{ uf2: string; elf: string }> {
  const stem = firmwareStem(app, target);
  const files = { uf2: join(out, `${stem}.uf2`), elf: join(out, `${stem}.elf`) };
  if (reuse && existsSync(files.uf2) && existsSync(files.elf)) return files;
  const b = await buildFirmware(target, manifest, { out, settings, log: () => {} });
  process.stdout.write(`built ${app} for ${target}${settings.length > 0 ? ` (${settings.join(' ')})` : ''} in ${b.seconds.toFixed(0)} s\n`);
  return { uf2: b.uf2!, elf: b.elf! };
}

function creation(manifest: string): { heapSlots: number; chunkBytes: number; stackSlots: number } {
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { creation: { heap: { initial: number }; chunk: { initial: number }; stack: number } };
  return { heapSlots: m.creation.heap.initial, chunkBytes: m.creation.chunk.initial, stackSlots: m.creation.stack };
}

/**
 * The XS modules (.xsb) linked into an app: all of them, and those of this
 * project (thingflow/), as the makefile mcconfig wrote lists them for xsl
 * (the modules folder also keeps the .xsb of modules an earlier build had).
 */
function xsModules(app: string): { all: number; ours: number; oursBytes: number } {
  const tmp = appObjectsDir(moddableBuildDir(), 'pico', app, false);
  const out = { all: 0, ours: 0, oursBytes: 0 };
  const makefile = join(tmp, 'makefile');
  if (!existsSync(makefile)) return out;
  const block = /^MODULES =\\\n((?:\t[^\n]*\\?\n)*)/m.exec(readFileSync(makefile, 'utf8'))?.[1] ?? '';
  for (const m of block.matchAll(/\$\(MODULES_DIR\)\/(\S+\.xsb)/g)) {
    out.all++;
    if (m[1].startsWith('thingflow/') || m[1].startsWith('thingflow-')) {
      out.ours++;
      out.oursBytes += statSync(join(tmp, 'modules', m[1])).size;
    }
  }
  return out;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return `${line(rows[0])}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.slice(1).map(line).join('\n')}\n`;
}

async function main(): Promise<number> {
  const missing = [missingLine('pico'), process.env.RP2040_BOOTROM === undefined || !existsSync(process.env.RP2040_BOOTROM) ? 'RP2040_BOOTROM (the B1 bootrom image)' : undefined].filter((x) => x !== undefined);
  if (missing.length > 0) {
    process.stdout.write(`bench:firmware: not run: ${missing.join('; ')}\n`);
    return 1;
  }
  const reuse = process.argv.includes('--reuse');
  const built: { [name: string]: { uf2: string; elf: string } } = {};
  for (const app of APPS) built[app.name] = await firmwareFor(app.name, 'pico', app.manifest, OUT, reuse);
  // The lux demo for a Pico W, for its idle figures (under the table): with no SSID, and given the emulated Wi-Fi's, where it
  // joins and takes its address by DHCP (in out/firmware/joined: the same file name).
  const picoW = await firmwareFor('lux-demo', 'pico/pico_w', APPS[2].manifest, OUT, reuse);
  const picoWJoined = await firmwareFor('lux-demo', 'pico/pico_w', APPS[2].manifest, join(OUT, 'joined'), reuse, ['ssid=thingflow-emulated', 'password=emulated-wifi']);
  const fleetDevice = await firmwareFor('fleet-device', 'pico/pico_w', join(ROOT, 'manifests/fleet-device/manifest.json'), OUT, reuse, FLEET_SETTINGS);
  const size = Object.fromEntries(APPS.map((a) => [a.name, sizes(built[a.name].elf)]));
  const started = Date.now();
  const cycles: { [name: string]: Cycles } = {};
  const steadyCycles: { [name: string]: Steady } = {};
  // --sizes-only: the flash/RAM rows without the minutes of emulation.
  const emulated = !process.argv.includes('--sizes-only');
  if (emulated) {
    for (const name of ['floor', 'lux-demo']) {
      cycles[name] = await emulate(built[name].uf2, built[name].elf, process.env.RP2040_BOOTROM!);
      steadyCycles[name] = await steady(built[name].uf2, built[name].elf, process.env.RP2040_BOOTROM!);
    }
  }
  const wallS = (Date.now() - started) / 1000;

  const rows: string[][] = [['', 'hello (bare Moddable)', 'floor (by hand)', 'lux demo (runtime)', 'runtime / floor']];
  const row = (label: string, f: (n: string) => string, ratio?: string) => rows.push([label, f('hello'), f('floor'), f('lux-demo'), ratio ?? '']);
  row('.text bytes', (n) => size[n].text.toLocaleString('en'));
  row('.rodata bytes', (n) => size[n].rodata.toLocaleString('en'));
  row('.data bytes', (n) => size[n].data.toLocaleString('en'));
  row('.bss bytes', (n) => size[n].bss.toLocaleString('en'));
  row('flash (text+rodata+data+boot)', (n) => kb(size[n].flash), `+${kb(size['lux-demo'].flash - size.floor.flash)}`);
  row('flash over hello', (n) => kb(size[n].flash - size.hello.flash));
  row('static RAM (data+bss)', (n) => kb(size[n].ram), `+${kb(size['lux-demo'].ram - size.floor.ram)}`);
  const mods = Object.fromEntries(APPS.map((a) => [a.name, xsModules(a.name)]));
  row('XS modules compiled (all / this project\'s)', (n) => `${mods[n].all} / ${mods[n].ours}`);
  row('this project\'s bytecode (.xsb bytes)', (n) => mods[n].oursBytes.toLocaleString('en'));
  const c = (n: string) => creation(APPS.find((a) => a.name === n)!.manifest);
  row('XS heap (creation)', (n) => `${c(n).heapSlots} slots + ${kb(c(n).chunkBytes)} chunks`);
  row('XS stack (creation)', (n) => `${c(n).stackSlots} slots`);
  if (emulated) {
    const cy = (n: string, f: (x: Cycles) => string) => (n === 'hello' ? '' : f(cycles[n]));
    row('periodic samples emulated', (n) => cy(n, (x) => String(x.samples)));
    row('sample-to-LED events (samples that switch the LED)', (n) => cy(n, (x) => String(x.events)));
    row('cycles per sample-to-LED event at boot (first I2C address to the LED write; the 60 s sample: the average\'s window filling, a gain step, the flash cache cold)', (n) => cy(n, (x) => Math.round(x.perEvent).toLocaleString('en')), `${(cycles['lux-demo'].perEvent / cycles.floor.perEvent).toFixed(2)}x`);
    row('of which the I2C transfers on the wire (400 kHz; the core polls the bus)', (n) => cy(n, (x) => Math.round(x.wirePerEvent).toLocaleString('en')));
    row('of which stalled on XIP flash-cache misses (the core waits for a line from the QSPI flash)', (n) => cy(n, (x) => Math.round(x.xipPerEvent).toLocaleString('en')));
    row('cycles per sample-to-LED event off the wire (the event less its wire time: the CPU\'s own work)', (n) => cy(n, (x) => Math.round(x.perEvent - x.wirePerEvent).toLocaleString('en')), `${((cycles['lux-demo'].perEvent - cycles['lux-demo'].wirePerEvent) / (cycles.floor.perEvent - cycles.floor.wirePerEvent)).toFixed(2)}x`);
    const st = (n: string, f: (x: Steady) => string) => (n === 'hello' ? '' : f(steadyCycles[n]));
    const steadyAt = steadyCycles['lux-demo'].at;
    row(`cycles per sample-to-LED event in steady state (the dawn board's, ${steadyAt === undefined ? 'none found' : `${Math.floor(steadyAt / 60_000)} min in`}: the window full, the cache warm)`, (n) => st(n, (x) => Math.round(x.perEvent).toLocaleString('en')), `${(steadyCycles['lux-demo'].perEvent / steadyCycles.floor.perEvent).toFixed(2)}x`);
    row('of which on the wire / stalled on XIP flash-cache misses', (n) => st(n, (x) => `${Math.round(x.wirePerEvent).toLocaleString('en')} / ${Math.round(x.xipPerEvent).toLocaleString('en')}`));
    // The stalls move with the image's flash layout (±1,500 cycles an event from a change elsewhere): this row does not.
    const steadyWork = (x: Steady) => x.perEvent - x.xipPerEvent;
    row(`the steady event less its stalls (the core's own work: what a change to the code moves)`, (n) => st(n, (x) => Math.round(steadyWork(x)).toLocaleString('en')), `${(steadyWork(steadyCycles['lux-demo']) / steadyWork(steadyCycles.floor)).toFixed(2)}x`);
    row('cycles per sample window (first I2C address to last stop or LED write, mean; bus and driver only where the LED stays)', (n) => cy(n, (x) => Math.round(x.perSample).toLocaleString('en')), `${(cycles['lux-demo'].perSample / cycles.floor.perSample).toFixed(2)}x`);
    row('cycles per sample (max)', (n) => cy(n, (x) => Math.round(x.perSampleMax).toLocaleString('en')));
    row('µs per sample-to-LED event at 125 MHz', (n) => cy(n, (x) => ((x.perEvent / RP2040_CLOCK_HZ) * 1e6).toFixed(0)));
    // A light sample's wake is the whole event on a board (the temperature sample shares every fifth wake).
    row(`awake per hour (the busy cycles of the run's timer wakes${EMULATED_MS === 3_600_000 ? '' : ', scaled to an hour'})`, (n) => cy(n, (x) => `${x.awakeMsPerHour.toFixed(1)} ms`), `${(cycles['lux-demo'].awakeMsPerHour / cycles.floor.awakeMsPerHour).toFixed(2)}x`);
    row('core asleep (WFI/WFE) over the run', (n) => cy(n, (x) => `${(x.asleep * 100).toFixed(2)} %`));
    row('cycles executed over the run (ms at 125 MHz)', (n) => cy(n, (x) => x.busyMs.toFixed(0)));
    row('timer wakes / busy cycles per wake (WFE to WFE)', (n) => cy(n, (x) => (x.wakes > 0 ? `${x.wakes} / ${Math.round(x.perWake).toLocaleString('en')}` : 'no wake measured')), `${(cycles['lux-demo'].perWake / cycles.floor.perWake).toFixed(2)}x`);
    row('of a wake, stalled on XIP flash-cache misses', (n) => cy(n, (x) => Math.round(x.xipPerWake).toLocaleString('en')), `${(cycles['lux-demo'].xipPerWake / cycles.floor.xipPerWake).toFixed(2)}x`);
    const wakeWork = (x: Cycles) => x.perWake - x.xipPerWake;
    row(`a wake less its stalls (the core's own work)`, (n) => cy(n, (x) => Math.round(wakeWork(x)).toLocaleString('en')), `${(wakeWork(cycles['lux-demo']) / wakeWork(cycles.floor)).toFixed(2)}x`);
    row('XIP cache over the run: reads of flash, misses (cycles each)', (n) => cy(n, (x) => `${x.xipAccesses.toLocaleString('en')}, ${x.xipMisses.toLocaleString('en')} (${x.missCycles.toFixed(0)})`));
    row('LED on at (emulated ms)', (n) => cy(n, (x) => (x.ledAt !== undefined ? x.ledAt.toFixed(0) : 'never')));
    row('first I2C transaction at (ms after reset)', (n) => cy(n, (x) => x.bootMs.toFixed(0)));
  }
  // Printed, and with --write-docs written into docs/performance.md.
  let report = table(rows);
  if (emulated) report += `\n${EMULATED_MS / 1000} emulated s per app on the night board and ${DAWN_RUN_MS / 1000} s on the dawn board, ${wallS.toFixed(0)} s wall for all four runs\n`;
  if (emulated) {
    const plain = await idle(built['lux-demo'], 'none');
    const radio = await idle(picoW, 'no SSID');
    const joined = await idle(picoWJoined, 'joined');
    const idleRows = [[`lux demo, once booted (from ${IDLE_FROM_MS / 1000} s, for ${IDLE_MS / 60_000} min)`, 'pico', 'pico/pico_w (radio up, no SSID)', 'pico/pico_w (Wi-Fi joined, DHCP)', 'pico_w / pico (no SSID, joined)']];
    idleRows.push(['wakes a second', plain.wakesPerSecond.toFixed(2), radio.wakesPerSecond.toFixed(2), joined.wakesPerSecond.toFixed(2), `${(radio.wakesPerSecond / plain.wakesPerSecond).toFixed(0)}x, ${(joined.wakesPerSecond / plain.wakesPerSecond).toFixed(0)}x`]);
    idleRows.push(['awake per hour (busy cycles at 125 MHz)', `${plain.awakeMsPerHour.toFixed(1)} ms`, `${radio.awakeMsPerHour.toFixed(1)} ms`, `${joined.awakeMsPerHour.toFixed(1)} ms`, `${(radio.awakeMsPerHour / plain.awakeMsPerHour).toFixed(1)}x, ${(joined.awakeMsPerHour / plain.awakeMsPerHour).toFixed(1)}x`]);
    report += `\nThe same app on a Pico W, its radio up: lwIP's timers run only while they have work, on one grid, those that age what the network brings from its first use on, in batches of a minute while no frame goes out (hosts/moddable/pico/lwip-timers.c; lwIP's own woke the core 12 times a second, joined or not, and its aging timers every second once joined); the radio's bus sleeps on one timer (radio-bus-sleep.c), and the app runs the XS interpreter's loop from SRAM, as it asks (THINGFLOW_XS_IN_SRAM):\n\n${table(idleRows)}`;
    const fleet = await connected(fleetDevice);
    const fleetRows = [[`fleet device on a Pico W, connected (from ${CONNECTED_FROM_MS / 1000} s, for ${IDLE_MS / 60_000} min)`, 'wakes a second', 'awake per hour (busy cycles at 125 MHz)', 'awake / the plain pico lux demo\'s']];
    fleetRows.push(['MQTT to a broker here over the emulated Wi-Fi: its light at QoS 1 and its Web Thing\'s values every minute', fleet.wakesPerSecond.toFixed(2), `${fleet.awakeMsPerHour.toFixed(1)} ms`, `${(fleet.awakeMsPerHour / plain.awakeMsPerHour).toFixed(0)}x`]);
    report += `\nA networked app at work: with a connection open, lwIP's TCP timer runs every 250 ms (docs/moddable.md, lwIP's timers):\n\n${table(fleetRows)}`;
  }
  // Where the lux demo's flash goes, from what the XS linker wrote (mc.xs.c in mcconfig's build tree).
  if (existsSync(linkedOutput('lux-demo')) && existsSync(linkedOutput('floor'))) {
    const rowsFlash = flashRows(linkedFlash(linkedOutput('lux-demo')), linkedFlash(linkedOutput('floor')), (m) => m.startsWith('thingflow'));
    report += `\nThe lux demo's preloaded modules (${SLOT_BYTES}-byte slots; a function's slots are its own chain and the property holding it):\n\n${table(rowsFlash)}`;
  } else {
    // The XS linker's output is in mcconfig's build tree, outside this repository: another machine, or a tree deleted since, has none.
    report += '\n(The lux demo\'s preloaded modules are left out: mcconfig\'s build tree of its plain pico build, or the floor\'s, is gone. Build it again, `npm run firmware -- pico`, then run this.)\n';
  }
  const rowsC = linkedCRows(built.floor.elf, built['lux-demo'].elf);
  report += `\nC code and tables the lux demo links and the floor does not (.text and named .rodata; the XS linker keeps a built-in that linked code names, and the tables its code reads):\n\n${table(rowsC)}`;
  printBenchReport(ROOT, 'bench:firmware', 'docs/performance.md', report);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exitCode = 1; });
