/**
 * The flash ring's logic (rotation, bound, header per file, resume after a
 * reboot, reading back) against Moddable's `file` module API. That module
 * only exists on a board or in Moddable's simulator, neither of which runs
 * here, so the test supplies the same API (File, Iterator; the semantics of
 * documentation/files/files.md) over real files in a temp directory.
 */
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.mock('file', () => {
  class File {
    private fd: number;
    position = 0;
    constructor(path: string, write = false) {
      if (!write && !existsSync(path)) throw new Error(`file not found: ${path}`);
      this.fd = openSync(path, write ? (existsSync(path) ? 'r+' : 'w+') : 'r');
    }
    get length(): number {
      return fstatSync(this.fd).size;
    }
    read(_type: unknown, bytes?: number): string {
      const n = bytes ?? this.length - this.position;
      const buf = Buffer.alloc(n);
      const got = readSync(this.fd, buf, 0, n, this.position);
      this.position += got;
      return buf.subarray(0, got).toString('utf8');
    }
    write(value: string): void {
      const buf = Buffer.from(value, 'utf8');
      writeSync(this.fd, buf, 0, buf.length, this.position);
      this.position += buf.length;
    }
    close(): void {
      closeSync(this.fd);
    }
    static delete(path: string): boolean {
      if (!existsSync(path)) return false;
      unlinkSync(path);
      return true;
    }
    static exists(path: string): boolean {
      return existsSync(path);
    }
    static rename(from: string, to: string): boolean {
      renameSync(from, to);
      return true;
    }
  }
  class Iterator {
    private names: string[];
    constructor(private readonly dir: string) {
      this.names = readdirSync(dir);
    }
    next(): { name: string; length: number | undefined } | undefined {
      const name = this.names.shift();
      if (name === undefined) return undefined;
      const st = statSync(join(this.dir, name));
      return { name, length: st.isDirectory() ? undefined : st.size };
    }
  }
  return { File, Iterator };
}, { virtual: true });

// eslint-disable-next-line import/first
import { FlashRingSink, FlashRingSource, ringSequence } from '../../../hosts/moddable/flash-ring';
import { RecordWriter } from '../../../runtime/record/record-writer';
import { csvFormat } from '../../../runtime/record/record-format';
import { ReplaySource } from '../../../runtime/record/replay-source';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import type { SensorEvent } from '../../../runtime/core/input-thing';

const T0 = Date.UTC(2026, 5, 21) / 1000;
const ev = (i: number): SensorEvent<number> => ({ sensorId: 'lux', ts: T0 + i * 60, val: 100 + i });

describe('FlashRingSink / FlashRingSource', () => {
  let root: string;
  beforeEach(() => {
    root = `${mkdtempSync(join(tmpdir(), 'thingflow-flash-'))}/`;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function record(from: number, to: number, opts = {}) {
    const ring = new FlashRingSink({ root, prefix: 'lux', files: 3, fileBytes: 256, bufferBytes: 64, ...opts });
    const w = new RecordWriter(ring, csvFormat());
    for (let i = from; i < to; i++) w.onNext(ev(i));
    w.onCompleted();
    return ring;
  }

  function replayAll(): SensorEvent<number>[] {
    const clock = new VirtualClock();
    const s = new Scheduler(clock);
    const got: SensorEvent<number>[] = [];
    new ReplaySource(new FlashRingSource({ root, prefix: 'lux' }), csvFormat(), s).connect((e) => got.push(e));
    s.run();
    clock.runUntilIdle();
    return got;
  }

  test('keeps at most `files` files of about `fileBytes`, each starting with the header; the newest events survive', () => {
    const ring = record(0, 200);
    const files = readdirSync(root).sort();
    expect(files.length).toBe(3);
    expect(ring.filesDeleted).toBe(ring.filesStarted - 3);
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8');
      expect(text.startsWith('timestamp,datetime,sensor_id,value\r\n')).toBe(true);
      expect(text.length).toBeLessThan(256 + 64 + 60); // full at fileBytes, plus at most one buffer
    }
    const got = replayAll();
    // The tail of the recording, contiguous and in order, ending with the last event.
    expect(got[got.length - 1]).toEqual(ev(199));
    const first = got[0].val - 100;
    expect(got).toEqual(Array.from({ length: 200 - first }, (_, i) => ev(first + i)));
    expect(got.length).toBeGreaterThan(10);
  });

  test('after a reboot the ring goes on after the newest file', () => {
    record(0, 5);
    const before = ringSequence(root, 'lux', 'csv');
    record(5, 10);
    const after = ringSequence(root, 'lux', 'csv');
    expect(after[after.length - 1]).toBeGreaterThan(before[before.length - 1]);
    for (const f of readdirSync(root)) expect(readFileSync(join(root, f), 'utf8').split('timestamp,').length).toBe(2); // one header each
    expect(replayAll()).toEqual(Array.from({ length: 10 }, (_, i) => ev(i)));
  });
});
