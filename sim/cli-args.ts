/**
 * The command line of `thingflow-xs sim`, read by Node's own `util.parseArgs`
 * in strict mode: an unknown flag, a flag without its value, a value where none
 * belongs are errors (exit code 2), never guesses. Values are checked here, so a
 * run starts only with options it can honour.
 */
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { basename, extname } from 'node:path';
import { parseDuration } from './duration';
import { checkFaultWithin, parseFault } from './faults';
import { parseReplaySpec } from './record-replay-app';
import { checkRunBounds, formatSpan, MAX_RUN_MS, MAX_SPEED, MIN_SPEED } from './run-bounds';
import { PRESS_HOLD_MS } from './push-button';

export const HELP = `Usage: thingflow-xs sim <app> [options]

Runs <app> on a simulated board (TSL2591 0x29, TMP102 0x48, MCP9808 0x18,
ADXL345 0x53, BH1750 0x23 on I2C; LED on pin 2) with a virtual clock, then prints a summary
and writes an SVG plot. <app> is a module (.js, or .ts) whose default export
receives { device, scheduler, clock, board, plot, options, durationMs, log, fail }.

Options:
  --duration <time>   simulated time to run, with a unit: 24h, 90m, 1h30m, 2d, 30s, 1500ms
                      (default 24h; at most ${formatSpan(MAX_RUN_MS)})
  --speed <n|max>     simulated seconds per real second, ${MIN_SPEED} to ${MAX_SPEED}, or max: as fast
                      as possible (default max; 600 when --mqtt or --wot-port is given)
  --realtime          same as --speed 1
  --start <HH:MM>     time of day the run starts (default 00:00)
  --seed <n>          seed for clouds and sensor noise, 0 to 4294967295 (default 1)
  --fault <spec>      inject a fault; repeatable. <device>:<kind>[@<from>[-<to>|+<length>]][,p=<chance>][,x=<size>]
                      device: tmp102 | mcp9808 | tsl2591 | adxl345 | bh1750 | 0x48 | bus
                      kind:   nack | dropout | stuck | spike | hang
                      e.g.  --fault tmp102:nack@6h-7h  --fault tsl2591:spike,p=0.02  --fault bus:hang@15h+10m
  --press <time>[,<time>...]
                      a finger presses the board's button (pin 0, to ground) at each time after the
                      start, holding it ${PRESS_HOLD_MS} ms, with contact bounce; repeatable. e.g. --press 1s,2.5s,1m
  --plot <file.svg>   where to write the plot (default out/<app>.svg)
  --no-plot           do not write a plot
  --quiet             no progress line
  --mqtt <target>     passed to the app as options.mqtt: embedded, or mqtt://host[:port]
  --wot-port <n>      passed to the app as options['wot-port']: serve on port n (0: any free port)
  --option <k>=<v>    any other option for the app, as options[k] (repeatable)
  --record <file>     record every sensor's events to <file> (.csv: ThingFlow's CSV; .jsonl: JSON Lines)
  --replay <part>[:<sensorId>]=<file>
                      a recording stands in for a part's model (tmp102, mcp9808, tsl2591, bh1750);
                      repeatable. Replaying a recording reproduces the recorded run's outputs
  --trace [<file>]    print every event crossing every connection of the flow (ThingFlow's trace),
                      with its simulated time and ports; to <file> when given (--trace=- : the console)
  --allow-errors      exit 0 even when a stream ended with an error or the app reported a failure
  -h, --help          this help

How long a run lasts: at --speed max, as long as the app takes (the lux demo: a day in
about 0.1 s). Paced, duration / speed of real time (24h at 600: 2m24s), printed at the start.
With --wot-port, a paced run without --duration serves until Ctrl-C (at most ${formatSpan(MAX_RUN_MS)}
of simulated time). Ctrl-C stops any run early and still prints the summary and writes the plot;
a second Ctrl-C quits at once.

The same app as firmware: thingflow-xs firmware <pico | pico/pico_w | pico/pico_2_w | esp32> <app> builds it
with the Moddable SDK (MODDABLE, PICO_SDK_DIR, ... in the environment; another board of the SDK
as pico/<board> or esp32/<board>, e.g. pico/xiao_rp2040); on a board import the
runtime from 'thingflow-xs/runtime'. thingflow-xs emulate <firmware.uf2> boots the built image in an
emulated Pico on this simulated board. thingflow-xs fleet <app> runs it on a fleet of boards.

Exit codes: 0 the run completed; 1 the run failed (a stream ended with an error, the
scheduler stopped, the app reported a failure such as a broker never reached) or could not
start (a port in use); 2 a usage error (a bad option or value, no such app file);
130 stopped by Ctrl-C before its end (0 for a run that serves until Ctrl-C).
`;

/** A command line the CLI cannot run: the message, then exit code 2. */
export class UsageError extends Error {}

export interface CliArgs {
  app: string;
  durationMs: number;
  /** True when the run serves until Ctrl-C (--wot-port, paced, no --duration); `durationMs` is then its bound. */
  untilInterrupted: boolean;
  speed: number;
  startHour: number;
  seed: number;
  faults: string[];
  /** `--press`: when a finger presses the board's button, ms after the start, in order. */
  presses: number[];
  plot: string | undefined;
  quiet: boolean;
  allowErrors: boolean;
  options: Record<string, string | boolean>;
  /** `--record <file>`, `--replay <spec>` (checked), `--trace <file | ->`. */
  record: string | undefined;
  replays: string[];
  trace: string | undefined;
}

const OPTIONS = {
  duration: { type: 'string' },
  speed: { type: 'string' },
  realtime: { type: 'boolean' },
  start: { type: 'string' },
  seed: { type: 'string' },
  fault: { type: 'string', multiple: true },
  press: { type: 'string', multiple: true },
  plot: { type: 'string' },
  'no-plot': { type: 'boolean' },
  quiet: { type: 'boolean' },
  mqtt: { type: 'string' },
  'wot-port': { type: 'string' },
  option: { type: 'string', multiple: true },
  record: { type: 'string' },
  replay: { type: 'string', multiple: true },
  trace: { type: 'string' },
  'allow-errors': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Default speed when the app talks to the network (--mqtt, --wot-port): a day in 2.4 minutes. */
export const NETWORKED_SPEED = 600;

const DEFAULT_DURATION_MS = 86_400_000;

/** Read `sim <app> [options]`; `'help'` when help was asked for (or nothing given). */
export function parseCliArgs(argv: string[]): CliArgs | 'help' {
  const args = argv[0] === 'sim' ? argv.slice(1) : argv;
  if (args.length === 0 || args[0] === 'help') return 'help';
  const parsed = parseStrict(args, OPTIONS);
  const v = parsed.values;
  if (v.help) return 'help';
  const [app, ...extra] = parsed.positionals;
  if (!app) throw new UsageError('no app given (thingflow-xs sim <app.ts> [options])');
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}': one app at a time, and every option starts with --`);
  if (v.plot !== undefined && v['no-plot']) throw new UsageError('--plot and --no-plot contradict each other: give one');
  if (v.speed !== undefined && v.realtime) throw new UsageError('--speed and --realtime contradict each other: give one');

  const options: Record<string, string | boolean> = {};
  for (const o of v.option ?? []) {
    const eq = o.indexOf('=');
    const key = eq < 0 ? o : o.slice(0, eq);
    if (!key) throw new UsageError(`--option takes <name>=<value>, got '${o}'`);
    options[key] = eq < 0 ? true : o.slice(eq + 1);
  }
  if (v.mqtt !== undefined) options.mqtt = checkMqttTarget(v.mqtt);
  if (v['wot-port'] !== undefined) options['wot-port'] = checkPort(v['wot-port']);

  const networked = v.mqtt !== undefined || v['wot-port'] !== undefined;
  // With servers or brokers attached, a day in a fraction of a second leaves nothing to watch: pace it.
  const speed = v.realtime ? 1 : v.speed !== undefined ? readSpeed(v.speed) : networked ? NETWORKED_SPEED : Infinity;
  const untilInterrupted = v.duration === undefined && v['wot-port'] !== undefined && speed !== Infinity;
  const durationMs = v.duration !== undefined ? readDuration(v.duration) : untilInterrupted ? MAX_RUN_MS : DEFAULT_DURATION_MS;
  try {
    checkRunBounds(durationMs, speed);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const faults = readFaults(v.fault ?? [], durationMs);
  return {
    app,
    durationMs,
    untilInterrupted,
    speed,
    startHour: v.start !== undefined ? readStart(v.start) : 0,
    seed: v.seed !== undefined ? readSeed(v.seed) : 1,
    faults,
    presses: readPresses(v.press ?? [], durationMs),
    plot: v['no-plot'] ? undefined : v.plot ?? `out/${basename(app, extname(app))}.svg`,
    quiet: v.quiet === true,
    allowErrors: v['allow-errors'] === true,
    options,
    record: v.record !== undefined ? checkRecordingPath(v.record, '--record') : undefined,
    replays: (v.replay ?? []).map(checkReplay),
    trace: v.trace,
  };
}

function checkRecordingPath(path: string, flag: string): string {
  if (!/\.(csv|jsonl)$/.test(path)) throw new UsageError(`${flag} takes a .csv or .jsonl file, got '${path}'`);
  return path;
}

function checkReplay(spec: string): string {
  try {
    const parsed = parseReplaySpec(spec);
    checkRecordingPath(parsed.path, '--replay');
    if (!existsSync(parsed.path)) throw new UsageError(`--replay: no such file: ${parsed.path}`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const message = (e as Error).message;
    throw new UsageError(message.startsWith('--replay') ? message : `--replay: ${message}`);
  }
  return spec;
}

export function readDuration(text: string): number {
  try {
    return parseDuration(text, { requireUnit: true });
  } catch (e) {
    throw new UsageError(`--duration: ${(e as Error).message}`);
  }
}

/** `--press` values: times after the start, each inside the run, in order. */
export function readPresses(values: string[], durationMs: number): number[] {
  const at: number[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      let ms: number;
      try {
        ms = parseDuration(part, { requireUnit: true });
      } catch (e) {
        throw new UsageError(`--press: ${(e as Error).message}`);
      }
      if (ms + PRESS_HOLD_MS >= durationMs) throw new UsageError(`--press ${part.trim()}: the press (held ${PRESS_HOLD_MS} ms) must end before the run does (${formatSpan(durationMs)})`);
      at.push(ms);
    }
  }
  return at.sort((a, b) => a - b);
}

export function readSpeed(text: string): number {
  if (text === 'max') return Infinity;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--speed takes a number from ${MIN_SPEED} to ${MAX_SPEED}, or max; got '${text}'`);
  return n;
}

export function readStart(text: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new UsageError(`--start takes HH:MM (00:00 to 23:59), got '${text}'`);
  return Number(m[1]) + Number(m[2]) / 60;
}

export function readSeed(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n <= 0xffff_ffff)) throw new UsageError(`--seed takes a whole number from 0 to 4294967295, got '${text}'`);
  return n;
}

/** A TCP port, echoing what was given when it is not one. */
function checkPort(text: string): string {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n <= 65535)) throw new UsageError(`--wot-port takes a port number from 0 to 65535 (0: any free port), got '${text}'`);
  return String(n);
}

/** `embedded`, `mqtt://host[:port]` or `host[:port]`: the shape is checked here; whether a broker answers, during the run. */
function checkMqttTarget(text: string): string {
  const bad = (why: string) => new UsageError(`--mqtt takes embedded or mqtt://host[:port], got '${text}': ${why}`);
  if (text === 'embedded') return text;
  if (text.trim() === '') throw bad('it is empty');
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `mqtt://${text}`);
  } catch {
    throw bad('not a host or URL');
  }
  if (url.protocol !== 'mqtt:') throw bad(`${url.protocol.slice(0, -1)}:// is not supported (plain MQTT over TCP only)`);
  if (!url.hostname) throw bad('no host');
  if (url.pathname !== '' && url.pathname !== '/') throw bad('a broker URL has no path');
  return text;
}

const FLAGS = Object.keys(OPTIONS).map((k) => `--${k}`);

/**
 * `util.parseArgs` in strict mode with positionals, as every verb reads its command line: an
 * unknown flag, a flag without its value, a value where none belongs are a `UsageError` saying so.
 */
export function parseStrict<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(explainParseError(e as Error & { code?: string }, Object.keys(options).map((k) => `--${k}`)));
  }
}

/** `--fault` values, each one a fault the board takes that strikes within the run. */
export function readFaults(values: string[], durationMs: number): string[] {
  for (const f of values) {
    try {
      checkFaultWithin(parseFault(f, { requireUnit: true }).spec, durationMs, f);
    } catch (e) {
      throw new UsageError(`--fault: ${(e as Error).message}`);
    }
  }
  return values;
}

/** Node's parseArgs messages, said for this command: the flag, what was wrong, a near flag when there is one. */
export function explainParseError(e: Error & { code?: string }, flags: string[] = FLAGS): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = nearestFlag(flag.replace(/=.*$/, ''), flags);
    return `unknown option '${flag}'${near ? ` (did you mean ${near}?)` : ''}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(e.message)) return `${flag} takes no value`;
    return `${flag} needs a value${/ambiguous/.test(e.message) ? ` (a value starting with - goes as ${flag}=-...)` : ''}`;
  }
  return e.message;
}

function nearestFlag(flag: string, flags: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3; // more than two edits away is another word
  for (const f of flags) {
    const d = editDistance(flag, f);
    if (d < bestDistance) {
      best = f;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
