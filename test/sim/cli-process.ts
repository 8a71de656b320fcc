/**
 * Runs the CLI as a user does, from source in its own process (`tsx sim/cli.ts`,
 * `node --import tsx sim/cli.ts` as `npm start` runs it), with the exit code,
 * stdout and stderr it leaves.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const TSX = join(ROOT, 'node_modules/.bin/tsx');

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
  /** Set when the process had to be killed because it did not end by itself. */
  timedOut: boolean;
}

/** Run `tsx sim/cli.ts sim <args>` to its end (at most `timeoutMs`). */
export function runCli(args: string[], timeoutMs = 60_000): CliResult {
  return runCliVerb('sim', args, timeoutMs);
}

/** Run `tsx sim/cli.ts <verb> <args>` to its end (at most `timeoutMs`), with `env` over this process's. */
export function runCliVerb(verb: string, args: string[], timeoutMs = 60_000, env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(TSX, ['sim/cli.ts', verb, ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr, timedOut: r.error !== undefined || r.signal !== null };
}

/**
 * A CLI process still running: its output so far, a way to wait for a line, and its end.
 * It runs as `npm start` does, `node --import tsx sim/cli.ts`: one process, which gets
 * Ctrl-C itself. (The `tsx` command instead relays signals to a child node and kills it
 * when the child has not acknowledged a signal within about 60 ms, which a busy machine
 * misses now and then: no summary.)
 */
export class LiveCli {
  out = '';
  err = '';
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    // Its own process group, as a shell gives a foreground job: Ctrl-C signals the whole group.
    this.child = spawn(process.execPath, ['--import', 'tsx', 'sim/cli.ts', 'sim', ...args], { cwd: ROOT, detached: true });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => { this.out += d; });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.err += d; });
    this.exited = new Promise((done) => this.child.on('exit', (code) => done(code)));
  }

  /** Wait until stdout matches `pattern` (rejects after `timeoutMs`, or when the process ends first). */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.out.match(pattern);
      if (m) return m;
      if (this.child.exitCode !== null) throw new Error(`the CLI ended (code ${this.child.exitCode}) before printing ${pattern}:\n${this.out}\n${this.err}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.out}\n${this.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ctrl-C in a terminal: SIGINT to the foreground process group (tsx and the node it runs). */
  interrupt(): void {
    process.kill(-this.child.pid!, 'SIGINT');
  }

  /** Make sure nothing is left running (after a failed assertion). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
