#!/usr/bin/env node
/**
 * `thingflow-xs sim <app>`: run an app on the simulated board and plot it.
 * `npm start` runs `sim examples/lux-demo.ts` through tsx.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatClock, formatDuration, parseDuration } from './duration';
import { parseFault } from './faults';
import { runSimulation, type SimApp, type SimProgress, type SimRunResult } from './run';

const HELP = `Usage: thingflow-xs sim <app> [options]

Runs <app> on a simulated board (TSL2591 0x29, TMP102 0x48, MCP9808 0x18,
ADXL345 0x53, BH1750 0x23 on I2C; LED on pin 2) with a virtual clock, then prints a summary
and writes an SVG plot. <app> is a module (.js, or .ts) whose default export
receives { device, scheduler, clock, board, plot, options, log }.

Options:
  --duration <time>   simulated time to run, e.g. 24h, 90m, 1h30m (default 24h)
  --speed <n|max>     simulated seconds per real second (default max: as fast as possible;
                      600 when --mqtt or --wot-port is given)
  --realtime          same as --speed 1
  --start <HH:MM>     time of day the run starts (default 00:00)
  --seed <n>          seed for clouds and sensor noise (default 1)
  --fault <spec>      inject a fault; repeatable. <device>:<kind>[@<from>[-<to>|+<length>]][,p=<chance>][,x=<size>]
                      device: tmp102 | mcp9808 | tsl2591 | adxl345 | bh1750 | 0x48 | bus
                      kind:   nack | dropout | stuck | spike | hang
                      e.g.  --fault tmp102:nack@6h-7h  --fault tsl2591:spike,p=0.02  --fault bus:hang@15h+10m
  --plot <file.svg>   where to write the plot (default out/<app>.svg)
  --no-plot           do not write a plot
  --quiet             no progress line
  --<name> <value>    anything else is passed to the app in options (e.g. --mqtt embedded, --wot-port 8888)
  -h, --help          this help
`;

interface CliArgs {
  app: string;
  durationMs: number;
  speed: number;
  startHour: number;
  seed: number;
  faults: string[];
  plot: string | undefined;
  quiet: boolean;
  options: Record<string, string | boolean>;
}

class UsageError extends Error {}

/** Default speed when the app talks to the network (--mqtt, --wot-port): a day in 2.4 minutes. */
const NETWORKED_SPEED = 600;

export function parseArgs(argv: string[]): CliArgs | 'help' {
  const args = [...argv];
  if (args[0] === 'sim') args.shift();
  if (args.length === 0 || args.includes('-h') || args.includes('--help') || args[0] === 'help') return 'help';
  let app: string | undefined;
  let speedGiven = false;
  const out: Omit<CliArgs, 'app'> = { durationMs: 86_400_000, speed: Infinity, startHour: 0, seed: 1, faults: [], plot: '', quiet: false, options: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--duration': out.durationMs = parseDuration(value()); break;
      case '--speed': {
        speedGiven = true;
        const v = value();
        out.speed = v === 'max' ? Infinity : Number(v);
        if (!(out.speed > 0)) throw new UsageError(`--speed must be a positive number or max, got ${v}`);
        break;
      }
      case '--realtime': speedGiven = true; out.speed = 1; break;
      case '--start': {
        const m = /^(\d{1,2}):(\d{2})$/.exec(value());
        if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new UsageError('--start takes HH:MM');
        out.startHour = Number(m[1]) + Number(m[2]) / 60;
        break;
      }
      case '--seed': out.seed = Number(value()); if (!Number.isInteger(out.seed)) throw new UsageError('--seed takes an integer'); break;
      case '--fault': { const f = value(); parseFault(f); out.faults.push(f); break; }
      case '--plot': out.plot = value(); break;
      case '--no-plot': out.plot = undefined; break;
      case '--quiet': out.quiet = true; break;
      default:
        if (a.startsWith('--')) {
          const next = args[i + 1];
          out.options[a.slice(2)] = next === undefined || next.startsWith('--') ? true : (i++, next);
        } else if (app === undefined) app = a;
        else throw new UsageError(`unexpected argument '${a}'`);
    }
  }
  if (!app) throw new UsageError('no app given');
  // With servers or brokers attached, a day in a fraction of a second leaves nothing to watch: pace it.
  if (!speedGiven && (out.options.mqtt !== undefined || out.options['wot-port'] !== undefined)) out.speed = NETWORKED_SPEED;
  if (out.plot === '') out.plot = `out/${basename(app, extname(app))}.svg`;
  return { app, ...out };
}

/**
 * Import the app module. A TypeScript app needs a loader: under `tsx sim/cli.ts`
 * (npm start) tsx is already there; from the built `dist/cli.js` the CLI
 * registers tsx's ESM hooks (tsx/esm/api) before importing, when tsx is installed.
 */
async function loadApp(path: string): Promise<SimApp> {
  const url = pathToFileURL(resolve(path)).href;
  const selfIsTypeScript = /\.ts$/.test(typeof __filename === 'string' ? __filename : new URL(import.meta.url).pathname);
  if (/\.[cm]?tsx?$/.test(path) && !selfIsTypeScript) {
    let api: { register: () => unknown };
    try {
      api = (await import('tsx/esm/api')) as { register: () => unknown };
    } catch {
      throw new UsageError(`${path} is TypeScript: install tsx (npm i -D tsx) or compile the app to .js first`);
    }
    api.register();
  }
  const mod = (await import(url)) as { default?: unknown };
  if (typeof mod.default !== 'function') throw new UsageError(`${path} has no default export function (ctx) => ...`);
  return mod.default as SimApp;
}

function progressLine(p: SimProgress, startHour: number): string {
  const frac = p.durationMs ? p.simulatedMs / p.durationMs : 1;
  const width = 24;
  const filled = Math.round(frac * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const clock = formatClock(startHour * 3_600_000 + p.simulatedMs);
  return `  ${clock} [${bar}] ${String(Math.round(frac * 100)).padStart(3)}%  wakes ${p.wakes}  events ${p.events}  LED switchings ${p.ledSwitchings}`;
}

export function formatSummary(r: SimRunResult, seed: number): string {
  const lines = [`Simulated ${formatDuration(r.durationMs)} in ${(r.realMs / 1000).toFixed(2)} s real time (seed ${seed})`];
  const per = r.series.map((s) => `${s.name} ${s.events}${s.errors ? `, ${s.errors} errors` : ''}`).join('; ');
  lines.push(`  events:        ${r.events}${per ? ` (${per})` : ''}`);
  for (const led of r.leds) {
    lines.push(`  LED pin ${led.pin}:     ${led.switchings} switching${led.switchings === 1 ? '' : 's'}, on for ${formatDuration(led.onMs)}, now ${led.state ? 'on' : 'off'}`);
  }
  if (r.leds.length === 0) lines.push('  LEDs:          none written');
  lines.push(`  wakes:         ${r.wakes} (times a board would leave sleep)${r.missedDeadlines ? `, ${r.missedDeadlines} missed deadlines` : ''}`);
  lines.push(`  I2C:           ${r.i2c.transactions} transactions, ${r.i2c.errors} failed`);
  const struck = r.faults.filter((f) => Object.values(f.counts).some((n) => n > 0));
  for (const f of struck) {
    const what = Object.entries(f.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
    lines.push(`  faults:        ${f.device} (0x${f.address.toString(16)}): ${what}`);
  }
  if (r.busHangs) lines.push(`  faults:        bus hung for ${r.busHangs} transactions`);
  if (r.fatalError) lines.push(`  STOPPED:       ${String(r.fatalError)}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`thingflow-xs: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const a = args;
  const tty = process.stdout.isTTY === true;
  let lastDecile = -1;
  const app = await loadApp(a.app);
  const result = await runSimulation(app, {
    durationMs: a.durationMs,
    speed: a.speed,
    seed: a.seed,
    startHour: a.startHour,
    faults: a.faults,
    options: a.options,
    title: `${basename(a.app)} on the simulated board`,
    log: (m) => process.stdout.write(`${m}\n`),
    progressEveryMs: tty ? 80 : 1000,
    onProgress: a.quiet ? undefined : (p) => {
      if (tty) process.stdout.write(`\r${progressLine(p, a.startHour)}`);
      else {
        const decile = Math.floor((p.simulatedMs / p.durationMs) * 10);
        if (decile > lastDecile) {
          lastDecile = decile;
          process.stdout.write(`${progressLine(p, a.startHour)}\n`);
        }
      }
    },
  });
  if (tty && !a.quiet) process.stdout.write('\n');
  process.stdout.write(`${formatSummary(result, a.seed)}\n`);
  if (a.plot) {
    const path = resolve(a.plot);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, result.svg);
    process.stdout.write(`Plot written to ${path}\n`);
  }
  return result.fatalError ? 1 : 0;
}

// Run when executed directly (tsx sim/cli.ts, node dist/cli.js, the npm bin), not when imported by tests.
const invoked = process.argv[1] ? resolve(process.argv[1]) : '';
const self = typeof __filename === 'string' ? __filename : new URL(import.meta.url).pathname;
if (invoked && (invoked === self || /(?:^|[\\/])(cli\.[cm]?[jt]s|thingflow-xs)$/.test(invoked))) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => {
      // Bad input (an unknown device in --fault, a bad option value) is a message; anything else gets its stack.
      const usage = e instanceof UsageError || e instanceof RangeError;
      process.stderr.write(`thingflow-xs: ${usage ? e.message : (e as Error).stack ?? String(e)}\n`);
      process.exitCode = usage ? 2 : 1;
    },
  );
}
