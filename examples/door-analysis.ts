/**
 * Offline analysis, then deploy (docs/edges.md): from a recorded week to a
 * decision that runs on the board.
 *
 *   1. record  a simulated week of the garage door's board (light and tilt,
 *              once a minute) to CSV, as `thingflow-xs sim --record` does;
 *   2. load    the recording and the door's ground truth into Apache Arrow
 *              tables, join them by minute and aggregate (per day, per 10 min);
 *   3. plot    the week (docs/img/door-week.svg);
 *   4. fit     a decision tree (ml-cart) on six days, test it on the seventh;
 *   5. export  the tree as plain numbers in examples/door-model.ts, which the
 *              board runs with no library (examples/door-detector.ts).
 *
 * Desktop side only: apache-arrow and ml-cart are devDependencies, and
 * nothing in runtime/ imports them. Run it: `npx tsx examples/door-week.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tableFromArrays, type Table } from 'apache-arrow';
import { DecisionTreeClassifier, type CartNode } from 'ml-cart';
import { runSimulation } from '../sim/run';
import { recordingApp } from '../sim/record-replay-app';
import { renderPlot, type PlotSeries } from '../sim/plot';
import { Environment } from '../sim/environment';
import { doorOpenAt, doorWeek } from '../sim/scenarios/door';
import { onDoor } from './door-sensors';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Column order of a feature row, on the desktop and on the board. */
export const FEATURES = ['lux', 'accel_z'] as const;

/** Step 1: a simulated week (`days` from midnight) recorded to `csv`, the ground truth to `truthCsv`. */
export async function recordWeek(csv: string, truthCsv: string, seed: number, days: number): Promise<void> {
  await runSimulation(recordingApp(onDoor(seed, days), csv), { durationMs: days * DAY, seed });
  writeTruth(truthCsv, seed, days);
}

/** The door's ground truth for `seed`'s week, one row a minute (`minute,open`). */
export function writeTruth(truthCsv: string, seed: number, days: number): void {
  const week = doorWeek(seed, days);
  const rows = ['minute,open'];
  for (let m = 0; m < days * 1440; m++) rows.push(`${m},${doorOpenAt(week, m * MINUTE) ? 1 : 0}`);
  writeFileSync(truthCsv, rows.join('\n') + '\n');
}

/** Step 2a: a ThingFlow CSV recording (timestamp,datetime,sensor_id,value) as an Arrow table. */
export function loadRecording(csv: string): Table {
  const lines = readFileSync(csv, 'utf8').split(/\r?\n/);
  const header = lines[0].split(',');
  if (header.join(',') !== 'timestamp,datetime,sensor_id,value') throw new Error(`${csv}: not a ThingFlow CSV recording (header ${lines[0]})`);
  const ts: number[] = [];
  const sensor: string[] = [];
  const value: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    const [t, , id, v] = lines[i].split(',');
    ts.push(Number(t));
    sensor.push(id);
    value.push(Number(v));
  }
  return tableFromArrays({ ts: Float64Array.from(ts), sensor_id: sensor, value: Float64Array.from(value) });
}

/** Step 2b: one row a minute, the sensors side by side with the truth (the join of a SQL `GROUP BY minute`). */
export function minuteFeatures(recording: Table, truthCsv: string): Table {
  const truth = readFileSync(truthCsv, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
  const minutes = truth.length;
  const lux = new Float64Array(minutes).fill(NaN);
  const accelZ = new Float64Array(minutes).fill(NaN);
  const ts = recording.getChild('ts')!.toArray() as Float64Array;
  const value = recording.getChild('value')!.toArray() as Float64Array;
  const sensor = recording.getChild('sensor_id')!;
  // The week starts at midnight UTC (the simulator's epoch); a sample at t s is the world at minute t / 60.
  const t0 = Math.floor(ts[0] / 86_400) * 86_400;
  for (let i = 0; i < recording.numRows; i++) {
    const m = Math.round((ts[i] - t0) / 60);
    if (m < 0 || m >= minutes) continue;
    const id = sensor.get(i);
    if (id === 'lux') lux[m] = value[i];
    else if (id === 'accel_z') accelZ[m] = value[i];
  }
  // A skipped read (the TSL2591 saturates when the light jumps as the door opens) keeps the last
  // reading, as the board does: its detector works on the latest value of each sensor.
  for (let m = 1; m < minutes; m++) {
    if (Number.isNaN(lux[m])) lux[m] = lux[m - 1];
    if (Number.isNaN(accelZ[m])) accelZ[m] = accelZ[m - 1];
  }
  return tableFromArrays({ minute: Int32Array.from({ length: minutes }, (_, i) => i), lux, accel_z: accelZ, open: Int8Array.from(truth) });
}

/** Step 2c: aggregates per day (minutes open, light when open and when shut). */
export function perDay(features: Table): { day: number; openMinutes: number; meanLuxOpen: number; meanLuxShut: number }[] {
  const lux = features.getChild('lux')!.toArray() as Float64Array;
  const open = features.getChild('open')!.toArray() as Int8Array;
  const days: { day: number; openMinutes: number; meanLuxOpen: number; meanLuxShut: number }[] = [];
  for (let d = 0; d * 1440 < features.numRows; d++) {
    let n = 0, nOpen = 0, nShut = 0, sumOpen = 0, sumShut = 0;
    for (let m = d * 1440; m < (d + 1) * 1440 && m < features.numRows; m++) {
      if (open[m]) n++;
      if (Number.isNaN(lux[m])) continue; // a skipped read
      if (open[m]) { nOpen++; sumOpen += lux[m]; } else { nShut++; sumShut += lux[m]; }
    }
    days.push({ day: d + 1, openMinutes: n, meanLuxOpen: nOpen ? sumOpen / nOpen : NaN, meanLuxShut: nShut ? sumShut / nShut : NaN });
  }
  return days;
}

/** Rows `[lux, accel_z]` and labels for the minutes in `[fromDay, toDay)` that have both readings. */
export function trainingRows(features: Table, fromDay: number, toDay: number): { x: number[][]; y: number[] } {
  const lux = features.getChild('lux')!.toArray() as Float64Array;
  const z = features.getChild('accel_z')!.toArray() as Float64Array;
  const open = features.getChild('open')!.toArray() as Int8Array;
  const x: number[][] = [];
  const y: number[] = [];
  for (let m = fromDay * 1440; m < toDay * 1440 && m < features.numRows; m++) {
    if (Number.isNaN(lux[m]) || Number.isNaN(z[m])) continue;
    x.push([lux[m], z[m]]);
    y.push(open[m]);
  }
  return { x, y };
}

/** A decision tree as plain numbers: node i is a leaf when `feature[i] < 0`. */
export interface FlatTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** At a leaf: 1 when the door is open. */
  open: number[];
}

/** Step 4: fit a decision tree (ml-cart) and flatten it. */
export function fitTree(x: number[][], y: number[], maxDepth = 3): FlatTree {
  return flatten(fitCart(x, y, maxDepth));
}

export function fitCart(x: number[][], y: number[], maxDepth = 3): DecisionTreeClassifier {
  const tree = new DecisionTreeClassifier({ maxDepth, minNumSamples: 10 });
  tree.train(x, y);
  return tree;
}

/** ml-cart's tree as plain arrays, depth first from the root (node 0). */
export function flatten(tree: DecisionTreeClassifier): FlatTree {
  const flat: FlatTree = { feature: [], threshold: [], left: [], right: [], open: [] };
  const visit = (node: CartNode): number => {
    const i = flat.feature.length;
    flat.feature.push(-1); flat.threshold.push(0); flat.left.push(-1); flat.right.push(-1); flat.open.push(0);
    if (node.left && node.right && node.splitColumn !== undefined && node.splitValue !== undefined) {
      flat.feature[i] = node.splitColumn;
      flat.threshold[i] = node.splitValue;
      flat.left[i] = visit(node.left);
      flat.right[i] = visit(node.right);
    } else {
      const d = node.distribution;
      const row = Array.isArray(d) ? d[0] : d?.data?.[0] ?? [1];
      flat.open[i] = (row[1] ?? 0) > (row[0] ?? 0) ? 1 : 0;
    }
    return i;
  };
  visit(tree.toJSON().root);
  return flat;
}

/** What the exported code does, on the desktop: walk the flat tree (ml-cart goes left when below). */
export function predictFlat(tree: FlatTree, row: readonly number[]): number {
  let i = 0;
  while (tree.feature[i] >= 0) i = row[tree.feature[i]] < tree.threshold[i] ? tree.left[i] : tree.right[i];
  return tree.open[i];
}

export function accuracy(predict: (row: number[]) => number, x: number[][], y: number[]): number {
  let right = 0;
  for (let i = 0; i < x.length; i++) if (predict(x[i]) === y[i]) right++;
  return right / x.length;
}

/** Step 5: the tree as a TypeScript module with no imports: numbers and a loop. */
export function exportTree(tree: FlatTree, provenance: string): string {
  const list = (a: number[]): string => `[${a.map((n) => String(n)).join(', ')}]`;
  return `/**
 * The garage door detector, exported by examples/door-analysis.ts: do not edit,
 * re-run \`npx tsx examples/door-week.ts\`. ${provenance}
 *
 * A decision tree (ml-cart) as plain numbers, so it runs on XS with no
 * library: node i is a leaf when FEATURE[i] < 0 (OPEN[i] is its answer);
 * otherwise go to LEFT[i] when the feature's value is below THRESHOLD[i],
 * RIGHT[i] when not. Features: 0 is light in lux (TSL2591), 1 is the
 * ADXL345's z axis in m/s².
 */
export const FEATURE: readonly number[] = ${list(tree.feature)};
export const THRESHOLD: readonly number[] = ${list(tree.threshold)};
export const LEFT: readonly number[] = ${list(tree.left)};
export const RIGHT: readonly number[] = ${list(tree.right)};
export const OPEN: readonly number[] = ${list(tree.open)};

/** Is the door open, judging by one minute's light and tilt? */
export function doorOpen(lux: number, accelZ: number): boolean {
  let i = 0;
  while (FEATURE[i] >= 0) i = (FEATURE[i] === 0 ? lux : accelZ) < THRESHOLD[i] ? LEFT[i] : RIGHT[i];
  return OPEN[i] === 1;
}
`;
}

/** Step 3: the week, aggregated to 10-minute means (max for the truth), as an SVG chart. */
export function plotWeek(features: Table, tree: FlatTree, title: string, subtitle: string): string {
  const lux = features.getChild('lux')!.toArray() as Float64Array;
  const z = features.getChild('accel_z')!.toArray() as Float64Array;
  const open = features.getChild('open')!.toArray() as Int8Array;
  const BIN = 10;
  const times: number[] = [], meanLux: number[] = [], meanZ: number[] = [], truth: number[] = [], model: number[] = [];
  for (let b = 0; b * BIN < features.numRows; b++) {
    let n = 0, sl = 0, sz = 0, t = 0, p = 0;
    for (let m = b * BIN; m < (b + 1) * BIN && m < features.numRows; m++) {
      t = Math.max(t, open[m]);
      if (Number.isNaN(lux[m]) || Number.isNaN(z[m])) continue;
      n++; sl += lux[m]; sz += z[m];
      p = Math.max(p, predictFlat(tree, [lux[m], z[m]]));
    }
    times.push(b * BIN * MINUTE);
    meanLux.push(n ? sl / n : NaN); meanZ.push(n ? sz / n : NaN); truth.push(t); model.push(p);
  }
  const line = (name: string, color: string, values: number[], style: PlotSeries['style'] = 'line'): PlotSeries => ({ name, color, style, times, values });
  const splits = (f: number, label: string): { value: number; label: string }[] =>
    tree.feature.flatMap((ff, i) => (ff === f ? [{ value: tree.threshold[i], label: `${label} ${Number(tree.threshold[i].toPrecision(3))}` }] : []));
  // Night, as the simulated world has it (the runs start at midnight with its default sunrise and sunset).
  const env = new Environment();
  const night: { from: number; to: number }[] = [];
  for (let d = 0; d * 1440 < features.numRows; d++) {
    night.push({ from: d * DAY, to: d * DAY + env.sunriseHour * 3_600_000 }, { from: d * DAY + env.sunsetHour * 3_600_000, to: (d + 1) * DAY });
  }
  return renderPlot({
    title, subtitle, durationMs: features.numRows * MINUTE, night,
    panels: [
      { title: 'Light in the garage, 10-min mean', unit: 'lux, log scale', log: true, series: [line('TSL2591', '#1f77b4', meanLux)], thresholds: splits(0, 'tree split') },
      { title: 'Door tilt, 10-min mean', unit: 'ADXL345 z, m/s²', series: [line('ADXL345 z', '#2ca02c', meanZ)], thresholds: splits(1, 'tree split') },
      { title: 'Door open (truth)', binary: ['shut', 'open'], series: [line('truth', '#d62728', truth, 'step')] },
      { title: 'Door open (exported tree)', binary: ['shut', 'open'], series: [line('tree', '#9467bd', model, 'step')] },
    ],
  });
}
