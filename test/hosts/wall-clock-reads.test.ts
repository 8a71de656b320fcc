/**
 * The wall clock steps: SNTP sets a board's time after its app started and again every few hours, NTP steps a
 * Raspberry Pi's, and on a Pico Moddable's Date.now() falls back 49.7 days when its 32-bit millisecond count wraps.
 * A duration measured on it (a connection's idle time, a stream's time over budget) was wrong by the step: idle
 * connections kept for good after a step back, every open one dropped at a step forward. Durations are measured
 * on the host's monotonic count (performance.now(), Time.ticks); `Date.now` is read only where the wall time itself
 * is wanted, in the files below. A new read elsewhere fails here, with where it is.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');

/** The files that want the wall time, and why. */
const WALL_TIME_WANTED: { [file: string]: string } = {
  'hosts/moddable/wall-clock.ts': 'the events\' wall time on a board',
  'hosts/moddable/setup-network.ts': 'whether the board\'s clock is set, and how far an SNTP answer moves it',
  'hosts/node/clock.ts': 'the events\' wall time on Node (its default wall-clock reader)',
  'runtime/wot/live-page-script.ts': 'the live page in the browser: the real time of a value it receives',
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

test('runtime/ and hosts/ read Date.now only where the wall time is wanted; durations use the host\'s monotonic count', () => {
  const reads: string[] = [];
  for (const file of [...sources(join(ROOT, 'runtime')), ...sources(join(ROOT, 'hosts'))]) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
      if (/\bDate\.now\b/.test(code) && WALL_TIME_WANTED[relative(ROOT, file)] === undefined) reads.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(reads).toEqual([]);
});
