/**
 * A throw-away PostgreSQL server for tests and benchmarks: initdb in a
 * mkdtemp data directory, listening on 127.0.0.1 on a free port (and a Unix
 * socket in the same directory), started and stopped with pg_ctl.
 *
 * initdb and postgres refuse to run as root: as root, the data directory is
 * given to the `postgres` user and every command runs through
 * `runuser -u postgres --`. Needs Debian's postgresql (initdb and pg_ctl on
 * PATH, or in /usr/lib/postgresql/<version>/bin).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SystemTool } from './system-tools';

export interface PostgresServer {
  port: number;
  url: string;
  dataDir: string;
  start(): void;
  /** Stop now (fast shutdown: open connections are cut). */
  stop(): void;
  /** Stop and delete the data directory. */
  destroy(): void;
}

function binary(name: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    const base = '/usr/lib/postgresql';
    if (existsSync(base)) {
      for (const v of readdirSync(base).sort().reverse()) {
        const p = join(base, v, 'bin', name);
        if (existsSync(p)) return p;
      }
    }
    throw new Error(`${name} not found: install PostgreSQL (apt-get install -y postgresql)`);
  }
}

/** For `needTool`: Debian's postgresql (initdb and pg_ctl). */
export const POSTGRES: SystemTool = {
  name: 'postgresql',
  install: 'sudo apt-get install -y postgresql',
  locate: () => (postgresAvailable() ? binary('pg_ctl') : undefined),
};

export function postgresAvailable(): boolean {
  try {
    binary('initdb');
    binary('pg_ctl');
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const initdb = binary('initdb');
  const pgCtl = binary('pg_ctl');
  const asRoot = process.getuid?.() === 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'thingflow-pg-'));
  const run = (cmd: string, args: string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  };
  if (asRoot) {
    const pw = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gr = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dataDir, Number(pw), Number(gr));
  }
  run(initdb, ['-D', join(dataDir, 'data'), '-U', 'thingflow', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const server: PostgresServer = {
    port,
    url: `postgres://thingflow@127.0.0.1:${port}/postgres`,
    dataDir,
    start() {
      const opts = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
      run(pgCtl, ['-D', join(dataDir, 'data'), '-o', opts, '-l', join(dataDir, 'server.log'), '-w', '-t', '60', 'start']);
    },
    stop() {
      try {
        run(pgCtl, ['-D', join(dataDir, 'data'), '-m', 'fast', '-w', '-t', '60', 'stop']);
      } catch (e) {
        // Already stopped is fine.
        if (!/not running|PID file .* does not exist|Is server running/i.test(String((e as { stderr?: Buffer }).stderr ?? e))) throw e;
      }
    },
    destroy() {
      server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  server.start();
  return server;
}
