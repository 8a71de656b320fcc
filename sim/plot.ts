/**
 * A dependency-free SVG chart of a simulation run: stacked panels sharing a
 * time axis (sensor values, averages, thresholds, LED states), readable in a
 * browser or converted to PNG.
 */

export interface PlotSeries {
  name: string;
  color: string;
  /** `line` joins points, `dots` marks each sample, `step` holds each value until the next (LEDs). */
  style: 'line' | 'dots' | 'step';
  /** Simulated ms since the start of the run. */
  times: readonly number[];
  values: readonly number[];
}

export interface PlotPanel {
  title: string;
  unit?: string;
  /** Logarithmic y axis (light spans five decades in a day). */
  log?: boolean;
  /** Fixed y range; otherwise taken from the data. */
  min?: number;
  max?: number;
  /** Label the y axis with these names for 0 and 1 (an LED: off / on). */
  binary?: [string, string];
  height?: number;
  series: PlotSeries[];
  thresholds?: { value: number; label: string }[];
}

export interface PlotSpec {
  title: string;
  subtitle?: string;
  durationMs: number;
  /** Hour of day at time 0, for clock labels. */
  startHour?: number;
  /** Shade these spans (ms) as night. */
  night?: { from: number; to: number }[];
  /** Mark these spans (ms) as injected faults, labelled in the first panel. */
  faults?: { from: number; to: number; label: string }[];
  panels: PlotPanel[];
}

const WIDTH = 1100;
const LEFT = 78;
const RIGHT = 190;
const TOP = 78;
const GAP = 40;
const BOTTOM = 46;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, '');
}

function niceStep(range: number, target: number): number {
  const raw = range / target;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const r = raw / mag;
  return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
}

function timeStep(durationMs: number): number {
  const steps = [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000];
  for (const s of steps) if (durationMs / s <= 12) return s;
  return 86_400_000 * Math.ceil(durationMs / 86_400_000 / 12);
}

function clockLabel(ms: number, startHour: number): string {
  const minutes = Math.round(startHour * 60 + ms / 60_000);
  const m = ((minutes % 1440) + 1440) % 1440;
  const day = Math.floor(minutes / 1440);
  const hhmm = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return day > 0 && m === 0 ? `day ${day + 1}` : hhmm;
}

/** Render the chart as a standalone SVG document. */
export function renderPlot(spec: PlotSpec): string {
  const plotW = WIDTH - LEFT - RIGHT;
  const duration = Math.max(1, spec.durationMs);
  const x = (t: number): number => LEFT + (Math.min(Math.max(t, 0), duration) / duration) * plotW;
  let y0 = TOP;
  const parts: string[] = [];
  const heights = spec.panels.map((p) => p.height ?? (p.binary ? 90 : 230));
  const height = TOP + heights.reduce((a, b) => a + b, 0) + GAP * (spec.panels.length - 1) + BOTTOM;

  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="26" font-size="18" font-weight="bold" fill="#222">${esc(spec.title)}</text>`,
  );
  if (spec.subtitle) parts.push(`<text x="${LEFT}" y="46" font-size="12" fill="#555">${esc(spec.subtitle)}</text>`);

  const tStep = timeStep(duration);
  spec.panels.forEach((panel, pi) => {
    const h = heights[pi];
    const top = y0;
    const bottom = y0 + h;
    const all: number[] = [];
    for (const s of panel.series) for (const v of s.values) if (Number.isFinite(v) && (!panel.log || v > 0)) all.push(v);
    for (const t of panel.thresholds ?? []) all.push(t.value);
    let lo = panel.min ?? (all.length ? Math.min(...all) : 0);
    let hi = panel.max ?? (all.length ? Math.max(...all) : 1);
    if (panel.binary) {
      lo = -0.15;
      hi = 1.15;
    }
    let ticks: number[] = [];
    let yOf: (v: number) => number;
    if (panel.log) {
      const dLo = Math.floor(Math.log10(Math.max(lo, 1e-3)));
      const dHi = Math.ceil(Math.log10(Math.max(hi, 1e-3 * 10)));
      const span = Math.max(1, dHi - dLo);
      yOf = (v) => bottom - ((Math.log10(Math.max(v, Math.pow(10, dLo))) - dLo) / span) * h;
      for (let d = dLo; d <= dHi; d++) ticks.push(Math.pow(10, d));
    } else if (panel.binary) {
      yOf = (v) => bottom - ((v - lo) / (hi - lo)) * h;
      ticks = [0, 1];
    } else {
      if (hi - lo < 1e-9) {
        lo -= 1;
        hi += 1;
      }
      const step = niceStep(hi - lo, 5);
      lo = Math.floor(lo / step) * step;
      hi = Math.ceil(hi / step) * step;
      yOf = (v) => bottom - ((v - lo) / (hi - lo)) * h;
      for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toFixed(10)));
    }

    // Frame, night shading, grid.
    parts.push(`<g class="panel" data-title="${esc(panel.title)}">`);
    parts.push(`<rect x="${LEFT}" y="${top}" width="${plotW}" height="${h}" fill="#fafafa" stroke="#bbb"/>`);
    for (const n of spec.night ?? []) {
      const a = x(n.from);
      const b = x(n.to);
      if (b > a) parts.push(`<rect x="${a.toFixed(1)}" y="${top}" width="${(b - a).toFixed(1)}" height="${h}" fill="#e8ebf3"/>`);
    }
    for (let t = 0; t <= duration; t += tStep) {
      parts.push(`<line x1="${x(t).toFixed(1)}" y1="${top}" x2="${x(t).toFixed(1)}" y2="${bottom}" stroke="#e2e2e2"/>`);
    }
    (spec.faults ?? []).forEach((f, fi) => {
      const a = x(f.from);
      const b = Math.max(x(f.to), a + 2);
      parts.push(`<rect class="fault" x="${a.toFixed(1)}" y="${top}" width="${(b - a).toFixed(1)}" height="${h}" fill="#d62728" fill-opacity="0.10"/>`);
      if (pi === 0) parts.push(`<text x="${(a + 3).toFixed(1)}" y="${top + 14 + (fi % 3) * 13}" fill="#b22222" font-size="10">${esc(f.label)}</text>`);
    });
    for (const v of ticks) {
      const yy = yOf(v).toFixed(1);
      const label = panel.binary ? panel.binary[v] : panel.log ? (v >= 1000 ? `${fmt(v / 1000)}k` : fmt(v)) : fmt(v);
      parts.push(`<line x1="${LEFT}" y1="${yy}" x2="${LEFT + plotW}" y2="${yy}" stroke="#e2e2e2"/>`);
      parts.push(`<text x="${LEFT - 6}" y="${yy}" dy="4" text-anchor="end" fill="#444">${esc(label)}</text>`);
    }
    const unit = panel.unit ? ` (${panel.unit})` : '';
    parts.push(`<text x="${LEFT}" y="${top - 7}" font-weight="bold" fill="#333">${esc(panel.title + unit)}</text>`);

    // Thresholds.
    for (const th of panel.thresholds ?? []) {
      const yy = yOf(th.value).toFixed(1);
      parts.push(`<line x1="${LEFT}" y1="${yy}" x2="${LEFT + plotW}" y2="${yy}" stroke="#d62728" stroke-dasharray="6 4" stroke-width="1"/>`);
      parts.push(`<text x="${LEFT + plotW - 4}" y="${yy}" dy="-4" text-anchor="end" fill="#d62728" font-size="11">${esc(th.label)}</text>`);
    }

    // Series, clipped to the panel.
    const clip = `clip${pi}`;
    parts.push(`<clipPath id="${clip}"><rect x="${LEFT}" y="${top}" width="${plotW}" height="${h}"/></clipPath>`);
    parts.push(`<g clip-path="url(#${clip})">`);
    for (const s of panel.series) {
      parts.push(seriesSvg(s, x, yOf, duration, s.name));
    }
    parts.push('</g>');

    // Legend.
    panel.series.forEach((s, i) => {
      const ly = top + 14 + i * 18;
      const lx = LEFT + plotW + 14;
      const mark = s.style === 'dots'
        ? `<circle cx="${lx + 9}" cy="${ly - 4}" r="2.5" fill="${s.color}"/>`
        : `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.5"/>`;
      parts.push(mark, `<text x="${lx + 24}" y="${ly}" fill="#333">${esc(s.name)}</text>`);
    });
    parts.push('</g>');
    y0 = bottom + GAP;
  });

  // Time axis under the last panel.
  const axisY = y0 - GAP;
  for (let t = 0; t <= duration; t += tStep) {
    parts.push(`<text x="${x(t).toFixed(1)}" y="${axisY + 18}" text-anchor="middle" fill="#444">${clockLabel(t, spec.startHour ?? 0)}</text>`);
  }
  parts.push(`<text x="${LEFT + plotW / 2}" y="${axisY + 38}" text-anchor="middle" fill="#666">simulated time of day (shaded: night)</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function seriesSvg(s: PlotSeries, x: (t: number) => number, y: (v: number) => number, duration: number, name: string): string {
  const n = s.times.length;
  if (n === 0) return '';
  if (s.style === 'dots') {
    const dots: string[] = [];
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(s.values[i])) continue;
      dots.push(`<circle cx="${x(s.times[i]).toFixed(1)}" cy="${y(s.values[i]).toFixed(1)}" r="1.6"/>`);
    }
    return `<g class="series" data-name="${esc(name)}" fill="${s.color}" fill-opacity="0.55">${dots.join('')}</g>`;
  }
  let d = '';
  if (s.style === 'step') {
    d = `M${x(s.times[0]).toFixed(1)},${y(s.values[0]).toFixed(1)}`;
    for (let i = 1; i < n; i++) d += ` H${x(s.times[i]).toFixed(1)} V${y(s.values[i]).toFixed(1)}`;
    d += ` H${x(duration).toFixed(1)}`;
    const fill = `${d} V${y(0).toFixed(1)} H${x(s.times[0]).toFixed(1)} Z`;
    return `<g class="series" data-name="${esc(name)}"><path d="${fill}" fill="${s.color}" fill-opacity="0.18" stroke="none"/>` +
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/></g>`;
  }
  // A gap much longer than the usual sampling step (lost readings) breaks the line instead of bridging it.
  const gap = 2.5 * typicalStep(s.times);
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(s.values[i])) continue;
    const jump = !d || s.times[i] - prev > gap;
    d += `${d ? ' ' : ''}${jump ? 'M' : 'L'}${x(s.times[i]).toFixed(1)},${y(s.values[i]).toFixed(1)}`;
    prev = s.times[i];
  }
  return `<g class="series" data-name="${esc(name)}"><path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"/></g>`;
}

/** The median interval between samples (Infinity for fewer than two). */
function typicalStep(times: readonly number[]): number {
  if (times.length < 2) return Infinity;
  const diffs: number[] = [];
  for (let i = 1; i < times.length; i++) diffs.push(times[i] - times[i - 1]);
  diffs.sort((a, b) => a - b);
  return diffs[diffs.length >> 1] || Infinity;
}
