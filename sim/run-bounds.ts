import { formatDuration } from './duration';

/**
 * How long a simulated run may last, and how fast or slow it may be paced.
 * A run lasts at most a month, in simulated time and in (estimated) real time:
 * longer, and the plot recorder, which keeps every event (31 days of the lux
 * demo: 98,209 events, 2.1 s, 132 MB of RSS, a 2.5 MB plot), and the wait stop
 * making sense; a speed like 1e-300 would never finish. `runSimulation` and the CLI check the same numbers.
 */
export const MAX_RUN_MS = 31 * 86_400_000;
/** Slowest pacing: 100 real seconds per simulated second. */
export const MIN_SPEED = 0.01;
/** Fastest pacing; beyond it `max` (no pacing) does the same. */
export const MAX_SPEED = 1e6;

/** Options a run cannot honour: the CLI answers them as usage errors (exit code 2). */
export class SimOptionsError extends RangeError {
  override name = 'SimOptionsError';
}

/** Refuse a run that is empty, longer than `MAX_RUN_MS`, paced out of bounds, or that would take longer than `MAX_RUN_MS` of real time. */
export function checkRunBounds(durationMs: number, speed: number): void {
  if (!(durationMs > 0)) throw new SimOptionsError(`the duration must be longer than 0, got ${durationMs} ms`);
  if (!(durationMs <= MAX_RUN_MS)) {
    throw new SimOptionsError(`a duration of ${formatSpan(durationMs)} is longer than the longest run, ${formatSpan(MAX_RUN_MS)}`);
  }
  if (speed !== Infinity && !(speed >= MIN_SPEED && speed <= MAX_SPEED)) {
    throw new SimOptionsError(`the speed must be from ${MIN_SPEED} to ${MAX_SPEED} simulated seconds per real second (or max), got ${speed}`);
  }
  const realMs = realTimeEstimateMs(durationMs, speed);
  if (realMs > MAX_RUN_MS) {
    throw new SimOptionsError(`${formatSpan(durationMs)} at speed ${speed} would take about ${formatSpan(realMs)} of real time; a run lasts at most ${formatSpan(MAX_RUN_MS)}: raise the speed or shorten the duration`);
  }
}

/** Real time a paced run takes (duration / speed); 0 when it is not paced (speed max: as fast as the app goes). */
export function realTimeEstimateMs(durationMs: number, speed: number): number {
  return speed === Infinity ? 0 : durationMs / speed;
}

/** A span for people, to the nearest second from one on: `2m24s`, `27s`, `31 days`, `2.7e+295 years`. */
export function formatSpan(ms: number): string {
  const day = 86_400_000;
  if (!Number.isFinite(ms)) return 'for ever';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 2 * day) return formatDuration(Math.round(ms / 1000) * 1000);
  if (ms < 730 * day) return `${Number((ms / day).toPrecision(3))} days`;
  return `${Number((ms / (365.25 * day)).toPrecision(2))} years`;
}
