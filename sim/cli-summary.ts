import { formatClock, formatDuration } from './duration';
import type { BoardOutcome } from './board-run';
import type { SimProgress, SimRunResult } from './run';

/** The progress line: the simulated clock, a bar to the end (or the day, when the run serves until Ctrl-C), the counts. */
export function progressLine(p: SimProgress, startHour: number, untilInterrupted: boolean): string {
  const startMs = startHour * 3_600_000;
  const clock = formatClock(startMs + p.simulatedMs);
  const counts = `wakes ${p.wakes}  events ${p.events}  LED switchings ${p.ledSwitchings}`;
  if (untilInterrupted) return `  day ${Math.floor((startMs + p.simulatedMs) / 86_400_000) + 1} ${clock}  ${counts}`;
  const frac = p.durationMs ? p.simulatedMs / p.durationMs : 1;
  const width = 24;
  const filled = Math.round(frac * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  return `  ${clock} [${bar}] ${String(Math.round(frac * 100)).padStart(3)}%  ${counts}`;
}

/** What a run did, for people: time covered, events per stream, the LED, wakes, I2C, faults, and every failure. */
export function formatSummary(r: SimRunResult, seed: number, opts: { untilInterrupted?: boolean } = {}): string {
  const real = `${(r.realMs / 1000).toFixed(2)} s real time (seed ${seed})`;
  const lines = [!r.interrupted
    ? `Simulated ${formatDuration(r.durationMs)} in ${real}`
    : opts.untilInterrupted
      ? `Served until Ctrl-C: simulated ${formatDuration(r.durationMs)} in ${real}`
      : `Stopped by Ctrl-C after ${formatDuration(r.durationMs)} of ${formatDuration(r.plannedMs)} simulated, in ${real}`];
  const per = r.series.map((s) => `${s.name} ${s.events}${s.errors ? `, ${s.errors} errors` : ''}`).join('; ');
  lines.push(`  events:        ${r.events}${per ? ` (${per})` : ''}`);
  for (const led of r.leds) {
    lines.push(`  LED pin ${led.pin}:     ${led.switchings} switching${led.switchings === 1 ? '' : 's'}, on for ${formatDuration(led.onMs)}, now ${led.state ? 'on' : 'off'}`);
  }
  if (r.leds.length === 0) lines.push('  LEDs:          none written');
  lines.push(`  wakes:         ${r.wakes} (times a board would leave sleep)${r.missedDeadlines ? `, ${r.missedDeadlines} missed deadlines` : ''}`);
  lines.push(`  I2C:           ${r.i2c.transactions} transactions, ${r.i2c.errors} failed`);
  lines.push(...faultLines(r));
  // A fatal error that stopped the scheduler is among the failures (it was reported while the run was on).
  for (const f of r.failures) lines.push(`  FAILED:        ${f}`);
  return lines.join('\n');
}

/** The summary's lines for the faults that struck: each part's by kind, then the bus's hangs (sim and emulate alike). */
export function faultLines(r: Pick<BoardOutcome, 'faults' | 'busHangs'>): string[] {
  const lines: string[] = [];
  for (const f of r.faults.filter((x) => Object.values(x.counts).some((n) => n > 0))) {
    const what = Object.entries(f.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
    lines.push(`  faults:        ${f.device} (0x${f.address.toString(16)}): ${what}`);
  }
  if (r.busHangs) lines.push(`  faults:        bus hung for ${r.busHangs} transaction${r.busHangs === 1 ? '' : 's'}`);
  return lines;
}
