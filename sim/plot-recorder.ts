import type { InputThing } from '../runtime/core/input-thing';
import type { OutputThing } from '../runtime/core/output-thing';
import type { PlotPanel, PlotSeries } from './plot';

export interface TrackOptions {
  /** Legend name. */
  name: string;
  /** Panel to draw in (series with the same panel share axes); default: the name. */
  panel?: string;
  unit?: string;
  color?: string;
  style?: 'line' | 'dots' | 'step';
  /** Logarithmic axis for the panel. */
  log?: boolean;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#17becf', '#e377c2'];

/** One tracked stream: an input thing that stores each event's number and when it arrived. */
class RecordedSeries implements InputThing<unknown> {
  readonly times: number[] = [];
  readonly values: number[] = [];
  errors = 0;
  completed = false;
  /** The error the stream ended with, and when (simulated ms). */
  error: unknown;
  errorAtMs = -1;
  constructor(readonly opts: TrackOptions & { color: string }, private readonly now: () => number) {}

  /** Its name in a traced flow graph (runtime/trace). */
  get traceName(): string {
    return `plot: ${this.opts.name}`;
  }

  onNext(x: unknown): void {
    const v = x !== null && typeof x === 'object' && 'val' in x ? (x as { val: unknown }).val : x;
    this.times.push(this.now());
    this.values.push(typeof v === 'boolean' ? (v ? 1 : 0) : Number(v));
  }
  onCompleted(): void {
    this.completed = true;
  }
  onError(e: unknown): void {
    if (this.errors++ === 0) {
      this.error = e;
      this.errorAtMs = this.now();
    }
  }
}

/**
 * What an app asks the simulator to plot: `plot.track(thing, { name, panel })`
 * taps a stream (sensor events, numbers or booleans) without changing it.
 */
export class PlotRecorder {
  private readonly series: RecordedSeries[] = [];
  private readonly panelOpts = new Map<string, { unit?: string; log?: boolean; thresholds: { value: number; label: string }[] }>();

  constructor(private readonly now: () => number) {}

  /** Record every event `thing` emits from now on. */
  track(thing: OutputThing<any>, opts: TrackOptions): void {
    const panel = opts.panel ?? opts.name;
    const color = opts.color ?? PALETTE[this.series.length % PALETTE.length];
    const s = new RecordedSeries({ ...opts, panel, color }, this.now);
    this.series.push(s);
    const p = this.panel(panel);
    if (opts.unit) p.unit = opts.unit;
    if (opts.log) p.log = true;
    thing.connect(s);
  }

  /** Draw a dashed line at `value` in `panel` (a threshold). */
  threshold(panel: string, value: number, label: string): void {
    this.panel(panel).thresholds.push({ value, label });
  }

  /** Events recorded per series name. */
  counts(): { name: string; events: number; errors: number }[] {
    return this.series.map((s) => ({ name: s.opts.name, events: s.values.length, errors: s.errors }));
  }

  /** Tracked streams that ended with an error: which, when (simulated ms) and with what. */
  endedWithError(): { name: string; atMs: number; error: unknown }[] {
    return this.series.filter((s) => s.errors > 0).map((s) => ({ name: s.opts.name, atMs: s.errorAtMs, error: s.error }));
  }

  /** The values of one series (for tests and summaries). */
  values(name: string): { times: readonly number[]; values: readonly number[] } | undefined {
    const s = this.series.find((x) => x.opts.name === name);
    return s && { times: s.times, values: s.values };
  }

  panels(): PlotPanel[] {
    const out: PlotPanel[] = [];
    for (const [title, p] of this.panelOpts) {
      const series: PlotSeries[] = this.series
        .filter((s) => s.opts.panel === title)
        .map((s) => ({ name: s.opts.name, color: s.opts.color, style: s.opts.style ?? 'line', times: s.times, values: s.values }));
      out.push({ title, unit: p.unit, log: p.log, series, thresholds: p.thresholds });
    }
    return out;
  }

  private panel(title: string): { unit?: string; log?: boolean; thresholds: { value: number; label: string }[] } {
    let p = this.panelOpts.get(title);
    if (!p) this.panelOpts.set(title, (p = { thresholds: [] }));
    return p;
  }
}
