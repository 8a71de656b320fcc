/**
 * What every run on the simulated board shares, whether the app runs on Node
 * (sim/run.ts) or as firmware in the emulated Pico (sim/emulate.ts): the
 * faults put on the board, what its pins and parts saw, and the plot's
 * night, fault and LED spans.
 */
import type { SimBoard } from './board';
import { checkFaultWithin, parseFault, type FaultCounts } from './faults';
import type { PlotPanel } from './plot';
import { SimOptionsError } from './run-bounds';

/** Put the faults on the board, refusing any the board cannot take or that would start after the run. */
export function injectFaults(board: SimBoard, faults: string[], durationMs: number): void {
  for (const f of faults) {
    try {
      const { target, spec } = parseFault(f);
      checkFaultWithin(spec, durationMs, f);
      board.fault(target, spec);
    } catch (e) {
      throw e instanceof RangeError ? new SimOptionsError(e.message) : e;
    }
  }
}

/** What the board saw over a run, for its summary: each output pin driven, the faults that struck each part, the bus's hangs. */
export interface BoardOutcome {
  leds: { pin: number; switchings: number; onMs: number; state: number }[];
  faults: { device: string; address: number; counts: FaultCounts }[];
  busHangs: number;
}

export function boardOutcome(board: SimBoard, durationMs: number): BoardOutcome {
  return {
    leds: board.pins.usedOutputs().map((h) => ({ pin: h.pin, switchings: h.switchings, onMs: h.onTime(durationMs), state: h.state })),
    faults: board.i2c.entries().map((e) => ({ device: e.model.name, address: e.address, counts: { ...e.faults.counts } })),
    busHangs: board.i2c.faults.counts.hang,
  };
}

export function ledPanels(board: SimBoard): PlotPanel[] {
  return board.pins.usedOutputs().map((h) => ({
    title: `LED on pin ${h.pin}`,
    binary: ['off', 'on'] as [string, string],
    series: [{ name: `${h.switchings} switching${h.switchings === 1 ? '' : 's'}`, color: '#e6a700', style: 'step' as const, times: h.times.length ? h.times : [0], values: h.values.length ? h.values : [0] }],
    height: 90,
  }));
}

/** Fault windows given with a start time, for shading in the plot. */
export function faultSpans(faults: string[], durationMs: number): { from: number; to: number; label: string }[] {
  const spans: { from: number; to: number; label: string }[] = [];
  for (const f of faults) {
    const { target, spec } = parseFault(f);
    if (spec.fromMs === undefined) continue; // all-run faults are named in the subtitle
    spans.push({ from: spec.fromMs, to: Math.min(spec.toMs ?? durationMs, durationMs), label: `${target} ${spec.kind}` });
  }
  return spans;
}

/** Spans where the sun is down, sampled every minute. */
export function nightSpans(board: SimBoard, durationMs: number): { from: number; to: number }[] {
  const spans: { from: number; to: number }[] = [];
  let start = -1;
  for (let t = 0; t <= durationMs; t += 60_000) {
    const h = board.env.hourOfDay(t);
    const dark = h < board.env.sunriseHour || h >= board.env.sunsetHour;
    if (dark && start < 0) start = t;
    if (!dark && start >= 0) {
      spans.push({ from: start, to: t });
      start = -1;
    }
  }
  if (start >= 0) spans.push({ from: start, to: durationMs });
  return spans;
}
