/**
 * The live HTML page in headless Chromium (found by test/support/browser.ts, driven by
 * playwright-core): values arrive over the WebSocket, writable ones can be
 * edited, numeric ones get a sparkline. Saves a screenshot to /tmp.
 */
import { MultipleThings } from '../../../../runtime/wot/index';
import { WebThingServer } from '../../../../hosts/node/wot-server';
import { FakeGpioHumiditySensor, makeLamp } from '../../../../examples/lamp-things';
import { request } from './http-client';
import { chromiumForTests } from '../../../support/browser';

// The page functions run in the browser, where `document` exists; this file is type-checked without the DOM lib.
declare const document: any;

const chromium = chromiumForTests('the live page tests that render in a browser');

describe('the live page in headless Chromium', () => {
  let server: WebThingServer;
  const sensor = new FakeGpioHumiditySensor(60_000);
  beforeAll(async () => {
    server = new WebThingServer(new MultipleThings([makeLamp(), sensor], 'LightAndTempDevice'), { port: 0, listenAddress: '127.0.0.1', mdns: false });
    await server.start();
  });
  afterAll(async () => {
    sensor.cancelUpdateLevelTask();
    await chromium.close();
    await server.stop();
  });

  test('Accept: text/html gets the page; JSON clients still get the description', async () => {
    const html = await request(server.port, 'GET', '/0', { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('<title>My Lamp</title>');
    expect((await request(server.port, 'GET', '/0', { headers: { Accept: 'application/json' } })).json.id).toBe('urn:dev:ops:my-lamp-1234');
  });

  chromium.test('lamp page: live values, editable on/brightness, sparkline from WebSocket updates', async () => {
    const page = await chromium.newPage({ viewport: { width: 720, height: 360 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.port}/0`);
    await page.waitForFunction(() => document.getElementById('st')!.textContent === 'live');
    await page.waitForFunction(() => document.querySelector('#prop-brightness .val')!.textContent === '50');
    expect(await page.textContent('h1')).toBe('My Lamp');
    expect(await page.isChecked('#prop-on input')).toBe(true);

    // Server-side changes arrive over the WebSocket.
    for (const v of [20, 60, 35, 80, 45, 90]) {
      await request(server.port, 'PUT', '/0/properties/brightness', { body: JSON.stringify({ brightness: v }) });
      await page.waitForFunction((x) => document.querySelector('#prop-brightness .val')!.textContent === String(x), v);
    }
    const points = await page.getAttribute('#prop-brightness polyline', 'points');
    expect(points!.trim().split(' ').length).toBe(7); // 50 and the six updates

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

    await page.screenshot({ path: '/tmp/wot-lamp-page.png' });
    expect(errors).toEqual([]);
    await page.close();
  });

  chromium.test('sensor page: a read-only number has no input, only its value and sparkline', async () => {
    const page = await chromium.newPage({ viewport: { width: 720, height: 240 } });
    await page.goto(`http://127.0.0.1:${server.port}/1`);
    await page.waitForFunction(() => document.getElementById('st')!.textContent === 'live');
    for (const v of [30.5, 41.25, 38, 52]) {
      sensor.level.notifyOfExternalUpdate(v);
      await page.waitForFunction((x) => document.querySelector('#prop-level .val')!.textContent === String(x), v);
    }
    expect(await page.$('#prop-level input')).toBeNull();
    expect(await page.textContent('#prop-level .u')).toBe(' percent');
    await page.screenshot({ path: '/tmp/wot-sensor-page.png' });
    await page.close();
  });
});
