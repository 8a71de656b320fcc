import type { SensorEvent } from '../../../runtime/core/input-thing';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { MemoryLines } from '../../../runtime/record/line-io';
import { csvFormat, jsonLinesFormat } from '../../../runtime/record/record-format';
import { RecordWriter } from '../../../runtime/record/record-writer';
import { ReplayLineError, ReplaySource } from '../../../runtime/record/replay-source';
import { parseCsvRecord, formatCsvRecord } from '../../../runtime/record/csv-line';
import { pythonFloat } from '../../../runtime/record/python-text';
import { setErrorReporter } from '../../../runtime/core/report-error';
import '../../../runtime/filters/index';

const EPOCH = Date.UTC(2026, 0, 1);
const T0 = EPOCH / 1000;

function recording(events: SensorEvent<number>[], format = csvFormat()): string {
  const lines = new MemoryLines();
  const w = new RecordWriter(lines, format);
  for (const e of events) w.onNext(e);
  w.onCompleted();
  expect(lines.closed).toBe(true);
  return lines.contents;
}

/** Replay `text`, noting the virtual time (ms since run) each event arrives at. */
function replay(text: string, opts: ConstructorParameters<typeof ReplaySource>[3] = {}, clockOpts = {}) {
  const clock = new VirtualClock(clockOpts);
  const scheduler = new Scheduler(clock);
  const src = new ReplaySource(MemoryLines.of(text), csvFormat(), scheduler, opts);
  const seen: [number, SensorEvent<number>][] = [];
  let end = '';
  src.connect({ onNext: (e) => seen.push([scheduler.elapsed, e]), onCompleted: () => (end = 'completed'), onError: (e) => (end = `error ${(e as Error).message}`) });
  scheduler.run();
  clock.runUntilIdle();
  return { seen, end, src, scheduler };
}

const EVENTS: SensorEvent<number>[] = [
  { sensorId: 'a', ts: T0 + 10, val: 1 },
  { sensorId: 'b', ts: T0 + 10, val: 2 },
  { sensorId: 'a', ts: T0 + 12.5, val: 3 },
  { sensorId: 'a', ts: T0 + 70, val: 4 },
];

describe('ReplaySource', () => {
  test('keeps the recorded gaps from the first event (align: start), then completes and stops the scheduler', () => {
    const { seen, end, scheduler } = replay(recording(EVENTS));
    expect(seen.map(([t]) => t)).toEqual([0, 0, 2500, 60000]);
    expect(seen.map(([, e]) => e)).toEqual(EVENTS);
    expect(end).toBe('completed');
    expect(scheduler.isRunning).toBe(false);
  });

  test('plays at the recorded instants on a clock with the same epoch (align: clock), and faster with speed', () => {
    expect(replay(recording(EVENTS), { align: 'clock' }, { epochMs: EPOCH }).seen.map(([t]) => t)).toEqual([10000, 10000, 12500, 70000]);
    expect(replay(recording(EVENTS), { speed: 10 }).seen.map(([t]) => t)).toEqual([0, 0, 250, 6000]);
  });

  test('align: clock, made once the scheduler\'s clock has wrapped (a board\'s 32-bit ms count, after 49.7 days): the recorded instants on the scheduler\'s time, not a period off', () => {
    const period = 2 ** 16;
    // The scheduler runs at the wall time EPOCH, 1 s before its clock's count wraps.
    const clock = new VirtualClock({ period, start: period - 1000, epochMs: EPOCH - (period - 1000) });
    const scheduler = new Scheduler(clock);
    scheduler.scheduleSensor({ sensorId: 'tick', sample: () => 0 }, 1, { onNext() {}, onCompleted() {}, onError() {} });
    scheduler.run();
    clock.advance(5000);
    const src = new ReplaySource(MemoryLines.of(recording(EVENTS)), csvFormat(), scheduler, { align: 'clock' });
    const seen: number[] = [];
    src.connect({ onNext: () => seen.push(scheduler.elapsed), onCompleted() {}, onError() {} });
    clock.advance(70_000);
    expect(seen).toEqual([10000, 10000, 12500, 70000]);
  });

  test('a bad line ends the stream with an error naming the line, or is skipped and counted', () => {
    const text = recording(EVENTS).replace('12.5,', '12.5x,');
    const failed = replay(text);
    expect(failed.end).toMatch(/^error replay: line 4 .*timestamp '1767225612.5x' is not a number/);
    expect(failed.seen.length).toBe(2);
    const skipped: Error[] = [];
    const r = replay(text, { badLines: 'skip', onBadLine: (e) => skipped.push(e) });
    expect(r.seen.map(([, e]) => e.val)).toEqual([1, 2, 4]);
    expect(r.src.skippedLines).toBe(1);
    expect(skipped[0]).toBeInstanceOf(ReplayLineError);
    expect(r.end).toBe('completed');
  });

  test('JSON Lines round trip, and non-JSON numbers are refused with the event named', () => {
    const lines = new MemoryLines();
    const w = new RecordWriter(lines, jsonLinesFormat(), { badEvents: 'skip' });
    const errors: unknown[] = [];
    const reported: string[] = [];
    setErrorReporter((m, e) => reported.push(`${m} ${(e as Error).message}`));
    w.connect({ onNext() {}, onCompleted() {}, onError: (e) => errors.push(e) });
    w.onNext({ sensorId: 'x', ts: T0, val: 1.5 });
    w.onNext({ sensorId: 'x', ts: T0 + 1, val: NaN });
    w.onCompleted();
    setErrorReporter(undefined);
    expect(w.badEvents).toBe(1);
    expect(reported).toEqual([expect.stringMatching(/recording skipped an event RecordWriter: cannot write event .*val is NaN, which JSON cannot hold/)]);
    expect(lines.contents).toBe(`{"sensorId":"x","ts":${T0},"val":1.5}\n`);
    const clock = new VirtualClock();
    const s = new Scheduler(clock);
    const got: unknown[] = [];
    new ReplaySource(MemoryLines.of(lines.contents), jsonLinesFormat(), s).connect((e) => got.push(e));
    s.run();
    clock.runUntilIdle();
    expect(got).toEqual([{ sensorId: 'x', ts: T0, val: 1.5 }]);
  });

  test('a writer that cannot write an event ends its stream with an error that names it (badEvents: error)', () => {
    const lines = new MemoryLines();
    const w = new RecordWriter(lines, csvFormat());
    const src = new Scheduler(new VirtualClock());
    void src;
    const rec: string[] = [];
    w.connect({ onNext() {}, onCompleted() {}, onError: (e) => rec.push((e as Error).message) });
    expect(() => w.onNext({ sensorId: 'x', ts: 'soon' } as unknown as SensorEvent<number>)).toThrow(/cannot write event \{"sensorId":"x","ts":"soon"\}/);
  });

  test('CSV records: quoting, a record over two lines, Python float text', () => {
    const cells: string[] = [];
    expect(parseCsvRecord('a,"b,c","d ""e"""', cells)).toBe(3);
    expect(cells).toEqual(['a', 'b,c', 'd "e"']);
    expect(parseCsvRecord('1,"two\r', cells)).toBe(-1);
    expect(parseCsvRecord('1,"two\nlines",3\r', cells)).toBe(3);
    expect(cells).toEqual(['1', 'two\nlines', '3']);
    expect(formatCsvRecord(['two\nlines', null, 3])).toBe('"two\nlines",,3');
    expect([1e-7, 1e16, 123456789012345680000, 0.5, -2, 1e22, 5e-324].map(pythonFloat))
      .toEqual(['1e-07', '1e+16', '1.2345678901234568e+20', '0.5', '-2.0', '1e+22', '5e-324']);
    // Through the format: a quoted line break survives a replay.
    const text = recording([{ sensorId: 'multi\nline', ts: T0, val: 1 }]);
    expect(replay(text).seen.map(([, e]) => e.sensorId)).toEqual(['multi\nline']);
  });
});

describe('ReplaySource on a real clock, and files', () => {
  test('paced by the recording on NodeClock (speed 10: 1 s of recording in 100 ms)', async () => {
    const { NodeClock } = await import('../../../hosts/node/clock');
    const clock = new NodeClock();
    const scheduler = new Scheduler(clock);
    const text = recording([0, 1, 2].map((i) => ({ sensorId: 'a', ts: T0 + i, val: i })));
    const src = new ReplaySource(MemoryLines.of(text), csvFormat(), scheduler, { speed: 10 });
    const at: number[] = [];
    const done = new Promise<void>((resolve) => src.connect({ onNext: () => at.push(clock.now()), onCompleted: resolve, onError: resolve }));
    const start = clock.now();
    scheduler.run();
    await done;
    // Order and pacing: the last event cannot come before 200 ms of real time have passed.
    expect(at.length).toBe(3);
    expect(at[2] - start).toBeGreaterThanOrEqual(195);
    expect(at[1] - start).toBeGreaterThanOrEqual(95);
  });

  test('a file line longer than maxLineBytes is an error naming the file and line', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { fileLineSource } = await import('../../../hosts/node/line-file');
    const dir = mkdtempSync(join(tmpdir(), 'thingflow-lines-'));
    const path = join(dir, 'long.csv');
    writeFileSync(path, `ok\n${'x'.repeat(5000)}\nnever\n`);
    const lines = fileLineSource(path, { chunkBytes: 256, maxLineBytes: 1024 });
    expect(lines.readLine()).toBe('ok');
    expect(() => lines.readLine()).toThrow(`${path}: line 2 is longer than 1024 bytes (maxLineBytes)`);
    lines.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
