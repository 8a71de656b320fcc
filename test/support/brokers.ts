/**
 * Real MQTT brokers for tests: aedes (always; in a child process because
 * jest loads tests as CommonJS and aedes is ESM-only) and mosquitto (when the
 * binary is installed; started on a free port with a generated config).
 *
 * Both can be made to fail mid-test: `outage(ms)` cuts every connection and
 * refuses new ones for a while. For mosquitto that is a real `kill -9` and a
 * restart from its persistence file; for aedes the listener closes and every
 * socket is destroyed while the broker's sessions survive (as a broker with
 * persistent storage would).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { needTool, type SystemTool } from './system-tools';

export interface TestBroker {
  readonly name: 'aedes' | 'mosquitto';
  readonly port: number;
  /** With `logTopic` (aedes): payloads accepted on that topic, in order, duplicates included. */
  readonly accepted: string[];
  /** Abrupt failure: every connection is cut, the port refuses connections for `ms`, then it serves again. */
  outage(ms: number): Promise<void>;
  /** Resolves once the broker has saved its sessions to disk (mosquitto); at once for aedes. */
  persisted(): Promise<void>;
  /** SIGSTOP the broker process: its sockets stay open but nothing answers (a hung broker). */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  stop(): Promise<void>;
}

export interface TestBrokerOptions {
  credentials?: { username: string; password: string };
  /** aedes only: record the payloads clients publish on this topic, in the order the broker accepts them. */
  logTopic?: string;
  /** mosquitto only: more configuration lines (a bridge to another broker, ...). */
  extraConfig?: string[];
}

const MOSQUITTO_PATHS = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/local/bin/mosquitto'];

/** $MOSQUITTO_PATH when set (and present), else Debian's and /usr/local's places for it. */
export function mosquittoPath(): string | undefined {
  const fromEnv = process.env.MOSQUITTO_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return MOSQUITTO_PATHS.find((p) => existsSync(p));
}

export const MOSQUITTO: SystemTool = {
  name: 'mosquitto',
  install: 'sudo apt-get install -y mosquitto (or set MOSQUITTO_PATH)',
  locate: mosquittoPath,
};

/**
 * For `describe.each`: aedes, and mosquitto when installed. Without it the mosquitto half of the
 * file is skipped with one line saying so (an error under CI=true: test/support/system-tools.ts).
 */
export function availableBrokers(): ('aedes' | 'mosquitto')[] {
  return needTool(MOSQUITTO, 'the mosquitto half of these MQTT tests (they still run against aedes)') ? ['aedes', 'mosquitto'] : ['aedes'];
}

export function startBroker(name: 'aedes' | 'mosquitto', opts: TestBrokerOptions = {}): Promise<TestBroker> {
  return name === 'aedes' ? startAedes(opts) : startMosquitto(opts);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

export async function startAedes(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  // node itself (not the tsx wrapper, which forks) so that signals reach the broker.
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'aedes-process.ts'), JSON.stringify({ port: 0, credentials: opts.credentials, logTopic: opts.logTopic })], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: join(__dirname, '../..'),
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  const accepted: string[] = [];
  lines.on('line', (line) => {
    if (line.startsWith('pub ')) accepted.push(line.slice(4));
    else waiting.shift()?.(line);
  });
  const nextLine = () => new Promise<string>((resolve, reject) => {
    waiting.push(resolve);
    child.once('exit', (code) => reject(new Error(`aedes process exited (${code})`)));
  });
  const { port } = JSON.parse(await nextLine()) as { port: number };
  const command = async (cmd: string) => {
    const reply = nextLine();
    child.stdin!.write(`${cmd}\n`);
    await reply;
  };
  return {
    name: 'aedes',
    port,
    accepted,
    persisted: async () => {},
    async outage(ms: number) {
      await command('suspend');
      await sleep(ms);
      await command('resume');
    },
    freeze: () => { child.kill('SIGSTOP'); },
    thaw: () => { child.kill('SIGCONT'); },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGCONT');
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.write('close\n');
      await exited;
    },
  };
}

export async function startMosquitto(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  const bin = mosquittoPath();
  if (!bin) throw new Error('mosquitto is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'tf-mosquitto-'));
  const port = await freePort();
  const conf = [
    `listener ${port} 127.0.0.1`,
    // Persistence so a kill -9 and restart keeps sessions and subscriptions (saved on every change).
    'persistence true',
    `persistence_location ${dir}/`,
    'autosave_interval 1',
    'autosave_on_changes true',
    'log_dest none',
  ];
  if (process.getuid?.() === 0) conf.push('user root'); // otherwise it drops to 'mosquitto' and cannot write `dir`
  if (opts.credentials) {
    const pw = join(dir, 'passwd');
    writeFileSync(pw, '');
    const r = spawnSync('mosquitto_passwd', ['-b', pw, opts.credentials.username, opts.credentials.password]);
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
    conf.push('allow_anonymous false', `password_file ${pw}`);
  } else {
    conf.push('allow_anonymous true');
  }
  conf.push(...(opts.extraConfig ?? []));
  const confPath = join(dir, 'mosquitto.conf');
  writeFileSync(confPath, `${conf.join('\n')}\n`);
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(bin, ['-c', confPath], { stdio: 'ignore' });
    await waitForPort(port);
  };
  await launch();
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  return {
    name: 'mosquitto',
    port,
    accepted: [],
    async persisted() {
      const db = join(dir, 'mosquitto.db');
      const until = Date.now() + 10_000;
      while (!existsSync(db)) {
        if (Date.now() > until) throw new Error(`mosquitto wrote no ${db} within 10 s`);
        await sleep(20);
      }
    },
    async outage(ms: number) {
      await kill();
      await sleep(ms);
      await launch();
    },
    freeze: () => { child.kill('SIGSTOP'); },
    thaw: () => { child.kill('SIGCONT'); },
    async stop() {
      child.kill('SIGCONT');
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
