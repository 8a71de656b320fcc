/**
 * The lux demo three ways: on Node, in a bare XS machine (xsnap), and as
 * Moddable pico firmware booted in rp2040js, whose I2C bus is the simulated
 * board (rp2040-host.ts). The board side prints the same lines in each way
 * (lux-scenario.ts): every I2C transaction with its bytes, and every LED
 * change, by second of board time; the three must agree line by line.
 *
 * Node and XS always run. The firmware runs when THINGFLOW_FIRMWARE_DIR and
 * RP2040_BOOTROM are set (firmware-test-env.ts); otherwise one line says
 * what is missing and those tests are skipped. rp2040js runs at 0.1-0.4x
 * real time here; jumping over the firmware's idle spin (rp2040-host.ts)
 * makes 130 emulated s take about 20 s of wall time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import * as runtime from '../../runtime/index';
import { BOARD_PINS, createSimDevice } from '../../sim/index';
import luxDemo from '../../examples/lux-demo-flow';
import { scenarioScript } from '../xs/xs-scenarios';
import { firmwareTestEnv } from './firmware-test-env';
import { ledLine, LUX_SCENARIOS, scenarios, transactionLine, type LuxRuntime, type LuxScenario } from './lux-scenario';
import { moddableIdle, Rp2040Host } from './rp2040-host';

const RUNNER = resolve(__dirname, '../xs/run-scenarios.mjs');
const names = Object.keys(scenarios);
const PICO_LED = 25;
/** Emulated time the firmware takes to reach its first I2C transaction: boot, USB enumeration and the 500 ms console wait (measured: 532 ms). */
const BOOT_ALLOWANCE_MS = 1500;

function onNode(name: string): string[] {
  const lines: string[] = [];
  const tf = { ...runtime, createSimDevice, BOARD_PINS, luxDemo } as unknown as LuxRuntime;
  try {
    scenarios[name](tf, (l) => lines.push(l));
  } catch (e: any) {
    lines.push(`THREW ${e && e.name}: ${e && e.message}`);
  }
  return lines;
}

async function onXs(): Promise<Record<string, string[]>> {
  const dir = mkdtempSync(join(tmpdir(), 'tf-fw-xs-'));
  try {
    const built = await build({
      entryPoints: [join(__dirname, 'xs/lux-bundle.ts')], bundle: true, format: 'iife', globalName: 'thingflow',
      target: 'es2022', platform: 'neutral', write: false, footer: { js: 'globalThis.thingflow = thingflow;' },
    });
    const bundle = join(dir, 'lux.xs.js');
    writeFileSync(bundle, built.outputFiles[0].text);
    const job = { bundle, script: scenarioScript(join(__dirname, 'lux-scenario.ts')), names, bare: true };
    const child = spawnSync(process.execPath, [RUNNER], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 64 << 20 });
    if (child.status !== 0) throw new Error(`XS runner failed: ${child.stderr}`);
    return JSON.parse(child.stdout).results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const i2cLines = (lines: string[]) => lines.filter((l) => /^\d+s i2c /.test(l));
const ledLines = (lines: string[]) => lines.filter((l) => /^\d+s LED /.test(l));

describe('the lux demo on Node and on XS', () => {
  let xs: Record<string, string[]>;
  beforeAll(async () => { xs = await onXs(); }, 120_000);

  test.each(names)('%s: XS shows exactly what Node shows', (name) => {
    const node = onNode(name);
    expect(node.some((l) => l.startsWith('THREW'))).toBe(false);
    expect(i2cLines(node).length).toBeGreaterThan(5);
    expect(xs[name]).toEqual(node);
  });

  test('the LED decisions follow the light: on at night at the second sample, off at noon, still off when a NACK costs that sample', () => {
    expect(ledLines(onNode('night: the LED comes on at the second light sample'))).toEqual(['0s LED off', '60s LED on']);
    expect(ledLines(onNode('noon: the LED stays off'))).toEqual(['0s LED off']);
    const faulty = onNode('tsl2591 NACKs from 30 s to 90 s: the light read in between is skipped');
    expect(i2cLines(faulty).filter((l) => l.endsWith(' nack')).length).toBeGreaterThan(0);
    expect(ledLines(faulty)).toEqual(['0s LED off']);
    const hung = onNode('the bus hangs from 50 s to 70 s: the light read in between times out and is skipped');
    expect(i2cLines(hung).filter((l) => l.endsWith(' timeout'))).toEqual(['60s i2c 0x29 write [b3] timeout']);
    expect(ledLines(hung)).toEqual(['0s LED off']);
  });
});

const env = firmwareTestEnv();
if (typeof env === 'string') console.log(env);
const firmware = typeof env === 'string' ? describe.skip : describe;

/** Boot the pico firmware on a board set up as `s` says; the board-side lines, as the scenario prints them. */
async function onFirmware(s: LuxScenario): Promise<{ lines: string[]; console: string[]; host: Rp2040Host }> {
  if (typeof env === 'string') throw new Error(env);
  const device = createSimDevice({ seed: s.seed, parts: 'standard', env: { startHour: s.startHour } });
  for (const [target, spec] of s.faults) device.board.fault(target, spec);
  // Jump over Moddable's idle spin (rp2040-host.ts `idleAt`): the emulation runs tens of times faster.
  const host = new Rp2040Host({
    uf2: env.uf2, bootrom: env.bootrom, board: device.board, inputs: { [BOARD_PINS.alert]: 6 },
    ...moddableIdle(env.elf), boardStartsWithApp: true,
  });
  // Board time starts when the app does (its first I2C transaction), as on Node where both start at 0.
  // The fault windows are in board time too.
  await host.runUntil(s.seconds * 1000 + BOOT_ALLOWANCE_MS);
  const first = host.bridges.flatMap((b) => b.transactions).sort((a, b) => a.t - b.t);
  const t0 = first.length > 0 ? first[0].t : 0;
  const lines: string[] = [];
  for (const tx of first) lines.push(transactionLine(tx.t - t0, tx.address, tx.op, tx.bytes, tx.result === 'hang' ? 'timeout' : tx.result));
  for (const g of host.gpioChanges) if (g.pin === PICO_LED) lines.push(ledLine(Math.max(0, g.t - t0), g.level));
  return { lines, console: host.consoleLines.map((c) => c.line), host };
}

firmware('the lux demo as pico firmware in rp2040js, its I2C bus the simulated board', () => {
  test('night: it boots, reads both sensors over the emulated I2C, and the LED follows the light as on Node and XS', async () => {
    const name = 'night: the LED comes on at the second light sample';
    const fw = await onFirmware(LUX_SCENARIOS[name]);
    const node = onNode(name);
    expect(fw.console.some((l) => l.startsWith('lux demo: light every 60 s'))).toBe(true);
    const addresses = new Set(fw.host.bridges.flatMap((b) => b.transactions).map((t) => t.address));
    expect([...addresses].sort()).toEqual([0x29, 0x48]);
    expect(fw.host.bridges.reduce((n, b) => n + b.mismatches, 0)).toBe(0);
    expect(fw.host.idleSkips).toBeGreaterThan(0);
    expect(ledLines(fw.lines)).toEqual(ledLines(node));
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);

  test('a NACK from the simulated TSL2591 reaches the firmware through the emulated bus: that sample is skipped, as on Node', async () => {
    const name = 'tsl2591 NACKs from 30 s to 90 s: the light read in between is skipped';
    const fw = await onFirmware(LUX_SCENARIOS[name]);
    const node = onNode(name);
    expect(i2cLines(fw.lines).filter((l) => l.endsWith(' nack')).length).toBeGreaterThan(0);
    expect(ledLines(fw.lines)).toEqual(ledLines(node));
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);

  test('a hung bus (a device holding SDA) reaches the firmware: its transfer stalls, the read fails and is skipped, as on Node', async () => {
    const name = 'the bus hangs from 50 s to 70 s: the light read in between times out and is skipped';
    const fw = await onFirmware(LUX_SCENARIOS[name]);
    const node = onNode(name);
    expect(i2cLines(fw.lines).filter((l) => l.endsWith(' timeout'))).toEqual(['60s i2c 0x29 write [b3] timeout']);
    expect(ledLines(fw.lines)).toEqual(ledLines(node));
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);

  test('a stuck TSL2591 reaches the firmware: the frozen illuminance, read at the gains the driver steps to, is the same bytes as on Node', async () => {
    const name = 'noon, the TSL2591 reading stuck from 30 s: the driver reads a frozen illuminance';
    const fw = await onFirmware(LUX_SCENARIOS[name]);
    const node = onNode(name);
    expect(i2cLines(fw.lines).filter((l) => / i2c 0x29 read \[.. .. .. ..\]/.test(l))).toHaveLength(2);
    expect(ledLines(fw.lines)).toEqual(ledLines(node));
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);
});
