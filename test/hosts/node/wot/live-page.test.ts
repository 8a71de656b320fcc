/**
 * The simulator's live page in headless Chromium, on the real lux demo served by
 * the real Web Thing server: the simulated clock, charts with history since the
 * start, the flow graph with per-connection counts, the board, and fault
 * buttons that reach the simulated bus. The test holds the simulated day at
 * chosen hours (the run's `sleep` waits for it), so what the page shows can be
 * compared with the run itself. `UPDATE_SCREENSHOTS=1` writes the screenshots to docs/img/.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import luxDemo from '../../../../examples/lux-demo';
import { OutputThing } from '../../../../runtime/core/output-thing';
import { setErrorReporter } from '../../../../runtime/core/report-error';
import { FlowTrace } from '../../../../runtime/trace/flow-trace';
import { Property, SingleThing, Thing, Value } from '../../../../runtime/wot/index';
import { WebThingServer } from '../../../../hosts/node/wot-server';
import { createSimDevice } from '../../../../sim/device';
import { simLiveRoutes } from '../../../../sim/live-routes';
import { SimLiveState } from '../../../../sim/live-state';
import '../../../../runtime/filters/index';
import { runSimulation, type SimAppContext, type SimRunResult } from '../../../../sim/run';
import { chromiumForTests } from '../../../support/browser';
import { request } from './http-client';

declare const document: any;
declare const window: any;

const HOUR = 3_600_000;
/** Screenshots: to docs/img with UPDATE_SCREENSHOTS=1 (the docs' pictures), else to a temp dir (a test run leaves git clean). */
const IMG = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, '../../../../docs/img') : join(tmpdir(), 'thingflow-xs-screenshots');

/** A simulated run the test steps through: `runUntil(h)` lets it go on to hour `h` and waits there. */
function steppedRun() {
  let hold = 0;
  let release: (() => void) | undefined;
  let ctx: SimAppContext | undefined;
  let port = 0;
  const logs: string[] = [];
  const result: Promise<SimRunResult> = runSimulation(async (c) => {
    ctx = c;
    return luxDemo(c);
  }, {
    durationMs: 24 * HOUR,
    options: { 'wot-port': '0' },
    log: (m) => {
      logs.push(m);
      const match = /127\.0\.0\.1:(\d+)\//.exec(m);
      if (match && m.startsWith('wot:')) port = Number(match[1]);
    },
    // Speed max steps an hour at a time; between steps the host serves the page.
    sleep: (ms) => new Promise<void>((resolve) => {
      if (ctx!.board.now() < hold) setTimeout(resolve, Math.min(ms, 5));
      else release = resolve;
    }),
  });
  return {
    result,
    logs,
    get port() { return port; },
    get ctx() { return ctx!; },
    async runUntil(hour: number): Promise<void> {
      hold = hour * HOUR;
      const r = release;
      release = undefined;
      r?.();
      while (ctx === undefined || ctx.board.now() < hold || release === undefined) await new Promise((ok) => setTimeout(ok, 5));
    },
    finish(): Promise<SimRunResult> {
      hold = Infinity;
      release?.();
      return result;
    },
  };
}

/** The browser, launched by the first test that opens a page (none when Chromium is missing: one line says so, an error under CI). */
const chromium = chromiumForTests('the live page tests of a simulated run');
// Whichever describe launched it last, the file's browser is closed at the end (an open one keeps jest alive).
afterAll(() => chromium.close());

describe('the live page of a simulated run (lux demo, --wot-port)', () => {
  let run: ReturnType<typeof steppedRun>;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(IMG, { recursive: true });
    run = steppedRun();
    await run.runUntil(14);
    page = await chromium.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  });
  afterAll(async () => {
    await chromium.close();
    await run?.finish();
  });

  chromium.test('the page shows the clock, the flow with live counts, charts since the start and the board', async () => {
    await page.goto(`http://127.0.0.1:${run.port}/`);
    await page.waitForFunction(() => window.livePage && window.livePage.polls > 0 && document.getElementById('st').textContent === 'live');
    expect(await page.textContent('#simtime')).toBe('Sun, 21 Jun 2026, 14:00 (day 1)');
    expect(await page.getAttribute('#simprogress', 'value')).toBe(String(14 / 24));

    // The graph: the demo's things, and on each connection the count the run itself has.
    const names = await page.$$eval('#graph .node', (ns) => ns.map((n: any) => n.getAttribute('data-name')));
    for (const n of ['TSL2591 light', 'map e → e.val', 'runningAvg(5)', 'hysteresis 80..200', 'map → dark', 'distinctUntilChanged',
      'property led', 'property led (flow or client)', 'LED (pin 2)', 'TMP102 temperature', 'plot: TSL2591 lux']) {
      expect(names).toContain(n);
    }
    const lux = run.ctx.plot.values('TSL2591 lux')!.values.length;
    const temps = run.ctx.plot.values('TMP102')!.values.length;
    expect(lux).toBeGreaterThan(800);
    const edgeCount = async (from: string, to: string) => page.$eval('#graph', (svg: any, [f, t]: string[]) => {
      const id = (n: string) => [...svg.querySelectorAll('.node')].findIndex((g: any) => g.getAttribute('data-name') === n);
      const e = svg.querySelector(`.edge[data-from="${id(f)}"][data-to="${id(t)}"]`);
      return e ? Number(e.getAttribute('data-count')) : -1;
    }, [from, to]);
    expect(await edgeCount('TSL2591 light', 'map e → e.val')).toBe(lux);
    expect(await edgeCount('TMP102 temperature', 'plot: TMP102')).toBe(temps);
    expect(await edgeCount('hysteresis 80..200', 'map → dark')).toBe(lux);

    // Charts: one per panel, with every point since the start of the run.
    const charts = await page.evaluate(() => Object.keys(window.livePage.charts));
    expect(charts).toEqual(expect.arrayContaining(['Light', 'Temperature', 'LED on pin 2']));
    const luxPoints = await page.evaluate(() => window.livePage.charts.Light.data[1].filter((v: any) => v != null).length);
    expect(luxPoints).toBe(lux);
    expect(await page.textContent('#chart-Temperature .u-title')).toBe('Temperature');

    // The board: the five parts on the bus, the LED as the pin shows it.
    const parts = await page.$$eval('#devices tr[id^="dev-"] td:nth-child(2)', (tds) => tds.map((t: any) => t.textContent));
    expect(parts).toEqual(['tsl2591', 'tmp102', 'mcp9808', 'adxl345', 'bh1750', 'bus']);
    const ledOn = run.ctx.board.pins.level(2) === 1;
    expect(await page.getAttribute('#led', 'data-on')).toBe(ledOn ? '1' : '0');
    expect(await page.textContent('#pin-2')).toContain(ledOn ? 'high' : 'low');
    await page.screenshot({ path: join(IMG, 'live-page.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  chromium.test('fault buttons inject and clear faults on the simulated bus; the flow skips the failed reads', async () => {
    const before = run.ctx.plot.values('TMP102')!.values.length;
    await page.selectOption('#dev-tmp102 select', 'nack');
    await page.click('#dev-tmp102 .inject');
    await page.waitForFunction(() => document.querySelector('#dev-tmp102 .fl').textContent === 'nack from 14.00 h');
    expect(run.ctx.board.i2c.faultsOf('tmp102')!.specs).toEqual([{ kind: 'nack', fromMs: 14 * HOUR }]);

    await run.runUntil(16);
    await page.waitForFunction(() => /nack \d+/.test(document.querySelector('#dev-tmp102 .fc').textContent));
    expect(run.ctx.plot.values('TMP102')!.values.length).toBe(before); // two hours of failed reads, skipped
    expect(await page.getAttribute('#dev-tmp102', 'class')).toBe('faulty');
    await page.waitForFunction(() => document.getElementById('simtime').textContent.includes('16:00'));
    await page.locator('#board').screenshot({ path: join(IMG, 'live-page-board-fault.png') });

    await page.click('#dev-tmp102 .clear');
    await page.waitForFunction(() => document.querySelector('#dev-tmp102 .fl').textContent === 'none');
    await run.runUntil(17);
    await page.waitForFunction(() => document.getElementById('simtime').textContent.includes('17:00'));
    expect(run.ctx.plot.values('TMP102')!.values.length).toBeGreaterThan(before);
    expect(pageErrors).toEqual([]);
  });

  chromium.test('a bad fault request is refused with a clear message, and the run goes on', async () => {
    const bad = await request(run.port, 'POST', '/_live/faults', { body: JSON.stringify({ device: 'tmp102', kind: 'melt' }) });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe("unknown fault 'melt': one of nack, dropout, stuck, spike");
    const nobody = await request(run.port, 'DELETE', '/_live/faults/bmp280');
    expect(nobody.status).toBe(404);
    expect(nobody.json.message).toMatch(/^no device 'bmp280' on the bus; attached: tsl2591 \(0x29\)/);
    const notJson = await request(run.port, 'POST', '/_live/faults', { body: '{' });
    expect(notJson.status).toBe(400);
    const busOnlyHangs = await request(run.port, 'POST', '/_live/faults', { body: JSON.stringify({ device: 'bus', kind: 'nack' }) });
    expect(busOnlyHangs.json.message).toBe("the bus takes only 'hang', not 'nack'");
    const since = await request(run.port, 'GET', '/_live?since=abc');
    expect(since.status).toBe(400);
    // ?since sends only newer points: nothing is newer than now.
    const now = run.ctx.board.now();
    const tail = await request(run.port, 'GET', `/_live?since=${now}`);
    expect(tail.json.panels.every((p: any) => p.series.every((s: any) => s.times.length === 0))).toBe(true);
    expect(tail.json.clock.simulatedMs).toBe(now);
  });

  chromium.test('when the run ends, the page says so', async () => {
    const r = await run.finish();
    expect(r.durationMs).toBe(24 * HOUR);
    await page.waitForFunction(() => /ended|not reachable/.test(document.getElementById('simstate').textContent), undefined, { timeout: 10_000 });
  });
});

describe('the flow graph shows how each connection ended', () => {
  chromium.test('errors in red with their message, completed and disconnected dashed, closed things marked', async () => {
    setErrorReporter(() => {});
    const device = createSimDevice({ parts: 'standard' });
    const src = new OutputThing<number>();
    const picky = (src as any).map((x: number) => { if (x > 2) throw new Error('too big'); return x; }) as OutputThing<number>;
    const keep: number[] = [];
    picky.connect((x) => keep.push(x));
    const other = new OutputThing<number>();
    const gone = other.connect(() => {});
    const side: number[] = [];
    src.connect((x) => side.push(x));
    const trace = new FlowTrace();
    trace.label(src, 'numbers').label(picky, 'picky map').label(other, 'other');
    trace.traceGraph(src, other);
    for (const x of [1, 2, 3]) src.dispatchNext(x);
    other.dispatchNext(7);
    gone();
    src.dispatchCompleted();
    const thing = new Thing('urn:test:graph', 'Graph states', [], 'a flow that failed, completed and was disconnected');
    thing.addProperty(new Property(thing, 'n', new Value(1), { type: 'number', readOnly: true }));
    const live = new SimLiveState({ board: device.board, epochMs: Date.UTC(2026, 5, 21), durationMs: HOUR, trace });
    const server = new WebThingServer(new SingleThing(thing), { port: 0, listenAddress: '127.0.0.1', mdns: false, additionalRoutes: simLiveRoutes(live) });
    await server.start();
    try {
      const page = await chromium.newPage({ viewport: { width: 900, height: 600 } });
      await page.goto(`http://127.0.0.1:${server.port}/`);
      await page.waitForFunction(() => window.livePage && window.livePage.polls > 0);
      const edges = await page.$$eval('#graph .edge', (es) => es.map((e: any) => [e.getAttribute('data-state'), e.getAttribute('data-count'), e.querySelector('text').textContent]));
      expect(edges).toEqual([
        ['error', '3', '✕ Error: too big'],
        ['completed', '3', '3 · 3 · completed'],
        ['disconnected', '1', '1 · 7 · disconnected'],
        ['error', '2', '✕ Error: too big'],
      ]);
      const closed = await page.$$eval('#graph .node.closed', (ns) => ns.map((n: any) => n.getAttribute('data-name')));
      expect(closed).toEqual(['numbers', 'picky map']);
      expect(await page.textContent('#simtime')).toBe('Sun, 21 Jun 2026, 00:00 (day 1)'); // a board that has not run yet
      await page.locator('#flow').screenshot({ path: join(IMG, 'live-page-graph-states.png') });
      await page.close();
    } finally {
      await server.stop();
      setErrorReporter(undefined as any);
    }
  });
});
