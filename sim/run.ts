import { reportError } from '../runtime/core/report-error';
import { Scheduler } from '../runtime/scheduler/scheduler';
import { VirtualClock } from '../runtime/scheduler/virtual-clock';
import type { SimBoard } from './board';
import { boardOutcome, faultSpans, injectFaults, ledPanels, nightSpans, type BoardOutcome } from './board-run';
import { createSimDevice, type SimDevice } from './device';
import type { EnvironmentOptions } from './environment';
import type { I2cBusStats } from './i2c-bus';
import { renderPlot } from './plot';
import { PlotRecorder } from './plot-recorder';
import { checkRunBounds } from './run-bounds';
import { RunFailures } from './run-failures';
import { ScriptedPresses } from './push-button';

/** What an app receives: the same `device` shape as on a board, plus the simulation's extras. */
export interface SimAppContext {
  device: SimDevice;
  scheduler: Scheduler;
  clock: VirtualClock;
  board: SimBoard;
  /** Streams to draw in the plot. */
  plot: PlotRecorder;
  /** Extra command-line options (`--mqtt`, `--wot-port`, ...), as given. */
  options: Record<string, string | boolean>;
  durationMs: number;
  log(message: string): void;
  /**
   * Say the run failed (a broker never reached, a check that did not hold): the
   * run goes on to its end, the summary lists `reason`, and the CLI exits 1.
   */
  fail(reason: string): void;
}

/**
 * A simulated app: a module's default export. It wires things and schedules
 * them; the runner calls `scheduler.run()` and drives the clock. It may return
 * (or resolve to) a function called after the run, to close connections.
 */
export type SimApp = (ctx: SimAppContext) => void | (() => void | Promise<void>) | Promise<void | (() => void | Promise<void>)>;

export interface SimRunOptions {
  /** Simulated time to run (default a day). */
  durationMs?: number;
  /** Simulated ms per real ms; `Infinity` (default) runs as fast as possible, 1 is real time. */
  speed?: number;
  seed?: number;
  /** Hour of day the run starts at (default 0). */
  startHour?: number;
  env?: EnvironmentOptions;
  /** Fault specs, e.g. `tmp102:nack@6h-7h` (see `parseFault`). */
  faults?: string[];
  /** When a finger presses the board's button (`device.pin.button`), ms after the start (`--press`). */
  presses?: number[];
  /** Put the standard parts on the bus (default true). */
  standardParts?: boolean;
  options?: Record<string, string | boolean>;
  /** Called about every `progressEveryMs` of real time, and once at the end. */
  onProgress?: (p: SimProgress) => void;
  progressEveryMs?: number;
  log?: (message: string) => void;
  /** The plot's title. */
  title?: string;
  /** Real milliseconds now (default `Date.now`); for pacing. */
  realNow?: () => number;
  /** Let the host run (timers, sockets) for `ms` real milliseconds. */
  sleep?: (ms: number) => Promise<void>;
  /** Ends the run early, at the simulated time reached, when `aborted` turns true (an `AbortSignal` will do). */
  signal?: { readonly aborted: boolean };
}

export interface SimProgress {
  simulatedMs: number;
  durationMs: number;
  wakes: number;
  events: number;
  ledSwitchings: number;
}

export interface SimRunResult {
  /** Simulated time the run covered: `plannedMs`, or less when `signal` stopped it. */
  durationMs: number;
  plannedMs: number;
  /** True when `signal` ended the run before `plannedMs`. */
  interrupted: boolean;
  /** One line per failure: streams that ended with an error, unhandled errors, what the app reported through `fail`. */
  failures: string[];
  /** Wakes the clock delivered: how often a board would have left sleep. */
  wakes: number;
  /** Events recorded on tracked streams. */
  events: number;
  series: { name: string; events: number; errors: number }[];
  leds: BoardOutcome['leds'];
  i2c: I2cBusStats;
  faults: BoardOutcome['faults'];
  busHangs: number;
  missedDeadlines: number;
  realMs: number;
  /** The finished chart. */
  svg: string;
  plot: PlotRecorder;
  device: SimDevice;
  fatalError: unknown;
}

const DAY = 86_400_000;

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => (globalThis as any).setTimeout(resolve, ms));
}

/**
 * Run an app on a fresh simulated board for `durationMs` of virtual time.
 * At `speed: Infinity` the clock jumps from wake to wake (a day of one-minute
 * samples takes well under a second); at a finite speed it is paced against
 * real time, giving the host a turn between steps so servers stay responsive.
 */
export async function runSimulation(app: SimApp, opts: SimRunOptions = {}): Promise<SimRunResult> {
  checkRunBounds(opts.durationMs ?? DAY, opts.speed ?? Infinity);
  // Errors that reach a sink with no handler are the run's failures while it is on.
  let now = (): number => 0;
  const failures = new RunFailures(() => now());
  failures.listen();
  try {
    return await simulate(app, opts, failures, (board) => { now = () => board.now(); });
  } finally {
    failures.stopListening();
  }
}

async function simulate(app: SimApp, opts: SimRunOptions, failures: RunFailures, onBoard: (board: SimBoard) => void): Promise<SimRunResult> {
  const durationMs = opts.durationMs ?? DAY;
  const speed = opts.speed ?? Infinity;
  const startHour = opts.startHour ?? 0;
  const realNow = opts.realNow ?? (() => Date.now());
  const sleep = opts.sleep ?? defaultSleep;
  const log = opts.log ?? (() => {});
  const clock = new VirtualClock({ epochMs: Date.UTC(2026, 5, 21) + startHour * 3_600_000 });
  const device = createSimDevice({ clock, seed: opts.seed, env: { startHour, ...opts.env }, parts: opts.standardParts === false ? 'none' : 'standard' });
  const board = device.board;
  onBoard(board);
  injectFaults(board, opts.faults ?? [], durationMs);
  const finger = new ScriptedPresses(board, device.pin.button, opts.presses ?? []);
  let fatal: unknown;
  const scheduler = new Scheduler(clock, { onFatalError: (e) => { fatal = e; reportError('thingflow: the scheduler stopped on a fatal error', e); } });
  const plot = new PlotRecorder(() => board.now());
  const fail = (reason: string): void => failures.fail(reason);
  const teardown = await app({ device, scheduler, clock, board, plot, options: opts.options ?? {}, durationMs, log, fail });

  const progress = (): SimProgress => ({
    simulatedMs: Math.min(board.now(), durationMs),
    durationMs,
    wakes: clock.wakes,
    events: plot.counts().reduce((a, c) => a + c.events, 0),
    ledSwitchings: board.pins.usedOutputs().reduce((a, h) => a + h.switchings, 0),
  });

  const realStart = realNow();
  scheduler.run();
  const every = opts.progressEveryMs ?? 100;
  let lastReport = realStart;
  const stopped = (): boolean => opts.signal?.aborted === true;
  // A press can wake a push source whose scheduler had nothing left: the run goes on while presses remain.
  while (board.now() < durationMs && (scheduler.isRunning || finger.nextAt < durationMs) && !stopped()) {
    let target: number;
    if (speed === Infinity) {
      target = Math.min(durationMs, board.now() + 3_600_000);
    } else {
      target = Math.min(durationMs, Math.max(board.now(), (realNow() - realStart) * speed));
    }
    target = Math.min(target, finger.nextAt);
    clock.advance(target - board.now());
    finger.act(board.now());
    const r = realNow();
    if (opts.onProgress && r - lastReport >= every) {
      lastReport = r;
      opts.onProgress(progress());
    }
    if (board.now() >= durationMs) break;
    if (speed === Infinity) await sleep(0);
    else {
      // Sleep until the next wake is due in real time, at most `every` ms so progress keeps flowing.
      const next = clock.nextWakeIn ?? every * speed;
      await sleep(Math.max(1, Math.min(every, next / speed)));
    }
  }
  const interrupted = stopped() && board.now() < durationMs;
  // The scheduler stopped early: time still passes. Interrupted: the run ends where it got to.
  if (!interrupted && board.now() < durationMs) clock.advance(durationMs - board.now());
  scheduler.stop();
  opts.onProgress?.(progress());
  if (typeof teardown === 'function') await teardown();
  return finish(opts, { device, clock, scheduler, plot, failures, plannedMs: durationMs, ranMs: interrupted ? Math.max(board.now(), 1000) : durationMs, startHour, realMs: realNow() - realStart, fatal });
}

/** The summary and the plot of a run that covered `ranMs` of simulated time. */
function finish(opts: SimRunOptions, r: {
  device: SimDevice; clock: VirtualClock; scheduler: Scheduler; plot: PlotRecorder; failures: RunFailures;
  plannedMs: number; ranMs: number; startHour: number; realMs: number; fatal: unknown;
}): SimRunResult {
  const { device, clock, scheduler, plot, startHour, fatal } = r;
  const board = device.board;
  const durationMs = r.ranMs;

  const svg = renderPlot({
    title: opts.title ?? 'thingflow-xs simulation',
    subtitle: `${(durationMs / 3_600_000).toFixed(durationMs % 3_600_000 ? 2 : 0)} h simulated, seed ${opts.seed ?? 1}, ${clock.wakes} wakes` +
      (opts.faults?.length ? `, faults: ${opts.faults.join(' ')}` : ''),
    durationMs,
    startHour,
    night: nightSpans(board, durationMs),
    faults: faultSpans(opts.faults ?? [], durationMs),
    panels: [...plot.panels(), ...ledPanels(board)],
  });
  const series = plot.counts();
  return {
    durationMs,
    plannedMs: r.plannedMs,
    interrupted: r.ranMs < r.plannedMs,
    failures: r.failures.list(plot),
    wakes: clock.wakes,
    events: series.reduce((a, c) => a + c.events, 0),
    series,
    ...boardOutcome(board, durationMs),
    i2c: { ...board.i2c.stats },
    missedDeadlines: scheduler.missedDeadlines,
    realMs: r.realMs,
    svg,
    plot,
    device,
    fatalError: fatal,
  };
}
