/**
 * The CSV round trip against ThingFlow-Python's own dialect: the events of
 * its tests/test_csv_adapters.py (the rolling-writer EVENTS, and sensor
 * events like its make_test_publisher's: time.time() stamps, gaussian
 * floats) are written here and by Python's csv module with ThingFlow's
 * SensorEventMapping columns (timestamp, utcfromtimestamp(ts).isoformat(),
 * sensor_id, value); the files must be byte-identical, and each side must
 * read the other's file back to the same events.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SensorEvent } from '../../../runtime/core/input-thing';
import { fromIterable } from '../../../runtime/core/from-iterable';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { csvFormat } from '../../../runtime/record/record-format';
import { RecordWriter } from '../../../runtime/record/record-writer';
import { ReplaySource } from '../../../runtime/record/replay-source';
import { sensorEventRowMapping } from '../../../runtime/record/event-row-mapping';
import { fileLineSink, fileLineSource } from '../../../hosts/node/line-file';
import { Recorder } from '../../support/recorder';

// test_csv_adapters.py: make_ts(day, hr, minute) = seconds of 2015-01-<day> <hr>:<minute> UTC, a float.
const makeTs = (day: number, hr: number, minute: number): number => Date.UTC(2015, 0, day, hr, minute) / 1000;

/** [sensorId, ts, val, python literal of val]: Python knows int from float, JavaScript does not. */
const EVENTS: [string | number, number, number, string][] = [
  ['dining-room', makeTs(1, 11, 1), 1, '1'],
  ['dining-room', makeTs(1, 11, 2), 2, '2'],
  ['living-room', makeTs(2, 11, 1), 3, '3'],
  ['dining-room', makeTs(2, 11, 2), 4, '4'],
  // make_test_publisher(1, ...): sensor id 1, time.time() stamps, random.gauss values.
  [1, 1764826123.456789, 123.456, '123.456'],
  [1, 1764826124.0000005, -0.000012345, '-0.000012345'],
  [1, 1764826125.25, 0.1 + 0.2, '0.1 + 0.2'],
  [1, 1764826126.999999, 1e16, '1e16'],
  [1, 1764826127.1, -273.15, '-273.15'],
  ['with,comma "quoted"', 1764826128, 5.5, '5.5'],
];

const PYTHON_WRITER = `
import csv, datetime, sys, warnings
warnings.simplefilter('ignore')
events = [${EVENTS.map(([id, ts, , lit]) => `(${JSON.stringify(id)}, ${ts === Math.floor(ts) ? `${ts}.0` : String(ts)}, ${lit})`).join(', ')}]
w = csv.writer(sys.stdout)
w.writerow(['timestamp', 'datetime', 'sensor_id', 'value'])
for (sensor_id, ts, val) in events:
    w.writerow([ts, datetime.datetime.utcfromtimestamp(ts).isoformat(), sensor_id, val])
`;

// ThingFlow's CsvReader + SensorEventMapping.row_to_event, printing what it read as JSON.
const PYTHON_READER = `
import csv, json, sys
r = csv.reader(open(sys.argv[1], newline=''))
next(r)
out = []
for row in r:
    ts = float(row[0])
    try:
        sensor_id = int(row[2])
    except ValueError:
        sensor_id = row[2]
    out.append([sensor_id, ts, float(row[3])])
print(json.dumps(out))
`;

function python(script: string, args: string[] = []): string {
  return execFileSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
}

describe('CSV recording in ThingFlow-Python\'s dialect', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thingflow-csv-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const events: SensorEvent<number>[] = EVENTS.map(([sensorId, ts, val]) => ({ sensorId, ts, val }));

  function writeWithThingflowXs(path: string): RecordWriter<SensorEvent<number>> {
    const scheduler = new Scheduler(new VirtualClock());
    const source = fromIterable(events);
    const writer = new RecordWriter(fileLineSink(path), csvFormat());
    source.connect(writer);
    scheduler.schedulePeriodic(source, 1);
    scheduler.run();
    (scheduler.clock as VirtualClock).runUntilIdle();
    return writer;
  }

  it('writes the same bytes as Python\'s csv writer with ThingFlow\'s SensorEventMapping', () => {
    const ours = join(dir, 'ours.csv');
    const writer = writeWithThingflowXs(ours);
    expect(writer.written).toBe(events.length);
    const theirs = python(PYTHON_WRITER);
    expect(readFileSync(ours, 'utf8')).toBe(theirs);
    // Spot-check the dialect: \\r\\n line ends, float timestamps, ISO datetimes, quoting.
    expect(theirs.split('\r\n')[1]).toBe('1420110060.0,2015-01-01T11:01:00,dining-room,1');
    expect(theirs).toContain('1764826123.456789,2025-12-04T05:28:43.456789,1,123.456');
    expect(theirs).toContain('"with,comma ""quoted"""');
  });

  it('reads Python\'s file back to the same events, and writes the same rows again', () => {
    const theirs = join(dir, 'theirs.csv');
    writeFileSync(theirs, python(PYTHON_WRITER));
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const replay = new ReplaySource(fileLineSource(theirs), csvFormat(), scheduler);
    const got = new Recorder<SensorEvent<number>>();
    replay.connect(got);
    const again = join(dir, 'again.csv');
    replay.connect(new RecordWriter(fileLineSink(again), csvFormat()));
    scheduler.run();
    clock.runUntilIdle();
    expect(got.completed).toBe(true);
    expect(got.values).toEqual(events);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(theirs, 'utf8'));
  });

  it('writes a file ThingFlow\'s CsvReader reads back to the same events', () => {
    const ours = join(dir, 'for-python.csv');
    writeWithThingflowXs(ours);
    const read = JSON.parse(python(PYTHON_READER, [ours])) as [string | number, number, number][];
    expect(read).toEqual(events.map((e) => [e.sensorId, e.ts, e.val]));
  });

  it('round-trips one event through the mapping (test_default_mapper)', () => {
    const event = { sensorId: 1, ts: Date.now() / 1000, val: 123.456 };
    const row: (string | number | boolean | null | undefined)[] = [];
    sensorEventRowMapping.eventToRow(event, row);
    expect(sensorEventRowMapping.rowToEvent(row.map(String))).toEqual(event);
  });
});
