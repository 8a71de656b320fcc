import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const DIST_CLI = join(ROOT, 'dist/cli.js');

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('thingflow-xs sim (the CLI)', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'tf-sim-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('--help prints the usage and exits 0', () => {
    const r = run(TSX, ['sim/cli.ts', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: thingflow-xs sim <app>/);
    expect(r.out).toMatch(/--fault <spec>/);
    expect(r.out).toMatch(/How long a run lasts: /);
    expect(r.out).toMatch(/Exit codes: 0 the run completed; 1 the run failed .*\n.*\n.*; 2 a usage error .*\n130 stopped by Ctrl-C/);
    expect(r.err).toBe('');
  });

  test('runs the demo from source (as npm start does) with a fault, prints a summary and writes the plot', () => {
    const plot = join(dir, 'demo.svg');
    const r = run(TSX, ['sim/cli.ts', 'sim', 'examples/lux-demo.ts', '--duration', '3h', '--quiet', '--plot', plot, '--fault', 'tmp102:nack@1h-2h']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Simulated 3h00m00s/);
    expect(r.out).toMatch(/wakes: +180 /);
    expect(r.out).toMatch(/faults: +tmp102 \(0x48\): nack 12/); // 12 five-minute samples in the hour
    expect(r.out).toContain(`Plot written to ${plot}`);
    expect(readFileSync(plot, 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  test('a progress line is printed while it runs', () => {
    const r = run(TSX, ['sim/cli.ts', 'sim', 'examples/lux-demo.ts', '--duration', '2h', '--no-plot']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/02:00 \[#{24}\] 100% {2}wakes 120/);
    expect(r.out).not.toMatch(/Plot written/);
  });

  test('--mqtt embedded starts a broker in the process and publishes to it; --wot-port serves the Thing', () => {
    const r = run(TSX, ['sim/cli.ts', 'sim', 'examples/lux-demo.ts', '--duration', '1h', '--speed', 'max', '--quiet', '--no-plot', '--mqtt', 'embedded', '--wot-port', '0']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/mqtt: publishing to the embedded broker at mqtt:\/\/127\.0\.0\.1:\d+\//);
    expect(r.out).toMatch(/wot: the board is a Web Thing at http:\/\/127\.0\.0\.1:\d+\//);
    // 60 light events, 60 averages, 13 temperatures and the LED's first change.
    expect(r.out).toMatch(/mqtt: 134 messages published/);
  });

  test('bad arguments are explained with exit code 2', () => {
    const fault = run(TSX, ['sim/cli.ts', 'sim', 'examples/lux-demo.ts', '--fault', 'tmp102:melt']);
    expect(fault.code).toBe(2);
    expect(fault.err).toMatch(/bad fault kind 'melt'/);
    const dur = run(TSX, ['sim/cli.ts', 'sim', 'examples/lux-demo.ts', '--duration', 'soon']);
    expect(dur.code).toBe(2);
    expect(dur.err).toMatch(/bad duration 'soon'/);
    const device = run(TSX, ['sim/cli.ts', 'sim', 'examples/lux-demo.ts', '--fault', 'sht31:nack']);
    expect(device.code).toBe(2);
    expect(device.err).toMatch(/no device 'sht31' on the bus.*attached: .*tmp102 \(0x48\)/);
    const noApp = run(TSX, ['sim/cli.ts', 'sim', '--speed', '10']);
    expect(noApp.code).toBe(2);
    expect(noApp.err).toMatch(/no app given/);
  });

  test('the built bin (dist/cli.js) loads a TypeScript app through tsx\'s register API', () => {
    expect(existsSync(DIST_CLI)).toBe(true); // `npm test` builds first; run `npm run build` before this file alone
    const plot = join(dir, 'dist.svg');
    const r = run(process.execPath, [DIST_CLI, 'sim', 'examples/lux-demo.ts', '--duration', '1h', '--quiet', '--plot', plot]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wakes: +60 /);
    expect(existsSync(plot)).toBe(true);
  });
});
