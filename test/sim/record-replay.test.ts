/**
 * Replay = live: an app run on the simulated board with every sensor
 * recorded, then run again with its parts reading the recording instead of
 * the simulated world (on a different seed, so the world itself differs),
 * gives exactly the live run's outputs: the same sensor streams, the same
 * running average, the same LED switchings at the same instants.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import luxDemo from '../../examples/lux-demo';
import { runSimulation, type SimApp, type SimRunResult } from '../../sim/run';
import { parseReplaySpec, recordingApp, replayingApp } from '../../sim/record-replay-app';

const HOUR = 3_600_000;

function outputs(r: SimRunResult) {
  const led = r.device.board.led(r.device.pin.led);
  return {
    series: r.plot.panels().flatMap((p) => p.series.map((s) => ({ name: s.name, times: [...s.times], values: [...s.values] }))),
    led: { times: [...led.times], values: [...led.values] },
  };
}

describe('--record and --replay on the simulated board', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thingflow-replay-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const ext of ['csv', 'jsonl']) {
    test(`the lux demo replayed from its ${ext} recording gives the live run's outputs exactly`, async () => {
      const file = join(dir, `day.${ext}`);
      const live = await runSimulation(recordingApp(luxDemo, file), { durationMs: 12 * HOUR, seed: 1, startHour: 12 });
      expect(live.fatalError).toBeUndefined();
      const text = readFileSync(file, 'utf8');
      const lines = text.split(ext === 'csv' ? '\r\n' : '\n').filter((l) => l !== '');
      // Every sensor's events, as many as the live run's sensor streams carried (a header line in CSV).
      const counts = Object.fromEntries(live.series.map((s) => [s.name, s.events]));
      expect(counts['TSL2591 lux']).toBeGreaterThan(700);
      expect(lines.length).toBe((ext === 'csv' ? 1 : 0) + counts['TSL2591 lux'] + counts['TMP102']);

      let app: SimApp = luxDemo;
      app = replayingApp(app, parseReplaySpec(`tsl2591:lux=${file}`));
      app = replayingApp(app, parseReplaySpec(`tmp102:temp=${file}`));
      const replayed = await runSimulation(app, { durationMs: 12 * HOUR, seed: 7, startHour: 12 });
      const otherWorld = await runSimulation(luxDemo, { durationMs: 12 * HOUR, seed: 7, startHour: 12 });

      const want = outputs(live);
      expect(want.led.values.length).toBeGreaterThan(1); // the LED did switch: the comparison means something
      expect(outputs(replayed)).toEqual(want);
      // Without the recording, seed 7's world gives other numbers.
      expect(outputs(otherWorld).series).not.toEqual(want.series);
    });
  }

  test('a bad --replay names what is wrong', () => {
    expect(() => parseReplaySpec('adxl345=x.csv')).toThrow(/not replayable; parts: tmp102, mcp9808, tsl2591, bh1750/);
    expect(() => parseReplaySpec('tmp102')).toThrow(/<part>\[:<sensorId>\]=<file>/);
    expect(() => parseReplaySpec('tmp102=x.txt')).toThrow(/\.csv or \.jsonl/);
    expect(parseReplaySpec('tmp102:temp=a.csv')).toEqual({ part: 'tmp102', sensorId: 'temp', path: 'a.csv' });
  });
});
