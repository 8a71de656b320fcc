import { chromium, type Browser } from 'playwright-core';
import luxDemo from '../../examples/lux-demo';
import { renderPlot } from '../../sim/plot';
import { runSimulation, type SimRunResult } from '../../sim/run';

// The checks run in the browser, where the DOM exists; this file is type-checked without the DOM lib.
declare const DOMParser: any;

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Parsed {
  root: string;
  errors: number;
  width: number;
  height: number;
  panels: string[];
  series: { name: string; paths: number; circles: number }[];
  /** Every x/y coordinate used by series paths and dots. */
  xs: number[];
  ys: number[];
  /** Whether the browser rendered it as an image at its size. */
  rendered: [number, number];
}

/** Parse the SVG with Chromium's XML parser (strict: any well-formedness error gives a parsererror) and render it. */
async function parse(browser: Browser, svg: string): Promise<Parsed> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(async (text: string) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      const xs: number[] = [];
      const ys: number[] = [];
      for (const p of doc.querySelectorAll('g.series path')) {
        for (const m of (p.getAttribute('d') as string).matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)) { xs.push(Number(m[1])); ys.push(Number(m[2])); }
      }
      for (const c of doc.querySelectorAll('g.series circle')) { xs.push(Number(c.getAttribute('cx'))); ys.push(Number(c.getAttribute('cy'))); }
      const img = new (globalThis as any).Image();
      const rendered = await new Promise<[number, number]>((resolve) => {
        img.onload = () => resolve([img.naturalWidth, img.naturalHeight]);
        img.onerror = () => resolve([0, 0]);
        img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text);
      });
      return {
        root: root.nodeName,
        errors: doc.getElementsByTagName('parsererror').length,
        width: Number(root.getAttribute('width')),
        height: Number(root.getAttribute('height')),
        panels: [...doc.querySelectorAll('g.panel')].map((g: any) => g.getAttribute('data-title')),
        series: [...doc.querySelectorAll('g.series')].map((g: any) => ({
          name: g.getAttribute('data-name'),
          paths: g.querySelectorAll('path').length,
          circles: g.querySelectorAll('circle').length,
        })),
        xs,
        ys,
        rendered,
      };
    }, svg);
  } finally {
    await page.close();
  }
}

describe('the SVG plot', () => {
  let browser: Browser;
  let run: SimRunResult;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    run = await runSimulation(luxDemo, { durationMs: 86_400_000, title: 'lux <demo> & "plot"' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  test('the demo\'s plot is well-formed SVG with its panels, series and LED track, all inside the canvas', async () => {
    const p = await parse(browser, run.svg);
    expect(p.root).toBe('svg');
    expect(p.errors).toBe(0);
    expect(p.panels).toEqual(['Light', 'Temperature', 'LED on pin 2']);
    const byName = Object.fromEntries(p.series.map((s) => [s.name, s]));
    expect(byName['TSL2591 lux'].circles).toBe(run.plot.values('TSL2591 lux')!.values.length);
    expect(byName['running avg (5)'].paths).toBe(1);
    expect(byName['TMP102'].paths).toBe(1);
    expect(byName[`${run.leds[0].switchings} switching${run.leds[0].switchings === 1 ? '' : 's'}`].paths).toBe(2); // fill and outline
    expect(p.xs.length).toBeGreaterThan(3000);
    expect(Math.min(...p.xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...p.xs)).toBeLessThanOrEqual(p.width);
    expect(Math.min(...p.ys)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...p.ys)).toBeLessThanOrEqual(p.height);
    expect(p.rendered).toEqual([p.width, p.height]);
  }, 30_000);

  test('text is escaped, and empty or constant series still give a valid document', async () => {
    const svg = renderPlot({
      title: '<b>&"\'',
      durationMs: 60_000,
      panels: [
        { title: 'empty', series: [] },
        { title: 'flat & <odd>', unit: '°C', series: [{ name: 'a<b', color: '#000', style: 'line', times: [0, 60_000], values: [5, 5] }] },
        { title: 'log', log: true, series: [{ name: 'zeros', color: '#000', style: 'dots', times: [0, 1], values: [0, 0.5] }] },
      ],
    });
    const p = await parse(browser, svg);
    expect(p.errors).toBe(0);
    expect(p.panels).toEqual(['empty', 'flat & <odd>', 'log']);
    expect(p.series.map((s) => s.name)).toEqual(['a<b', 'zeros']);
    expect(p.ys.every((y) => y >= 0 && y <= p.height)).toBe(true);
  }, 30_000);
});
