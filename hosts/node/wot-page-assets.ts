/**
 * What the Node host adds to the live page (runtime/wot/thing-page.ts):
 * - `GET /_page/uplot.js` and `/_page/uplot.css`: the uPlot charting library,
 *   read once from the `uplot` package (a runtime dependency; no CDN);
 * - gzip: a text answer of 1 KiB or more goes out gzipped to a client that
 *   accepts it (the page, uPlot, the `/_live` JSON); the compressed assets
 *   (answers with a `max-age`) are kept in a small cache.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { errorResponse, type WotResponse, type WotRoute } from '../../runtime/wot/request-handler';

const ASSETS: { [path: string]: { file: string; type: string } } = {
  '/_page/uplot.js': { file: 'dist/uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  '/_page/uplot.css': { file: 'dist/uPlot.min.css', type: 'text/css; charset=utf-8' },
};

/**
 * The uplot package folder: resolved from this module when it is CommonJS (tests),
 * from the running script (the CLI, installed or not), and from the working directory.
 */
function uplotDir(): string | undefined {
  const bases = [typeof __filename === 'string' ? __filename : undefined, process.argv[1], join(process.cwd(), 'index.js')];
  for (const base of bases) {
    if (base === undefined) continue;
    try {
      return dirname(createRequire(base).resolve('uplot/package.json'));
    } catch {
      // not reachable from there; try the next
    }
  }
  return undefined;
}

let loaded: { [path: string]: WotResponse } | undefined;

function assets(): { [path: string]: WotResponse } {
  if (loaded !== undefined) return loaded;
  const dir = uplotDir();
  loaded = {};
  for (const path of Object.keys(ASSETS)) {
    const a = ASSETS[path];
    try {
      if (dir === undefined) throw new Error('the uplot package is not installed');
      const body = readFileSync(join(dir, a.file), 'utf8');
      loaded[path] = { status: 200, headers: { 'Content-Type': a.type, 'Cache-Control': 'public, max-age=86400' }, body };
    } catch (e) {
      loaded[path] = errorResponse(404, `${path} is not available: ${(e as Error).message} (the page works without charts)`);
    }
  }
  return loaded;
}

/** The routes serving the page's assets (a WebThingServer adds them ahead of its own). */
export function pageAssetRoutes(): WotRoute[] {
  return Object.keys(ASSETS).map((path) => ({ method: 'GET', path, handler: () => assets()[path] }));
}

const MIN_GZIP_BYTES = 1024;
const CACHE_ENTRIES = 8;
const gzipCache = new Map<string, Buffer>();
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|td\+json))/;

/**
 * The body to send for `body` with `headers`: gzipped (and the headers told so)
 * when the request accepts gzip and the answer is text of 1 KiB or more.
 */
export function encodeForClient(req: IncomingMessage | undefined, headers: { [k: string]: string | number }, body: string): string | Buffer {
  const type = String(headers['Content-Type'] ?? headers['content-type'] ?? '');
  if (req === undefined || body.length < MIN_GZIP_BYTES || !COMPRESSIBLE.test(type) || headers['Content-Encoding'] !== undefined) return body;
  headers.Vary = 'Accept-Encoding'; // caches must not hand this answer to a client that accepts otherwise
  const accept = req.headers['accept-encoding'];
  if (typeof accept !== 'string' || !/\bgzip\b/.test(accept) || /\bgzip;q=0(\.0*)?\b/.test(accept)) return body;
  // Only cacheable answers (the assets) are kept compressed; the page and /_live change per request.
  const cacheable = /max-age=[1-9]/.test(String(headers['Cache-Control'] ?? ''));
  let gz = cacheable ? gzipCache.get(body) : undefined;
  if (gz === undefined) {
    gz = gzipSync(body);
    if (cacheable) {
      if (gzipCache.size >= CACHE_ENTRIES) gzipCache.delete(gzipCache.keys().next().value as string);
      gzipCache.set(body, gz);
    }
  }
  headers['Content-Encoding'] = 'gzip';
  return gz;
}
