/**
 * The door example end to end (docs/edges.md, "Offline analysis, then
 * deploy"): record a simulated week, analyse it in Arrow, fit a tree, and
 * write examples/door-model.ts and docs/img/door-week.svg.
 * Run it: `npx tsx examples/door-week.ts` (records the week itself), or
 * `npx tsx examples/door-week.ts week.csv [seed]` to analyse a recording made with
 * `thingflow-xs sim examples/door-sensors.ts --duration 7d --seed <seed> --record week.csv`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accuracy, exportTree, fitTree, loadRecording, minuteFeatures, perDay, plotWeek, predictFlat, recordWeek, trainingRows, writeTruth } from './door-analysis';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const given = process.argv[2];
  const seed = Number(process.argv[3] ?? 1);
  const days = 7;
  const dir = mkdtempSync(join(tmpdir(), 'door-week-'));
  const csv = given ?? join(dir, 'door-week.csv');
  const truthCsv = join(dir, 'door-truth.csv');
  // The truth is the door's week for the seed the recording was made with.
  if (given) writeTruth(truthCsv, seed, days);
  else await recordWeek(csv, truthCsv, seed, days);
  const recording = loadRecording(csv);
  const features = minuteFeatures(recording, truthCsv);
  console.log(`recording: ${recording.numRows} events; features: ${features.numRows} minutes`);
  console.log('day  open min  mean lux open  mean lux shut');
  for (const d of perDay(features)) console.log(`${String(d.day).padStart(3)}  ${String(d.openMinutes).padStart(8)}  ${d.meanLuxOpen.toFixed(1).padStart(13)}  ${d.meanLuxShut.toFixed(2).padStart(13)}`);

  const train = trainingRows(features, 0, days - 1);
  const test = trainingRows(features, days - 1, days);
  const tree = fitTree(train.x, train.y);
  const lightOnly = fitTree(train.x.map((r) => [r[0], 0]), train.y, 1);
  const treeAcc = accuracy((r) => predictFlat(tree, r), test.x, test.y);
  const lightAcc = accuracy((r) => predictFlat(lightOnly, [r[0], 0]), test.x, test.y);
  console.log(`tree (${tree.feature.length} nodes) on held-out day ${days}: ${(100 * treeAcc).toFixed(2)} % of ${test.x.length} minutes right`);
  console.log(`light alone (one threshold, ${Number(lightOnly.threshold[0].toPrecision(3))} lux) on day ${days}: ${(100 * lightAcc).toFixed(2)} %`);

  // A week the tree never saw: another seed, other openings, other weather.
  await recordWeek(join(dir, 'new-week.csv'), join(dir, 'new-truth.csv'), seed + 1, days);
  const fresh = trainingRows(minuteFeatures(loadRecording(join(dir, 'new-week.csv')), join(dir, 'new-truth.csv')), 0, days);
  console.log(`on a new week (seed ${seed + 1}): tree ${(100 * accuracy((r) => predictFlat(tree, r), fresh.x, fresh.y)).toFixed(2)} %, light alone ${(100 * accuracy((r) => predictFlat(lightOnly, [r[0], 0]), fresh.x, fresh.y)).toFixed(2)} % of ${fresh.x.length} minutes`);

  const provenance = `Fitted on days 1-${days - 1} of the simulated week (seed ${seed}); ${(100 * treeAcc).toFixed(2)} % of the minutes of day ${days} right.`;
  writeFileSync(join(ROOT, 'examples/door-model.ts'), exportTree(tree, provenance));
  writeFileSync(join(ROOT, 'docs/img/door-week.svg'), plotWeek(features, tree, 'A garage door for a week: light, tilt, and the exported tree',
    `seed ${seed}, one sample a minute, shown as 10-minute means; tree fitted on days 1-${days - 1}, ${(100 * treeAcc).toFixed(1)} % right on day ${days}`));
  console.log('wrote examples/door-model.ts and docs/img/door-week.svg');
  rmSync(dir, { recursive: true, force: true });
}

void main();
