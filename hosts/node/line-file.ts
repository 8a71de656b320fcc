/**
 * Files as the line sink and source a recording needs (runtime/record),
 * with bounded memory: the sink writes through once its buffer holds
 * `bufferBytes`, the source reads `chunkBytes` at a time and refuses a line
 * longer than `maxLineBytes` with an error naming it. Both are synchronous,
 * which a replay on a virtual clock needs to stay deterministic; a recording
 * written from a live flow costs one `write(2)` per buffer.
 */
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { LineBuffer, type LineSink, type LineSource } from '../../runtime/record/line-io';

export interface FileLineSinkOptions {
  /** Bytes held before a write to the file (default 64 KiB). */
  bufferBytes?: number;
  /** Append to an existing file instead of replacing it. */
  append?: boolean;
  /** fsync on close (default false). */
  sync?: boolean;
}

export class FileLineSink implements LineSink {
  /** Bytes written to the file so far. */
  bytesWritten = 0;
  private fd: number | undefined;
  private buffered: string[] = [];
  private bufferedBytes = 0;
  private readonly limit: number;
  private readonly sync: boolean;

  constructor(readonly path: string, opts: FileLineSinkOptions = {}) {
    this.fd = openSync(path, opts.append ? 'a' : 'w');
    this.limit = opts.bufferBytes ?? 65536;
    this.sync = opts.sync === true;
  }

  write(text: string): void {
    if (this.fd === undefined) throw new Error(`${this.path}: the recording is closed`);
    this.buffered.push(text);
    this.bufferedBytes += text.length; // UTF-16 units: close enough to bound the buffer
    if (this.bufferedBytes >= this.limit) this.flush();
  }

  flush(): void {
    if (this.fd === undefined || this.buffered.length === 0) return;
    const data = Buffer.from(this.buffered.join(''), 'utf8');
    this.buffered = [];
    this.bufferedBytes = 0;
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off);
    this.bytesWritten += data.length;
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    if (this.sync) fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface FileLineSourceOptions {
  /** Bytes read from the file at a time (default 64 KiB). */
  chunkBytes?: number;
  /** The longest line accepted (default 1 MiB): a file with no line ends is an error, not a memory hog. */
  maxLineBytes?: number;
}

export class FileLineSource implements LineSource {
  private fd: number | undefined;
  private readonly chunk: Buffer;
  private readonly decoder = new StringDecoder('utf8');
  private readonly buffer = new LineBuffer();
  private eof = false;
  private readonly maxLine: number;
  /** Lines read so far. */
  lines = 0;

  constructor(readonly path: string, opts: FileLineSourceOptions = {}) {
    this.fd = openSync(path, 'r');
    this.chunk = Buffer.allocUnsafe(opts.chunkBytes ?? 65536);
    this.maxLine = opts.maxLineBytes ?? 1 << 20;
  }

  readLine(): string | undefined {
    for (;;) {
      const line = this.buffer.takeLine();
      if (line !== undefined) {
        this.lines++;
        return line;
      }
      if (this.buffer.pending > this.maxLine) {
        throw new RangeError(`${this.path}: line ${this.lines + 1} is longer than ${this.maxLine} bytes (maxLineBytes)`);
      }
      if (this.eof || this.fd === undefined) {
        const last = this.buffer.takeRest();
        if (last !== undefined) this.lines++;
        return last;
      }
      const n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
      this.buffer.append(n > 0 ? this.decoder.write(this.chunk.subarray(0, n)) : this.decoder.end());
      if (n === 0) this.eof = true;
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A file to record into (replaced unless `append`). */
export function fileLineSink(path: string, opts?: FileLineSinkOptions): FileLineSink {
  return new FileLineSink(path, opts);
}

/** A recorded file to replay. */
export function fileLineSource(path: string, opts?: FileLineSourceOptions): FileLineSource {
  return new FileLineSource(path, opts);
}

/** `csv` for a `.csv` file, `jsonl` for `.jsonl`/`.ndjson`/`.json`, else undefined. */
export function recordingKindOf(path: string): 'csv' | 'jsonl' | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) return 'jsonl';
  return undefined;
}
