/// <reference path="../../node_modules/@moddable/typings/file.d.ts" />
/**
 * Recording on a board: lines go to flash through Moddable's `file` module
 * as a bounded ring of files, `<prefix>-<seq>.<ext>`. When the current file
 * reaches `fileBytes` the next sequence number starts a new file and the
 * oldest beyond `files` is deleted, so a recording never fills the flash: it
 * keeps the latest `files × fileBytes` bytes. Each file starts with the
 * recording's first line (the CSV header), so any one file reads on its own.
 * Lines are gathered in RAM up to `bufferBytes` before a flash write (flash
 * wears with writes). After a reboot the ring continues after the newest file.
 *
 * ```ts
 * const ring = new FlashRingSink({ root: '/mod/', prefix: 'lux', files: 8, fileBytes: 16384 });
 * sensor.connect(new RecordWriter(ring, csvFormat()));
 * ```
 */
import { File, Iterator } from 'file';
import { LineBuffer, type LineSink, type LineSource } from '../../runtime/record/line-io';

export interface FlashRingOptions {
  /** Directory the files live in, with its trailing slash (e.g. `config.file.root`, `/mod/`). */
  root: string;
  /** File name prefix (default `rec`). */
  prefix?: string;
  /** File name extension (default `csv`). */
  ext?: string;
  /** Files kept (default 4). */
  files?: number;
  /** Size at which a file is full (default 16 KiB). */
  fileBytes?: number;
  /** Bytes gathered in RAM before a flash write (default 512). */
  bufferBytes?: number;
  /** Repeat the first line written (a CSV header) at the top of each file (default true). */
  headerPerFile?: boolean;
}

/** Sequence numbers of the ring's files on flash, oldest first. */
export function ringSequence(root: string, prefix: string, ext: string): number[] {
  const seqs: number[] = [];
  const it = new Iterator(root);
  const head = `${prefix}-`;
  const tail = `.${ext}`;
  for (let item = it.next(); item !== undefined; item = it.next()) {
    const name = item.name;
    if (item.length === undefined || !name.startsWith(head) || !name.endsWith(tail)) continue;
    const n = Number(name.slice(head.length, name.length - tail.length));
    if (Number.isInteger(n) && n >= 0) seqs.push(n);
  }
  return seqs.sort((a, b) => a - b);
}

export class FlashRingSink implements LineSink {
  /** Files started (rotations + 1). */
  filesStarted = 0;
  /** Files deleted to keep the ring bounded. */
  filesDeleted = 0;
  private readonly root: string;
  private readonly prefix: string;
  private readonly ext: string;
  private readonly files: number;
  private readonly fileBytes: number;
  private readonly bufferBytes: number;
  private readonly headerPerFile: boolean;
  private header: string | undefined;
  private seq: number;
  private file: File | undefined;
  private fileLength = 0;
  private buffer = '';

  constructor(opts: FlashRingOptions) {
    this.root = opts.root;
    this.prefix = opts.prefix ?? 'rec';
    this.ext = opts.ext ?? 'csv';
    this.files = opts.files ?? 4;
    this.fileBytes = opts.fileBytes ?? 16384;
    this.bufferBytes = opts.bufferBytes ?? 512;
    this.headerPerFile = opts.headerPerFile !== false;
    if (!(this.files >= 1) || !(this.fileBytes >= 64)) throw new RangeError('FlashRingSink: files >= 1 and fileBytes >= 64');
    const existing = ringSequence(this.root, this.prefix, this.ext);
    this.seq = existing.length > 0 ? existing[existing.length - 1] + 1 : 0;
  }

  /** The path of file number `seq`. */
  path(seq: number): string {
    return `${this.root}${this.prefix}-${seq}.${this.ext}`;
  }

  write(text: string): void {
    if (this.header === undefined && this.headerPerFile) {
      this.header = text; // open() writes it at the top of this file and of every later one
      this.open();
      return;
    }
    this.buffer += text;
    if (this.buffer.length >= this.bufferBytes) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    if (this.file === undefined || this.fileLength >= this.fileBytes) this.open();
    const file = this.file as File;
    file.write(this.buffer);
    this.fileLength += this.buffer.length;
    this.buffer = '';
  }

  close(): void {
    this.flush();
    if (this.file !== undefined) this.file.close();
    this.file = undefined;
  }

  /** Start the next file of the ring; delete the one that falls out of it. */
  private open(): void {
    if (this.file !== undefined) this.file.close();
    const seq = this.seq++;
    const path = this.path(seq);
    File.delete(path);
    this.file = new File(path, true);
    this.fileLength = 0;
    this.filesStarted++;
    const old = seq - this.files;
    if (old >= 0 && File.exists(this.path(old))) {
      File.delete(this.path(old));
      this.filesDeleted++;
    }
    if (this.header !== undefined && this.headerPerFile) {
      this.file.write(this.header);
      this.fileLength += this.header.length;
    }
  }
}

/**
 * The ring read back, oldest file first, one line at a time (reading
 * `chunkBytes` of flash at a time); the repeated header of every file after
 * the first is skipped, so a replay sees one recording.
 */
export class FlashRingSource implements LineSource {
  private readonly seqs: number[];
  private index = -1;
  private file: File | undefined;
  private readonly buffer = new LineBuffer();
  private skipHeader = false;

  constructor(private readonly opts: FlashRingOptions & { chunkBytes?: number }) {
    this.seqs = ringSequence(opts.root, opts.prefix ?? 'rec', opts.ext ?? 'csv');
  }

  readLine(): string | undefined {
    for (;;) {
      const line = this.buffer.takeLine();
      if (line !== undefined) {
        if (this.skipHeader) {
          this.skipHeader = false;
          continue;
        }
        return line;
      }
      const file = this.file;
      if (file !== undefined && file.position < file.length) {
        this.buffer.append(file.read(String, Math.min(this.opts.chunkBytes ?? 512, file.length - file.position)));
        continue;
      }
      // A last line without its line end.
      const last = this.buffer.takeRest();
      if (last !== undefined) return last;
      if (!this.nextFile()) return undefined;
    }
  }

  private nextFile(): boolean {
    if (this.file !== undefined) this.file.close();
    this.file = undefined;
    if (++this.index >= this.seqs.length) return false;
    this.file = new File(`${this.opts.root}${this.opts.prefix ?? 'rec'}-${this.seqs[this.index]}.${this.opts.ext ?? 'csv'}`);
    this.skipHeader = this.index > 0 && this.opts.headerPerFile !== false;
    return true;
  }

  close(): void {
    if (this.file !== undefined) this.file.close();
    this.file = undefined;
    this.index = this.seqs.length;
  }
}
