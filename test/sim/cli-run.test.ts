/**
 * How a run of the CLI ends (issue 12's table, issue 16 item 8): failures named
 * in the summary with exit code 1, Ctrl-C giving a summary and a plot, a port in
 * use or a broker never reached said in one line, an app's own timer not keeping
 * the process alive, a --wot-port run serving until Ctrl-C. Each spawns the CLI
 * as `npm start` does.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveCli, runCli } from './cli-process';

const DEMO = 'examples/lux-demo.ts';
const THROWING = 'test/sim/fixtures/throwing-filter-app.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'tf-cli-run-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

describe('a run that fails says what failed and exits 1', () => {
  test('--press: a finger on the board\'s button; a button-only app (nothing scheduled) toggles its LED at each press', () => {
    const r = runCli(['examples/button-toggle.ts', '--duration', '10s', '--press', '1s,3s', '--press', '5s', '--no-plot', '--quiet']);
    expect(r.out).toMatch(/button toggle: a press on pin 0 toggles the LED on pin 2/);
    expect(r.out).toMatch(/LED pin 2: +3 switchings, on for 7s, now on/);
    expect(r.code).toBe(0);
    // Without presses nothing happens, and the run still covers its duration.
    expect(runCli(['examples/button-toggle.ts', '--duration', '10s', '--no-plot', '--quiet']).out).toMatch(/Simulated 10s .*\n[\s\S]*LED pin 2: +0 switchings/);
  });

  test('a filter that throws mid-run: the summary names the ended stream; exit code 1', () => {
    const r = runCli([THROWING, '--duration', '1h', '--no-plot', '--quiet']);
    expect(r.out).toMatch(/events: +70 \(TMP102 61; calibrated 9, 1 errors\)/); // the sibling stream went on
    expect(r.out).toMatch(/FAILED: +stream 'calibrated' ended with an error after 9m00s: calibration table has no entry for this reading/);
    expect(r.out).toMatch(/The run failed \(1 failure above\): exit code 1 \(--allow-errors exits 0\)/);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
  });

  test('--allow-errors: the same failure is named, and the exit code is 0', () => {
    const r = runCli([THROWING, '--duration', '1h', '--no-plot', '--quiet', '--allow-errors']);
    expect(r.out).toMatch(/FAILED: +stream 'calibrated' ended with an error after 9m00s/);
    expect(r.out).not.toMatch(/The run failed/);
    expect(r.code).toBe(0);
  });

  test('an error that reaches a sink with no handler: one line on stderr as it happens, a failure in the summary', () => {
    const r = runCli([THROWING, '--duration', '1h', '--no-plot', '--quiet', '--option', 'sink=callback']);
    expect(r.err).toBe('thingflow: unhandled onError reached a callback sink: calibration table has no entry for this reading\n');
    expect(r.out).toMatch(/FAILED: +thingflow: unhandled onError reached a callback sink: calibration table has no entry for this reading \(after 9m00s\)/);
    expect(r.code).toBe(1);
  });

  test.each([
    ['bogus', /FAILED: +mqtt: never connected to bogus:1883 \(.+\); \d+ messages dropped$/m], // the reason is the resolver's: ENOTFOUND, EAI_AGAIN, ...
    ['not-a-url', /FAILED: +mqtt: never connected to not-a-url:1883 \(.+\); \d+ messages dropped$/m],
  ])('--mqtt %s: the run goes on, the summary says it never connected; exit code 1, no stack', (target, failure) => {
    const r = runCli([DEMO, '--duration', '1h', '--speed', 'max', '--no-plot', '--quiet', '--mqtt', target]);
    expect(r.out).toMatch(new RegExp(`mqtt: no connection to ${target}:1883 yet \\(`));
    expect(r.out).toMatch(failure);
    expect(r.out).toMatch(/Simulated 1h00m00s/);
    expect(r.err).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(1);
  });

  test('--mqtt to a port where nothing listens: never connected (connection refused); exit code 1', async () => {
    const server = await listen();
    const port = portOf(server);
    await new Promise((r) => server.close(r));
    const r = runCli([DEMO, '--duration', '1h', '--speed', 'max', '--no-plot', '--quiet', '--mqtt', `mqtt://127.0.0.1:${port}`]);
    expect(r.out).toMatch(new RegExp(`FAILED: +mqtt: never connected to 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`));
    expect(r.code).toBe(1);
  });

  test('--wot-port already in use: one line, not a stack trace; exit code 1', async () => {
    const server = await listen();
    try {
      const r = runCli([DEMO, '--duration', '1h', '--speed', 'max', '--no-plot', '--quiet', '--wot-port', String(portOf(server))]);
      expect(r.err).toBe(`thingflow-xs: the run could not start: listen EADDRINUSE: address already in use 127.0.0.1:${portOf(server)}\n`);
      expect(r.code).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('how a run ends', () => {
  test('an app that leaves its own timer running does not keep the process alive', () => {
    const r = runCli(['test/sim/fixtures/lingering-timer-app.ts', '--duration', '1h', '--no-plot', '--quiet'], 30_000);
    expect(r.timedOut).toBe(false);
    expect(r.out).toMatch(/left a one-second interval running/);
    expect(r.out).toMatch(/Simulated 1h00m00s/);
    expect(r.code).toBe(0);
  });

  test('the demo says why a read was skipped: the TSL2591\'s first conversion is not ready at t=0', () => {
    const r = runCli([DEMO, '--duration', '1h', '--no-plot', '--quiet']);
    expect(r.out).toMatch(/^skipped reads: light 1 \(TSL2591: no valid reading yet \(integration not complete\), at t=0, before its first conversion was done\), temperature 0$/m);
    expect(r.code).toBe(0);
  });

  test('a fault window that starts inside the run and ends after it is fine', () => {
    const r = runCli([DEMO, '--duration', '2h', '--no-plot', '--quiet', '--fault', 'tmp102:nack@1h-25h']);
    expect(r.out).toMatch(/faults: +tmp102 \(0x48\): nack 13/); // the samples from 1h to 2h, both ends
    expect(r.code).toBe(0);
  });

  test('a paced run says how long it will take', () => {
    const r = runCli([DEMO, '--duration', '2h', '--speed', '3600', '--no-plot', '--quiet']);
    expect(r.out).toMatch(/^Paced at 3600x: 2h00m00s simulated takes about 2s, until \d\d:\d\d:\d\d UTC; Ctrl-C stops early with a summary and plot$/m);
    expect(r.code).toBe(0);
  });

  test('Ctrl-C in a paced run: the summary and the plot of what ran; exit code 130', async () => {
    const plot = join(dir, 'interrupted.svg');
    const cli = new LiveCli([DEMO, '--speed', '3600', '--plot', plot]);
    try {
      await cli.waitFor(/^ {2}\d\d:\d\d \[[#.]{24}\]/m); // the run is on (a progress line)
      cli.interrupt();
      expect(await cli.exited).toBe(130);
    } finally {
      cli.kill();
    }
    expect(cli.out).toMatch(/Ctrl-C: stopping the run; summary and plot follow/);
    const m = cli.out.match(/^Stopped by Ctrl-C after (?:(\d+)h)?(\d+)m(\d\d(?:\.\d+)?)s of 24h00m00s simulated, in [\d.]+ s real time \(seed 1\)$/m);
    expect(m).not.toBeNull();
    const ranHours = Number(m![1] ?? 0) + Number(m![2]) / 60 + Number(m![3]) / 3600;
    expect(ranHours).toBeLessThan(24);
    expect(cli.out).toMatch(/events: +\d+ \(TSL2591 lux \d+; running avg \(5\) \d+; TMP102 \d+\)/);
    expect(cli.out).toContain(`Plot written to ${plot}`);
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toMatch(/^<svg /);
    // The plot covers what ran, not the whole day: its subtitle gives the hours (2 decimals unless whole).
    const plotted = svg.match(/>(\d+(?:\.\d\d)?) h simulated, seed 1/);
    expect(plotted).not.toBeNull();
    expect(Math.abs(Number(plotted![1]) - ranHours)).toBeLessThan(0.006); // the plot rounds to 0.01 h, the summary to the millisecond
    expect(cli.err).toBe('');
  });

  test('--wot-port without --duration serves until Ctrl-C, past the end of the simulated day', async () => {
    const plot = join(dir, 'served.svg');
    // 100000x: a simulated day in 0.9 s, so a few seconds cover several days.
    const cli = new LiveCli([DEMO, '--wot-port', '0', '--speed', '100000', '--plot', plot]);
    try {
      await cli.waitFor(/^Serving until Ctrl-C: 100000x \(a simulated day every 864 ms\), at most 31 days simulated \(27s real\)$/m);
      const url = (await cli.waitFor(/Web Thing at (http:\/\/127\.0\.0\.1:\d+\/)/))[1];
      await cli.waitFor(/^ {2}day 2 /m); // past the first day: a bounded 24 h run would have ended here
      expect(await getJson(`${url}properties`)).toEqual(expect.objectContaining({ illuminance: expect.any(Number), led: expect.any(Boolean) }));
      cli.interrupt();
      expect(await cli.exited).toBe(0); // Ctrl-C is how this run is meant to end
    } finally {
      cli.kill();
    }
    expect(cli.out).toMatch(/^Served until Ctrl-C: simulated \d+h\d\dm\d\d(?:\.\d+)?s in [\d.]+ s real time \(seed 1\)$/m);
    expect(existsSync(plot)).toBe(true);
  });
});
