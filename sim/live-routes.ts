/**
 * The HTTP routes of the live page's simulation panel, as extra routes of a
 * Web Thing server (`additionalRoutes`): they are served next to the thing,
 * behind the same host check and bearer token (writes need it when one is set).
 *
 *   GET    /_live[?since=<ms>]        the clock, flow graph, board and series (SimLiveState)
 *   POST   /_live/faults              {"device":"tmp102","kind":"nack"}: inject from now on
 *   DELETE /_live/faults/<device>     clear that device's (or the bus's) faults
 */
import { errorResponse, jsonResponse, type WotRequest, type WotResponse, type WotRoute } from '../runtime/wot/request-handler';
import { LiveRequestError, type SimLiveState } from './live-state';

function query(req: WotRequest, name: string): string | undefined {
  const q = req.url.indexOf('?');
  if (q < 0) return undefined;
  for (const pair of req.url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return undefined;
}

function answer(fn: () => unknown): WotResponse {
  try {
    return jsonResponse(200, fn());
  } catch (e) {
    if (e instanceof LiveRequestError) return errorResponse(e.status, e.message);
    if (e instanceof RangeError || e instanceof URIError) return errorResponse(400, e.message);
    throw e; // the handler answers 500 and reports it
  }
}

export function simLiveRoutes(live: SimLiveState): WotRoute[] {
  return [
    {
      method: 'GET',
      path: '/_live',
      handler: (req) => {
        const since = query(req, 'since');
        const ms = since === undefined ? -1 : Number(since);
        if (!Number.isFinite(ms)) return errorResponse(400, `since must be a number of ms, got '${since}'`);
        return answer(() => live.snapshot(ms));
      },
    },
    {
      method: 'POST',
      path: '/_live/faults',
      handler: (req) => {
        let body: { device?: unknown; kind?: unknown };
        try {
          body = JSON.parse(req.body ?? '') as typeof body;
        } catch {
          return errorResponse(400, 'the body must be JSON: {"device":"tmp102","kind":"nack"}');
        }
        if (body === null || typeof body !== 'object' || typeof body.device !== 'string' || typeof body.kind !== 'string') {
          return errorResponse(400, 'the body must be {"device":"<part, address or bus>","kind":"<fault kind>"}');
        }
        return answer(() => live.injectFault(body.device as string, body.kind as string));
      },
    },
    {
      method: 'DELETE',
      path: /^\/_live\/faults\/([^/]+)$/,
      handler: (_req, params) => answer(() => live.clearFaults(decodeURIComponent(params[0]))),
    },
  ];
}
