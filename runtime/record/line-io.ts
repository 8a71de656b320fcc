/**
 * What a recording needs from a host: somewhere to append lines and
 * something to read them back, one at a time. Node binds these to files
 * (hosts/node/line-file.ts), a board to flash (hosts/moddable/flash-ring.ts),
 * a test to an array. Reading is synchronous and pull-based so a replay on a
 * virtual clock stays deterministic and holds one line at a time.
 */
export interface LineSink {
  /** Append `text` (one or more whole lines, with their line ends). */
  write(text: string): void;
  /** Push what is buffered to the medium. */
  flush?(): void;
  close(): void;
}

export interface LineSource {
  /** The next line without its `\n` (a `\r` before it is kept), or `undefined` at the end. */
  readLine(): string | undefined;
  close(): void;
}

/**
 * Text that arrives in chunks (a file read piecewise), handed out one line at
 * a time. It keeps only the unread tail, so memory is one chunk plus the
 * current line. The line sources of the hosts read through one of these.
 */
export class LineBuffer {
  private text = '';
  private at = 0;

  /** The next whole line without its `\n`, or undefined until more text is appended. */
  takeLine(): string | undefined {
    const nl = this.text.indexOf('\n', this.at);
    if (nl < 0) return undefined;
    const line = this.text.slice(this.at, nl);
    this.at = nl + 1;
    return line;
  }

  /** Add a chunk after the unread tail (what was read is dropped). */
  append(chunk: string): void {
    this.text = this.text.slice(this.at) + chunk;
    this.at = 0;
  }

  /** Characters not yet handed out (the current line so far). */
  get pending(): number {
    return this.text.length - this.at;
  }

  /** At the end of the input: a last line without its line end, or undefined when nothing is left. */
  takeRest(): string | undefined {
    if (this.at >= this.text.length) return undefined;
    const rest = this.text.slice(this.at);
    this.text = '';
    this.at = 0;
    return rest;
  }
}

/** Lines held in memory: for tests and for recordings made and replayed in one process. */
export class MemoryLines implements LineSink, LineSource {
  private text = '';
  private at = 0;
  closed = false;

  write(text: string): void {
    this.text += text;
  }

  close(): void {
    this.closed = true;
  }

  /** Everything written so far. */
  get contents(): string {
    return this.text;
  }

  /** A fresh reader over what was written (or over `text`). */
  static of(text: string): MemoryLines {
    const m = new MemoryLines();
    m.text = text;
    return m;
  }

  readLine(): string | undefined {
    if (this.at >= this.text.length) return undefined;
    const nl = this.text.indexOf('\n', this.at);
    const end = nl < 0 ? this.text.length : nl;
    const line = this.text.slice(this.at, end);
    this.at = end + 1;
    return line;
  }
}
