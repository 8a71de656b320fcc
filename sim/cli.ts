#!/usr/bin/env node
/**
 * `thingflow-xs sim <app>`: run an app on the simulated board and plot it.
 * `thingflow-xs fleet <app>`: run it on a fleet of boards against one broker (sim/fleet-cli.ts).
 * `thingflow-xs firmware <target> <app>`: build it as firmware with the Moddable SDK (tools/firmware.ts).
 * `thingflow-xs emulate <firmware.uf2>`: boot that firmware in an emulated Pico on the simulated board (sim/emulate-cli.ts).
 * `npm start` runs `sim examples/lux-demo.ts` from source (`node --import tsx`).
 *
 * Exit codes: 0 the run completed; 1 it failed or could not start; 2 a usage
 * error; 130 stopped by Ctrl-C before its end (see HELP in cli-args.ts).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setErrorReporter } from '../runtime/core/report-error';
import { HELP, parseCliArgs, UsageError, type CliArgs } from './cli-args';
import { formatSummary, progressLine } from './cli-summary';
import { formatDuration } from './duration';
import { runSimulation, type SimApp, type SimRunResult } from './run';
import { formatSpan, realTimeEstimateMs, SimOptionsError } from './run-bounds';
import { describeError } from './run-failures';
import { fleetMain } from './fleet-cli';
import { loadAppModule } from './load-app';
import { packageRootOf } from './package-root';
import { parseReplaySpec, recordingApp, replayingApp } from './record-replay-app';
import { tracingApp } from './tracing-app';

export { formatSummary } from './cli-summary';
export { parseCliArgs as parseArgs } from './cli-args';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/**
 * Ctrl-C ends the run where it got to (summary and plot follow); a second Ctrl-C quits at once.
 * One Ctrl-C can arrive more than once: the terminal signals the whole process group (npm, tsx,
 * node) and tsx relays it again when its child is slow to acknowledge, so repeats within a second count once.
 */
function stopOnInterrupt(say: (m: string) => void): { readonly aborted: boolean; release(): void } {
  const state = { aborted: false, release: () => process.removeListener('SIGINT', onInterrupt) };
  let firstAt = 0;
  function onInterrupt(): void {
    if (state.aborted) {
      if (Date.now() - firstAt > SAME_INTERRUPT_MS) process.exit(EXIT_INTERRUPTED);
      return;
    }
    state.aborted = true;
    firstAt = Date.now();
    say('\nCtrl-C: stopping the run; summary and plot follow (Ctrl-C again quits at once)');
  }
  process.on('SIGINT', onInterrupt);
  return state;
}

const SAME_INTERRUPT_MS = 1000;

/** Say how long a paced run will last, so nobody waits without knowing for what. */
function announcePacing(a: CliArgs): string | undefined {
  if (a.speed === Infinity) return undefined;
  const realMs = realTimeEstimateMs(a.durationMs, a.speed);
  if (a.untilInterrupted) {
    return `Serving until Ctrl-C: ${a.speed}x (a simulated day every ${formatSpan(86_400_000 / a.speed)}), at most ${formatSpan(a.durationMs)} simulated (${formatSpan(realMs)} real)`;
  }
  const end = new Date(Date.now() + realMs).toISOString().slice(11, 19);
  return `Paced at ${a.speed}x: ${formatDuration(a.durationMs)} simulated takes about ${formatSpan(realMs)}, until ${end} UTC; Ctrl-C stops early with a summary and plot`;
}

/** An error from the system (a port in use, a host not found): one line says it all. */
function isSystemError(e: unknown): e is Error & { code: string } {
  const code = (e as { code?: unknown } | undefined)?.code;
  return e instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

async function run(a: CliArgs): Promise<number> {
  let app = await loadAppModule<SimApp>(a.app);
  // --record, --replay and --trace wrap the app: the app itself is not changed.
  for (const spec of a.replays) app = replayingApp(app, parseReplaySpec(spec));
  if (a.record) app = recordingApp(app, a.record);
  if (a.trace !== undefined) app = tracingApp(app, a.trace);
  // Held until the summary and the plot are written: a repeat of the same Ctrl-C must not cut them short.
  const interrupt = stopOnInterrupt((m) => process.stdout.write(`${m}\n`));
  try {
    return await runAndReport(a, app, interrupt);
  } finally {
    interrupt.release();
  }
}

async function runAndReport(a: CliArgs, app: SimApp, interrupt: { readonly aborted: boolean }): Promise<number> {
  const out = (m: string) => process.stdout.write(`${m}\n`);
  const tty = process.stdout.isTTY === true;
  let lastMark = -1;
  // Errors no handler caught are listed in the summary; as they happen, one line each (no stack).
  setErrorReporter((message, error) => process.stderr.write(`thingflow: ${message.replace(/^thingflow: /, '').replace(/:\s*$/, '')}: ${describeError(error)}\n`));
  const pacing = announcePacing(a);
  if (pacing) out(pacing);
  let result: SimRunResult;
  try {
    result = await runSimulation(app, {
      durationMs: a.durationMs,
      speed: a.speed,
      seed: a.seed,
      startHour: a.startHour,
      faults: a.faults,
      presses: a.presses,
      options: a.options,
      signal: interrupt,
      title: `${basename(a.app)} on the simulated board`,
      log: out,
      progressEveryMs: tty ? 80 : 1000,
      onProgress: a.quiet ? undefined : (p) => {
        if (tty) return void process.stdout.write(`\r${progressLine(p, a.startHour, a.untilInterrupted)}`);
        // Without a terminal: a line per tenth of the run, or per simulated 3 h when it runs until Ctrl-C.
        const mark = a.untilInterrupted ? Math.floor(p.simulatedMs / 10_800_000) : Math.floor((p.simulatedMs / p.durationMs) * 10);
        if (mark > lastMark) {
          lastMark = mark;
          out(progressLine(p, a.startHour, a.untilInterrupted));
        }
      },
    });
  } catch (e) {
    if (e instanceof SimOptionsError) throw new UsageError(e.message);
    if (isSystemError(e)) {
      process.stderr.write(`thingflow-xs: the run could not start: ${e.message}\n`);
      return EXIT_FAILED;
    }
    throw e;
  } finally {
    setErrorReporter(undefined);
  }
  if (tty && !a.quiet) process.stdout.write('\n');
  out(formatSummary(result, a.seed, { untilInterrupted: a.untilInterrupted }));
  if (a.plot) {
    const path = resolve(a.plot);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, result.svg);
    out(`Plot written to ${path}`);
  }
  if (result.failures.length > 0 && !a.allowErrors) {
    out(`The run failed (${result.failures.length} failure${result.failures.length === 1 ? '' : 's'} above): exit code ${EXIT_FAILED} (--allow-errors exits 0)`);
    return EXIT_FAILED;
  }
  if (result.interrupted && !a.untilInterrupted) return EXIT_INTERRUPTED;
  return EXIT_OK;
}

/** Run the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'fleet') return await fleetMain(argv);
    if (argv[0] === 'firmware') return await firmwareMain(argv.slice(1));
    if (argv[0] === 'emulate') return await emulateVerb(argv.slice(1));
    const args = parseCliArgs(argv);
    if (args === 'help') {
      process.stdout.write(HELP);
      return EXIT_OK;
    }
    return await run(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const verb = argv[0] === 'fleet' || argv[0] === 'emulate' ? argv[0] : 'sim';
    process.stderr.write(`thingflow-xs: ${e.message}\n(thingflow-xs ${verb} --help lists the options)\n`);
    return EXIT_USAGE;
  }
}

// Run when executed directly (tsx sim/cli.ts, node dist/cli.js, the npm bin), not when imported by tests.
const invoked = process.argv[1] ? resolve(process.argv[1]) : '';
const self = typeof __filename === 'string' ? __filename : new URL(import.meta.url).pathname;

/**
 * `thingflow-xs firmware`: tools/firmware.ts, loaded only for this verb (it
 * needs TypeScript, as mcconfig does). The package's root is found from this
 * file, wherever the build put it (sim/ in a checkout, dist/chunks/
 * installed): an app outside a checkout builds with the installed package's
 * runtime and manifests.
 */
async function firmwareMain(argv: string[]): Promise<number> {
  let firmware: typeof import('../tools/firmware');
  try {
    firmware = await import('../tools/firmware');
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    process.stderr.write(`thingflow-xs firmware: ${(e as Error).message}\n(it needs TypeScript in your project, as mcconfig does: npm install --save-dev typescript@~5.9)\n`);
    return EXIT_FAILED;
  }
  return firmware.main(argv, { packageRoot: packageRootOf(self) });
}
/** `thingflow-xs emulate`: sim/emulate-cli.ts, loaded only for this verb (it brings the RP2040 emulator). Ctrl-C ends the run where it got to, with its summary. */
async function emulateVerb(argv: string[]): Promise<number> {
  const { emulateMain } = await import('./emulate-cli');
  const interrupt = stopOnInterrupt((m) => process.stdout.write(`${m}\n`));
  try {
    return await emulateMain(argv, { packageRoot: packageRootOf(self), signal: interrupt });
  } finally {
    interrupt.release();
  }
}
if (invoked && (invoked === self || /(?:^|[\\/])(cli\.[cm]?[jt]s|thingflow-xs)$/.test(invoked))) {
  // The process ends with the run: a timer or socket the app left open must not keep it alive.
  const exit = (code: number) => process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  main(process.argv.slice(2)).then(exit, (e) => {
    // Not bad input: a bug in the app or here. Its stack helps.
    process.stderr.write(`thingflow-xs: ${(e as Error).stack ?? String(e)}\n`);
    exit(EXIT_FAILED);
  });
}
