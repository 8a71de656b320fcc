/**
 * The simulator's edges on the command line (issue 13): `--record` writes every sensor's events,
 * `--replay` makes a recording stand in for a part so the same app gives the same outputs on
 * another seed (replay = live), `--trace` prints every event crossing every connection, and bad
 * values are usage errors (exit 2).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-process';

const DEMO = 'examples/lux-demo.ts';

/** The summary lines that must match between a live run and its replay. */
function outputs(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^\s+(events|LED pin)/.test(l));
}

describe('thingflow-xs sim --record, --replay, --trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-cli-edges-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a recorded run replayed on another seed gives the same events and LED; a trace lists every crossing', () => {
    const csv = join(dir, 'run.csv');
    // 03:00 to 09:00: the LED switches off at a sunrise that depends on the seed's clouds.
    const run = ['--start', '03:00', '--duration', '6h', '--no-plot', '--quiet'];
    const live = runCli([DEMO, ...run, '--seed', '3', '--record', csv]);
    expect(live.code).toBe(0);
    expect(live.out).toMatch(/^recorded \d+ sensor events to .*run\.csv$/m);
    const rows = readFileSync(csv, 'utf8').trim().split('\r\n'); // Python's csv module ends rows with CRLF
    expect(rows[0]).toBe('timestamp,datetime,sensor_id,value'); // ThingFlow's CSV header
    expect(rows.length).toBeGreaterThan(300);

    const other = runCli([DEMO, ...run, '--seed', '4']);
    expect(outputs(other.out)).not.toEqual(outputs(live.out)); // another seed, another day

    const tracePath = join(dir, 'trace.txt');
    const again = join(dir, 'replayed.csv');
    const replay = runCli([DEMO, ...run, '--seed', '4', '--replay', `tsl2591:lux=${csv}`, '--replay', `tmp102:temp=${csv}`,
      `--trace=${tracePath}`, '--record', again]);
    expect(replay.code).toBe(0);
    expect(outputs(replay.out)).toEqual(outputs(live.out));
    // The drivers read back exactly what was recorded (TSL2591, TMP102): the replayed run's own recording is the live one.
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(csv, 'utf8'));
    expect(replay.out).toMatch(/^replayed \d+ recorded events into tsl2591/m);
    expect(replay.out).toMatch(/^trace: \d+ connections from 2 scheduled sources, to /m);
    const trace = readFileSync(tracePath, 'utf8').trim().split('\n');
    const traced = Number(/^trace: (\d+) events traced$/m.exec(replay.out)![1]);
    expect(trace).toHaveLength(traced);
    expect(trace.some((l) => /^\d+\.\d{3}s SensorAsOutputThing\.default → MapFilter\.default: lux: /.test(l))).toBe(true);
    expect(trace.some((l) => /RunningAverage\.default → Hysteresis\.default: /.test(l))).toBe(true);
  }, 120_000);

  test.each([
    ['--record to a file that is neither .csv nor .jsonl', ['--record', '/tmp/x.txt'], /--record takes a \.csv or \.jsonl file, got '\/tmp\/x\.txt'/],
    ['--replay of a part that cannot be replayed', ['--replay', 'nosuch=/tmp/x.csv'], /--replay: 'nosuch' is not replayable; parts: tmp102, mcp9808, tsl2591, bh1750/],
    ['--replay of a file that is not there', ['--replay', 'tmp102=/tmp/no-such-recording.csv'], /--replay: no such file: \/tmp\/no-such-recording\.csv/],
    ['--replay without =', ['--replay', 'tmp102'], /--replay takes <part>\[:<sensorId>\]=<file>/],
  ])('%s: exit 2', (_name, args, message) => {
    const r = runCli([DEMO, ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});
