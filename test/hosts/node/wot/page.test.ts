/**
 * The live HTML page of a plain thing (no simulator): served to browsers (`Accept: text/html`),
 * the index of a MultipleThings root, uPlot and gzip from the Node host; then in headless
 * Chromium (test/support/browser.ts): values arrive over the WebSocket, writable ones can be
 * edited, numeric ones are charted since the page opened. `UPDATE_SCREENSHOTS=1` writes the screenshots to docs/img/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MultipleThings } from '../../../../runtime/wot/index';
import { WebThingServer } from '../../../../hosts/node/wot-server';
import { FakeGpioHumiditySensor, makeLamp } from '../../../../examples/lamp-things';
import { chromiumForTests } from '../../../support/browser';
import { request } from './http-client';

// The page functions run in the browser, where `document` exists; this file is type-checked without the DOM lib.
declare const document: any;
declare const window: any;

const HTML = { Accept: 'text/html,application/xhtml+xml' };
/** Screenshots: to docs/img with UPDATE_SCREENSHOTS=1, else to a temp dir. */
const IMG = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, '../../../../docs/img') : join(tmpdir(), 'thingflow-xs-screenshots');

/** The browser, launched by the first test that opens a page (none when Chromium is missing: one line says so, an error under CI). */
const chromium = chromiumForTests('the live page tests that render in a browser');
// Whichever describe launched it last, the file's browser is closed at the end (an open one keeps jest alive).
afterAll(() => chromium.close());

describe('the live page over HTTP (no browser)', () => {
  let server: WebThingServer;
  const sensor = new FakeGpioHumiditySensor(60_000);
  beforeAll(async () => {
    server = new WebThingServer(new MultipleThings([makeLamp(), sensor], 'LightAndTempDevice'), { port: 0, listenAddress: '127.0.0.1', mdns: false });
    await server.start();
  });
  afterAll(async () => {
    sensor.cancelUpdateLevelTask();
    await server.stop();
  });

  test('Accept: text/html gets the page; JSON clients still get the description', async () => {
    const html = await request(server.port, 'GET', '/0', { headers: HTML });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('<title>My Lamp</title>');
    expect(html.text).toContain('<script src="/_page/uplot.js"></script>');
    expect((await request(server.port, 'GET', '/0', { headers: { Accept: 'application/json' } })).json.id).toBe('urn:dev:ops:my-lamp-1234');
  });

  test('the MultipleThings root is an HTML index linking each thing for a browser, JSON for others', async () => {
    const html = await request(server.port, 'GET', '/', { headers: HTML });
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('<title>LightAndTempDevice</title>');
    expect(html.text).toContain('<a href="/0">My Lamp</a>');
    expect(html.text).toContain('<a href="/1">My Humidity Sensor</a>');
    expect(html.text).toContain('2 properties: on, brightness');
    const json = await request(server.port, 'GET', '/', { headers: { Accept: 'application/json' } });
    expect(json.json.map((d: any) => d.href)).toEqual(['/0', '/1']);
  });

  test('the Node host serves uPlot from the uplot package, gzipped when the client accepts it', async () => {
    const file = readFileSync(join(__dirname, '../../../../node_modules/uplot/dist/uPlot.iife.min.js'), 'utf8');
    const plain = await request(server.port, 'GET', '/_page/uplot.js');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.text).toBe(file);
    const gz = await requestRaw(server.port, '/_page/uplot.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    expect(gunzipSync(gz.body).toString('utf8')).toBe(file);
    expect(gz.body.length).toBeLessThan(file.length / 2);
    const css = await request(server.port, 'GET', '/_page/uplot.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    // The page itself, and a refusal of gzip (q=0) is honoured; a small answer is never compressed.
    const page = await requestRaw(server.port, '/0', { ...HTML, 'Accept-Encoding': 'gzip' });
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(page.body).toString('utf8')).toContain('<title>My Lamp</title>');
    expect((await requestRaw(server.port, '/0', { ...HTML, 'Accept-Encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    expect((await requestRaw(server.port, '/0/properties', { 'Accept-Encoding': 'gzip' })).headers['content-encoding']).toBeUndefined();
  });

  test('a thing without the simulator has no /_live: the page falls back to charting its properties', async () => {
    expect((await request(server.port, 'GET', '/_live')).status).toBe(404);
  });
});

/** GET with raw bytes back (the shared client decodes text). */
function requestRaw(port: number, path: string, headers: { [k: string]: string }): Promise<{ headers: { [k: string]: string | string[] | undefined }; body: Buffer }> {
  return import('node:http').then(({ request: httpRequest }) => new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  }));
}

describe('the live page in headless Chromium', () => {
  let server: WebThingServer;
  const sensor = new FakeGpioHumiditySensor(60_000);
  beforeAll(async () => {
    server = new WebThingServer(new MultipleThings([makeLamp(), sensor], 'LightAndTempDevice'), { port: 0, listenAddress: '127.0.0.1', mdns: false });
    await server.start();
    mkdirSync(IMG, { recursive: true });
  });
  afterAll(async () => {
    sensor.cancelUpdateLevelTask();
    await chromium.close();
    await server.stop();
  });

  chromium.test('the index links each thing; a click opens its page', async () => {
    const page = await chromium.newPage({ viewport: { width: 720, height: 320 } });
    await page.goto(`http://127.0.0.1:${server.port}/`);
    expect(await page.$$eval('#things > li > a', (as) => as.map((a: any) => a.textContent))).toEqual(['My Lamp', 'My Humidity Sensor']);
    await page.screenshot({ path: join(IMG, 'live-page-index.png') });
    await page.click('text=My Humidity Sensor');
    await page.waitForFunction(() => document.querySelector('h1') && document.querySelector('h1').firstChild.textContent === 'My Humidity Sensor');
    await page.close();
  });

  chromium.test('lamp page: live values, editable on/brightness, a chart of the WebSocket updates', async () => {
    const page = await chromium.newPage({ viewport: { width: 720, height: 360 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.port}/0`);
    await page.waitForFunction(() => document.getElementById('st')!.textContent === 'live');
    await page.waitForFunction(() => document.querySelector('#prop-brightness .val')!.textContent === '50');
    expect(await page.evaluate(() => document.querySelector('h1').firstChild.textContent)).toBe('My Lamp');
    expect(await page.evaluate(() => document.body.className)).toBe('plain'); // no simulator here: no clock, flow or board
    expect(await page.isChecked('#prop-on input')).toBe(true);

    // Server-side changes arrive over the WebSocket.
    for (const v of [20, 60, 35, 80, 45, 90]) {
      await request(server.port, 'PUT', '/0/properties/brightness', { body: JSON.stringify({ brightness: v }) });
      await page.waitForFunction((x) => document.querySelector('#prop-brightness .val')!.textContent === String(x), v);
    }
    // 50 and the six updates, charted against the time they came.
    expect(await page.evaluate(() => window.livePage.propHistory.brightness[1])).toEqual([50, 20, 60, 35, 80, 45, 90]);
    expect(await page.evaluate(() => window.livePage.charts.brightness.data[1])).toEqual([50, 20, 60, 35, 80, 45, 90]);
    expect(await page.textContent('#chart-brightness .u-title')).toBe('Brightness');

    // Edits in the page reach the thing.
    await page.click('#prop-on input');
    for (let i = 0; i < 100 && (await request(server.port, 'GET', '/0/properties/on')).json.on !== false; i++) await page.waitForTimeout(20);
    expect((await request(server.port, 'GET', '/0/properties/on')).json).toEqual({ on: false });
    await page.fill('#prop-brightness input', '12');
    await page.press('#prop-brightness input', 'Enter');
    await page.waitForFunction(() => document.querySelector('#prop-brightness .val')!.textContent === '12');
    expect((await request(server.port, 'GET', '/0/properties/brightness')).json).toEqual({ brightness: 12 });

    // An invalid edit shows the server's error message.
    await page.fill('#prop-brightness input', '500');
    await page.press('#prop-brightness input', 'Enter');
    await page.waitForFunction(() => document.getElementById('err')!.textContent!.includes('must be <= 100'));

    await page.screenshot({ path: join(IMG, 'live-page-lamp.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  chromium.test('sensor page: a read-only number has no input, only its value, unit and chart', async () => {
    const page = await chromium.newPage({ viewport: { width: 720, height: 240 } });
    await page.goto(`http://127.0.0.1:${server.port}/1`);
    await page.waitForFunction(() => document.getElementById('st')!.textContent === 'live');
    for (const v of [30.5, 41.25, 38, 52]) {
      sensor.level.notifyOfExternalUpdate(v);
      await page.waitForFunction((x) => document.querySelector('#prop-level .val')!.textContent === String(x), v);
    }
    expect(await page.$('#prop-level input')).toBeNull();
    expect(await page.textContent('#prop-level .u')).toBe(' percent');
    expect(await page.evaluate(() => window.livePage.charts.level.data[1].slice(-4))).toEqual([30.5, 41.25, 38, 52]);
    await page.screenshot({ path: join(IMG, 'live-page-sensor.png'), fullPage: true });
    await page.close();
  });
});
