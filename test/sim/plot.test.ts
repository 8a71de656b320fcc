/**
 * The SVG plot: well-formed XML (a strict parser, in Node), its panels and series inside the canvas,
 * text escaped, and Chromium renders it as an image at its size (the one test that needs a browser).
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import luxDemo from '../../examples/lux-demo';
import { renderPlot } from '../../sim/plot';
import { runSimulation, type SimRunResult } from '../../sim/run';
import { chromiumForTests } from '../support/browser';

// The check runs in the browser, where the DOM exists; this file is type-checked without the DOM lib.
declare const Image: any;

const chromium = chromiumForTests('the test that renders the plot in Chromium');

interface Parsed {
  root: string;
  /** Well-formedness errors and warnings the XML parser reported. */
  errors: string[];
  width: number;
  height: number;
  panels: string[];
  series: { name: string; paths: number; circles: number }[];
  /** Every x/y coordinate used by series paths and dots. */
  xs: number[];
  ys: number[];
}

const elements = (e: Element, tag: string): Element[] => Array.from(e.getElementsByTagName(tag));
const hasClass = (e: Element, name: string) => (e.getAttribute('class') ?? '').split(/\s+/).includes(name);

/** Parse the SVG with a strict XML parser: any well-formedness error is reported. */
function parse(svg: string): Parsed {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => { errors.push(`${level}: ${message}`); } }).parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement!;
  const groups = elements(root, 'g');
  const series = groups.filter((g) => hasClass(g, 'series'));
  const xs: number[] = [];
  const ys: number[] = [];
  for (const g of series) {
    for (const p of elements(g, 'path')) {
      for (const m of p.getAttribute('d')!.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)) { xs.push(Number(m[1])); ys.push(Number(m[2])); }
    }
    for (const c of elements(g, 'circle')) { xs.push(Number(c.getAttribute('cx'))); ys.push(Number(c.getAttribute('cy'))); }
  }
  return {
    root: root.nodeName,
    errors,
    width: Number(root.getAttribute('width')),
    height: Number(root.getAttribute('height')),
    panels: groups.filter((g) => hasClass(g, 'panel')).map((g) => g.getAttribute('data-title')!),
    series: series.map((g) => ({ name: g.getAttribute('data-name')!, paths: elements(g, 'path').length, circles: elements(g, 'circle').length })),
    xs,
    ys,
  };
}

/** Chromium loads the SVG as an image: its natural size, or [0, 0] when it refuses it. */
async function renderedSize(svg: string): Promise<[number, number]> {
  const page = await chromium.newPage();
  try {
    return await page.evaluate((text: string) => new Promise<[number, number]>((resolve) => {
      const img = new Image();
      img.onload = () => resolve([img.naturalWidth, img.naturalHeight]);
      img.onerror = () => resolve([0, 0]);
      img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text);
    }), svg);
  } finally {
    await page.close();
  }
}

describe('the SVG plot', () => {
  let run: SimRunResult;
  beforeAll(async () => {
    run = await runSimulation(luxDemo, { durationMs: 86_400_000, title: 'lux <demo> & "plot"' });
  }, 60_000);
  afterAll(async () => {
    await chromium.close();
  });

  test('the demo\'s plot is well-formed SVG with its panels, series and LED track, all inside the canvas', () => {
    const p = parse(run.svg);
    expect(p.root).toBe('svg');
    expect(p.errors).toEqual([]);
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
  }, 30_000);

  chromium.test('Chromium renders the demo\'s plot as an image at its size', async () => {
    const p = parse(run.svg);
    expect(await renderedSize(run.svg)).toEqual([p.width, p.height]);
  }, 30_000);

  test('text is escaped, and empty or constant series still give a valid document', () => {
    const svg = renderPlot({
      title: '<b>&"\'',
      durationMs: 60_000,
      panels: [
        { title: 'empty', series: [] },
        { title: 'flat & <odd>', unit: '°C', series: [{ name: 'a<b', color: '#000', style: 'line', times: [0, 60_000], values: [5, 5] }] },
        { title: 'log', log: true, series: [{ name: 'zeros', color: '#000', style: 'dots', times: [0, 1], values: [0, 0.5] }] },
      ],
    });
    const p = parse(svg);
    expect(p.errors).toEqual([]);
    expect(p.panels).toEqual(['empty', 'flat & <odd>', 'log']);
    expect(p.series.map((s) => s.name)).toEqual(['a<b', 'zeros']);
    expect(p.ys.every((y) => y >= 0 && y <= p.height)).toBe(true);
  }, 30_000);
});
