/**
 * The Moddable host: binds the runtime's host interfaces on a board and runs
 * an app written for the simulator.
 *
 * Importing this module registers `ModdableClock` as the scheduler's default
 * clock. It needs no network, so it builds for every target; the MQTT
 * client's network is registered by `./network` (manifests/thingflow-net.json),
 * which only the targets with a network include, as is the queue that starts
 * WoT actions.
 *
 * ```ts
 * import { runOnBoard } from 'thingflow/hosts/moddable/index';
 * import luxDemo from 'thingflow/examples/lux-demo';
 * runOnBoard(luxDemo);
 * ```
 */
import config from 'mc/config';
import { setDefaultClock } from '../../runtime/scheduler/clock';
import { Scheduler } from '../../runtime/scheduler/scheduler';
import { boardDevice, type BoardConfig, type BoardDevice } from './board-device';
import { ModdableClock } from './clock';

setDefaultClock(() => new ModdableClock());

/** The plot the simulator draws; a board has no screen for it, so tracking is accepted and ignored. */
const noPlot = {
  track(): void {},
  threshold(): void {},
};

/** What an app receives on a board: the simulator's `SimAppContext` minus the simulated board itself. */
export interface BoardAppContext {
  device: BoardDevice;
  scheduler: Scheduler;
  clock: ModdableClock;
  plot: typeof noPlot;
  options: Record<string, string | boolean>;
  durationMs: number;
  log(message: string): void;
}

/** An app module's default export, as for the simulator (sim/run.ts `SimApp`). */
// `any`: the app is typed against SimAppContext; the board passes the same names with board types.
export type BoardApp = (ctx: any) => unknown;

/**
 * Wire `app` to the board's `device` (completed from the manifest's config),
 * a scheduler on the board's clock, and `trace` for logging; then run the
 * scheduler. Returns the scheduler. `provider` replaces the global `device`
 * (the lin simulator has none: its manifest gives the simulated board's).
 */
export function runOnBoard(app: BoardApp, options: Record<string, string | boolean> = {}, provider?: Parameters<typeof boardDevice>[0]): Scheduler {
  const device = boardDevice(provider ?? (globalThis as { device?: Parameters<typeof boardDevice>[0] }).device, config as BoardConfig);
  const clock = new ModdableClock();
  const scheduler = new Scheduler(clock);
  const ctx: BoardAppContext = {
    device,
    scheduler,
    clock,
    plot: noPlot,
    options,
    durationMs: Infinity,
    log: (message: string) => trace(`${message}\n`),
  };
  const failed = (e: unknown) => trace(`thingflow: the app failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  let started: unknown;
  try {
    started = app(ctx);
  } catch (e) {
    // A synchronous app's failure is said as an async one's is, not left to escape main() unexplained.
    failed(e);
    return scheduler;
  }
  if (started !== null && typeof started === 'object' && typeof (started as Promise<unknown>).then === 'function') {
    (started as Promise<unknown>).then(() => scheduler.run(), failed);
  } else {
    scheduler.run();
  }
  return scheduler;
}

export { ModdableClock, MODDABLE_TICKS_PERIOD } from './clock';
export { boardDevice, type BoardConfig, type BoardDevice } from './board-device';
