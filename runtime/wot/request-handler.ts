/**
 * The WebThings REST + WebSocket protocol, independent of any transport: a
 * host (hosts/node/wot-server.ts on node:http + ws, or a Moddable HTTP
 * server) turns each request into a `WotRequest`, calls `handle`, and writes
 * the `WotResponse` back. Routes, status codes and JSON shapes follow
 * webthing-python's server.py; where that server answers 500 or an empty body
 * this one answers 400/404/405/413 with a JSON body saying what was wrong.
 * A WebSocket's messages are a `WotSocketSession`'s (socket-session.ts), an
 * event stream's an `ObservedStream`'s (observed-stream.ts).
 *
 * Every error body, HTTP or WebSocket, has the shape
 * `{ "status": "404 Not Found", "message": "no property 'x' on My Lamp" }`.
 */
import { asciiLowerCase, asciiUpperCase } from '../core/ascii-case';
import { reportError } from '../core/report-error';
import { queueAction } from './action-queue';
import type { ThingContainer } from './containers';
import { PropertyError } from './property-error';
import type { Property } from './property';
import { buildW3cDirectoryDescription, buildW3cThingDescription, TD_MEDIA_TYPE } from './td-w3c';
import type { Thing, WebThingDescription, HistoryLimits } from './thing';
import { thingIndexPage } from './thing-index-page';
import { thingPage } from './thing-page';
import { excerpt, isPlainObject, statusLine, tooDeepMessage } from './client-errors';
import { WotSocketSession } from './socket-session';
import { ObservedStream } from './observed-stream';
import { OutboundBudget, type OutboundBudgetOptions } from '../outbound/outbound-budget';
import type { OutboundLink } from './client-outbound';
import { newWotCounters, type WotCounters } from './counters';
import { DEFAULT_MAX_JSON_DEPTH, jsonTextDeeperThan } from './json-depth';
import { DEFAULT_MAX_RUNNING_ACTIONS } from './thing';

export interface WotRequest {
  method: string;
  /** Path and query as received, e.g. `/properties/on?x=1`. */
  url: string;
  /** Header values by lower-case name. */
  headers: { [name: string]: string | string[] | undefined };
  /** The whole body, already read by the host (within `maxBodyBytes`). */
  body?: string;
  /** True on TLS: links then say `https`/`wss`. */
  secure?: boolean;
}

export interface WotResponse {
  status: number;
  headers: { [name: string]: string };
  body?: string;
  /**
   * A server-sent event stream: the host sends the status and headers, then
   * passes `write` (which sends one `data:` event) and, to keep the client
   * within a byte budget, an `OutboundLink` (then it calls `link.drained()`
   * when the socket drains); the returned function is called when the client goes away.
   */
  stream?: (write: (data: string) => void, link?: OutboundLink) => () => void;
  /** An answer that comes later (an action that must complete first): the host waits for `reply`. */
  later?: (reply: (response: WotResponse) => void) => void;
}

/** An extra route served ahead of the WebThings routes (ThingTalk/webthing-python `additional_routes`). */
export interface WotRoute {
  method: string;
  /** An exact path (after `basePath`) or a pattern whose groups are passed as `params`. */
  path: string | RegExp;
  handler: (req: WotRequest, params: string[]) => WotResponse;
}

/** Runs around every HTTP request: return `next()` to go on, or a response of your own. */
export type WotMiddleware = (req: WotRequest, next: () => WotResponse) => WotResponse;

export interface WotAuthOptions {
  /** The bearer token clients must send (`Authorization: Bearer <token>`). */
  token: string;
  /** `'writes'` (default): PUT/POST/DELETE and WebSocket writes need it; `'all'`: every request. */
  protect?: 'writes' | 'all';
}

export interface WotHandlerOptions {
  /** A path prefix for every route, e.g. `/api`. */
  basePath?: string;
  /** Accepted `Host` header values (compared case-insensitively); omit to accept any host. */
  hosts?: string[];
  auth?: WotAuthOptions;
  /** Bounds of each thing's action and event histories. */
  historyLimits?: Partial<HistoryLimits>;
  additionalRoutes?: WotRoute[];
  middlewares?: WotMiddleware[];
  /** The largest request body or WebSocket message accepted, in bytes (hosts enforce it). Default 16 KiB. */
  maxBodyBytes?: number;
  /** Serve the live HTML page to browsers (`Accept: text/html`). Default true. */
  htmlPage?: boolean;
  /** How deep a JSON body, message, property value or action input may nest. Default 32; past it: 400. */
  maxJsonDepth?: number;
  /** Actions created or pending at once, per thing. Default 16; past it: 503 with Retry-After. */
  maxRunningActions?: number;
  /** WebSocket sessions open at once. Default 32 (a board: 4); past it the upgrade gets 503. */
  maxSessions?: number;
  /** Byte budget of each WebSocket and SSE client (OutboundBudget): 64 KiB, closed after 10 s over it. */
  outbound?: OutboundBudgetOptions;
}

/** WebSocket sessions a server holds at once, by default (a board passes its own, smaller). */
export const DEFAULT_MAX_SESSIONS = 32;
/** Seconds a client refused for lack of room (503) is told to wait. */
const RETRY_AFTER_SECONDS = '1';

/**
 * The handler options a host server passes through unchanged from its own
 * options (which use the same names); the host decides `hosts` itself.
 */
export function handlerOptionsFrom(opts: Omit<WotHandlerOptions, 'hosts'>, hosts: string[] | undefined): WotHandlerOptions {
  return {
    basePath: opts.basePath,
    auth: opts.auth,
    historyLimits: opts.historyLimits,
    additionalRoutes: opts.additionalRoutes,
    middlewares: opts.middlewares,
    maxBodyBytes: opts.maxBodyBytes,
    htmlPage: opts.htmlPage,
    maxJsonDepth: opts.maxJsonDepth,
    maxRunningActions: opts.maxRunningActions,
    maxSessions: opts.maxSessions,
    outbound: opts.outbound,
    hosts,
  };
}

const CORS_HEADERS: { [name: string]: string } = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Origin, X-Requested-With, Content-Type, Accept, Authorization',
  'Access-Control-Allow-Methods': 'GET, HEAD, PUT, POST, DELETE',
};

function withCors(extra: { [name: string]: string }): { [name: string]: string } {
  const h: { [name: string]: string } = {};
  const k = Object.keys(CORS_HEADERS);
  for (let i = 0; i < k.length; i++) h[k[i]] = CORS_HEADERS[k[i]];
  const e = Object.keys(extra);
  for (let i = 0; i < e.length; i++) h[e[i]] = extra[e[i]];
  return h;
}

/** Shared, never mutated: the common JSON answer needs no header object of its own. */
const JSON_HEADERS = Object.freeze(withCors({ 'Content-Type': 'application/json' })) as { [name: string]: string };
const TD_HEADERS = Object.freeze(withCors({ 'Content-Type': TD_MEDIA_TYPE })) as { [name: string]: string };
const HTML_HEADERS = Object.freeze(withCors({ 'Content-Type': 'text/html; charset=utf-8' })) as { [name: string]: string };
const EMPTY_HEADERS = Object.freeze(withCors({})) as { [name: string]: string };
const SSE_HEADERS = Object.freeze(withCors({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })) as { [name: string]: string };

export function jsonResponse(status: number, body: unknown): WotResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** A JSON error answer: `{ status: "404 Not Found", message }`. */
export function errorResponse(status: number, message: string, extraHeaders?: { [name: string]: string }): WotResponse {
  return {
    status,
    headers: extraHeaders === undefined ? JSON_HEADERS : withCors({ 'Content-Type': 'application/json', ...extraHeaders }),
    body: JSON.stringify({ status: statusLine(status), message }),
  };
}

function headerValue(req: WotRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

type Parsed = { ok: true; value: unknown } | { ok: false; response: WotResponse };

/**
 * Parse a JSON body. `envelope` is how many levels the request's own shape adds around the value
 * (`{"name": value}` is 1): the value itself may nest `maxDepth` levels, checked before parsing.
 */
function parseJsonBody(req: WotRequest, mustBeObject: boolean, maxDepth: number, envelope: number, counters: WotCounters): Parsed {
  const text = req.body ?? '';
  if (text.length === 0) return { ok: false, response: errorResponse(400, 'the request needs a JSON body') };
  if (jsonTextDeeperThan(text, maxDepth + envelope)) {
    counters.tooDeep++;
    return { ok: false, response: errorResponse(400, tooDeepMessage(maxDepth)) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, response: errorResponse(400, `malformed JSON body: ${(e instanceof Error ? e.message : String(e)).slice(0, 100)}`) };
  }
  if (mustBeObject && !isPlainObject(value)) {
    return { ok: false, response: errorResponse(400, 'the JSON body must be an object') };
  }
  return { ok: true, value };
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function methodNotAllowed(method: string, allow: string): WotResponse {
  return errorResponse(405, `${method} is not allowed here; use ${allow}`, { Allow: allow });
}

/** Constant-time string comparison, so a token cannot be guessed byte by byte from timings. */
function sameSecret(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a.charCodeAt(i % (a.length || 1)) ^ b.charCodeAt(i));
  return diff === 0;
}

export type SocketOpenResult = { session: WotSocketSession } | { response: WotResponse };

/**
 * Serves a `SingleThing` or `MultipleThings` container. One instance per server.
 */
export class WotRequestHandler {
  readonly things: ThingContainer;
  readonly basePath: string;
  readonly maxBodyBytes: number;
  readonly maxJsonDepth: number;
  readonly maxSessions: number;
  /** What was refused, held back or shed, by cause (docs/bounds.md); the host adds its connection counts. */
  readonly counters: WotCounters = newWotCounters();
  private readonly outboundOptions: OutboundBudgetOptions | undefined;
  private hosts: { [host: string]: true } | undefined;
  private readonly auth: WotAuthOptions | undefined;
  private readonly routes: WotRoute[];
  private readonly middlewares: WotMiddleware[];
  private readonly htmlPage: boolean;

  constructor(things: ThingContainer, opts?: WotHandlerOptions) {
    this.things = things;
    this.basePath = (opts?.basePath ?? '').replace(/\/+$/, '');
    this.maxBodyBytes = opts?.maxBodyBytes ?? 16 * 1024;
    this.maxJsonDepth = opts?.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
    this.maxSessions = opts?.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (!(Number.isInteger(this.maxJsonDepth) && this.maxJsonDepth >= 1)) throw new RangeError(`maxJsonDepth must be a positive integer, got ${String(this.maxJsonDepth)}`);
    if (!(Number.isInteger(this.maxSessions) && this.maxSessions >= 0)) throw new RangeError(`maxSessions must be an integer >= 0, got ${String(this.maxSessions)}`);
    this.outboundOptions = opts?.outbound;
    if (this.outboundOptions !== undefined) new OutboundBudget(this.outboundOptions); // throws now on a bad option, not at the first client
    this.auth = opts?.auth;
    if (this.auth !== undefined && (typeof this.auth.token !== 'string' || this.auth.token.length === 0)) {
      throw new TypeError('auth.token must be a non-empty string');
    }
    this.routes = opts?.additionalRoutes ?? [];
    this.middlewares = opts?.middlewares ?? [];
    this.htmlPage = opts?.htmlPage !== false;
    this.setAllowedHosts(opts?.hosts);
    const list = things.getThings();
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      t.setHrefPrefix(things.multiple ? `${this.basePath}/${i}` : this.basePath);
      if (opts?.historyLimits?.actions !== undefined) t.historyLimits.actions = opts.historyLimits.actions;
      if (opts?.historyLimits?.events !== undefined) t.historyLimits.events = opts.historyLimits.events;
      t.maxValueDepth = this.maxJsonDepth;
      t.maxRunningActions = opts?.maxRunningActions ?? DEFAULT_MAX_RUNNING_ACTIONS;
    }
  }

  /** A byte budget for one more outbound client (WebSocket or SSE). */
  newOutboundBudget(): OutboundBudget {
    return new OutboundBudget(this.outboundOptions);
  }

  /** Replace the accepted `Host` values (the server knows its port only once it listens); `undefined` accepts any. */
  setAllowedHosts(hosts: string[] | undefined): void {
    if (hosts === undefined) {
      this.hosts = undefined;
      return;
    }
    const table: { [host: string]: true } = Object.create(null);
    for (let i = 0; i < hosts.length; i++) table[asciiLowerCase(hosts[i])] = true;
    this.hosts = table;
  }

  /** Answer one HTTP request. Never throws. */
  handle(req: WotRequest): WotResponse {
    try {
      if (this.middlewares.length === 0) return this.route(req);
      return this.runMiddleware(req, 0);
    } catch (e) {
      reportError('thingflow wot: request failed:', e);
      return errorResponse(500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Answer a body that is too large (hosts call this instead of `handle`). */
  tooLarge(): WotResponse {
    return errorResponse(413, `the request body is larger than ${this.maxBodyBytes} bytes`);
  }

  /**
   * A WebSocket upgrade request for `req.url`: either a session for the thing
   * at that path, or the HTTP answer that refuses it (403, 401, 404).
   * Browsers cannot set headers on a WebSocket, so the token may also come as `?token=`.
   */
  openSocket(req: WotRequest, send: (text: string) => void, link?: OutboundLink): SocketOpenResult {
    const refused = this.checkHost(req);
    if (refused !== undefined) return { response: refused };
    const authorized = this.hasToken(req, true);
    if (this.auth !== undefined && this.auth.protect === 'all' && !authorized) return { response: this.unauthorized() };
    const path = this.stripBase(req.url);
    if (path === undefined) return { response: errorResponse(404, 'no thing here') };
    const segs = this.segments(path);
    if (segs === undefined) return { response: errorResponse(400, 'malformed path') };
    let thing: Thing | undefined;
    if (this.things.multiple) thing = segs.length === 1 ? this.things.getThing(segs[0]) : undefined;
    else thing = segs.length === 0 ? this.things.getThing() : undefined;
    if (thing === undefined) return { response: errorResponse(404, `no thing at ${excerpt(path)}`) };
    if (this.counters.sessions >= this.maxSessions) {
      this.counters.sessionsRefused++;
      return { response: errorResponse(503, `${this.maxSessions} WebSocket sessions are open (maxSessions); try again later`, { 'Retry-After': RETRY_AFTER_SECONDS }) };
    }
    const mayWrite = this.auth === undefined || authorized;
    return { session: new WotSocketSession(thing, send, mayWrite, link, link === undefined ? undefined : this.newOutboundBudget(), this.counters, this.maxJsonDepth) };
  }

  private runMiddleware(req: WotRequest, i: number): WotResponse {
    if (i >= this.middlewares.length) return this.route(req);
    return this.middlewares[i](req, () => this.runMiddleware(req, i + 1));
  }

  private checkHost(req: WotRequest): WotResponse | undefined {
    // RFC 9112 §3.2: a request with more than one Host field is answered 400 (hosts pass them as an array).
    if (Array.isArray(req.headers.host)) return errorResponse(400, 'the request has more than one Host header');
    if (this.hosts === undefined) return undefined;
    const host = headerValue(req, 'host');
    if (host !== undefined && this.hosts[asciiLowerCase(host)] === true) return undefined;
    return errorResponse(403, `host '${excerpt(host ?? '')}' is not served here`);
  }

  private hasToken(req: WotRequest, allowQuery: boolean): boolean {
    if (this.auth === undefined) return true;
    const h = headerValue(req, 'authorization');
    if (h !== undefined && /^bearer\s+/i.test(h) && sameSecret(h.replace(/^bearer\s+/i, '').trim(), this.auth.token)) return true;
    if (allowQuery) {
      const q = req.url.indexOf('?');
      if (q >= 0) {
        const params = req.url.slice(q + 1).split('&');
        for (let i = 0; i < params.length; i++) {
          if (params[i].startsWith('token=') && sameSecret(safeDecode(params[i].slice(6)) ?? '', this.auth.token)) return true;
        }
      }
    }
    return false;
  }

  private unauthorized(): WotResponse {
    return errorResponse(401, 'a valid bearer token is required', { 'WWW-Authenticate': 'Bearer' });
  }

  private stripBase(url: string): string | undefined {
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    if (this.basePath === '') return path;
    if (path === this.basePath) return '/';
    if (path.startsWith(this.basePath + '/')) return path.slice(this.basePath.length);
    return undefined;
  }

  /** Non-empty, decoded path segments (a trailing slash is allowed, as in webthing-python's `/?`). */
  private segments(path: string): string[] | undefined {
    const raw = path.split('/');
    const out: string[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '') continue;
      const d = safeDecode(raw[i]);
      if (d === undefined) return undefined;
      out.push(d);
    }
    return out;
  }

  private origin(req: WotRequest): string {
    return `${req.secure ? 'https' : 'http'}://${headerValue(req, 'host') ?? ''}`;
  }

  private route(req: WotRequest): WotResponse {
    const method = asciiUpperCase(req.method);
    const refused = this.checkHost(req);
    if (refused !== undefined) return refused;
    if (method === 'OPTIONS') return { status: 204, headers: EMPTY_HEADERS };
    const isWrite = method !== 'GET' && method !== 'HEAD';
    if (this.auth !== undefined && (isWrite || this.auth.protect === 'all') && !this.hasToken(req, false)) return this.unauthorized();

    const fullPath = req.url.indexOf('?') >= 0 ? req.url.slice(0, req.url.indexOf('?')) : req.url;
    if (fullPath === '/.well-known/wot' || fullPath === '/.well-known/wot/') {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method, 'GET, HEAD');
      return this.wellKnown(req);
    }
    const path = this.stripBase(req.url);
    if (path === undefined) return errorResponse(404, `nothing at ${excerpt(fullPath)}`);
    for (let i = 0; i < this.routes.length; i++) {
      const r = this.routes[i];
      const routeMethod = asciiUpperCase(r.method);
      if (routeMethod !== method && !(method === 'HEAD' && routeMethod === 'GET')) continue;
      if (typeof r.path === 'string') {
        if (r.path === path) return r.handler(req, []);
      } else {
        const m = r.path.exec(path);
        if (m !== null) return r.handler(req, m.slice(1));
      }
    }
    const segs = this.segments(path);
    if (segs === undefined) return errorResponse(400, `malformed path ${excerpt(fullPath)}`);
    if (this.things.multiple) {
      if (segs.length === 0) {
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method, 'GET, HEAD');
        return this.thingList(req);
      }
      const thing = this.things.getThing(segs[0]);
      if (thing === undefined) return errorResponse(404, `no thing '${excerpt(segs[0])}'`);
      return this.thingRoute(req, method, thing, segs, 1);
    }
    return this.thingRoute(req, method, this.things.getThing()!, segs, 0);
  }

  private wellKnown(req: WotRequest): WotResponse {
    const opts = { security: this.auth !== undefined ? 'bearer' as const : 'nosec' as const };
    const things = this.things.getThings();
    const td = this.things.multiple
      ? buildW3cDirectoryDescription(this.things.getName(), things, this.origin(req), opts)
      : buildW3cThingDescription(things[0], this.origin(req), opts);
    return { status: 200, headers: TD_HEADERS, body: JSON.stringify(td) };
  }

  /** The WebThings description with what depends on the request: `ws` link, `base`, security. */
  describe(thing: Thing, req: WotRequest): WebThingDescription {
    const host = headerValue(req, 'host') ?? '';
    const d = thing.asThingDescription();
    d.links.push({ rel: 'alternate', href: `${req.secure ? 'wss' : 'ws'}://${host}${thing.getHref()}` });
    d.base = `${req.secure ? 'https' : 'http'}://${host}${thing.getHref()}`;
    if (this.auth !== undefined) {
      d.securityDefinitions = { bearer_sc: { scheme: 'bearer' } };
      d.security = 'bearer_sc';
    } else {
      d.securityDefinitions = { nosec_sc: { scheme: 'nosec' } };
      d.security = 'nosec_sc';
    }
    return d;
  }

  /** A browser asking for a page (`Accept: text/html`), when pages are served. */
  private wantsHtml(req: WotRequest): boolean {
    const accept = headerValue(req, 'accept');
    return this.htmlPage && accept !== undefined && accept.indexOf('text/html') >= 0;
  }

  private thingList(req: WotRequest): WotResponse {
    const list = this.things.getThings();
    const out: WebThingDescription[] = [];
    for (let i = 0; i < list.length; i++) {
      const d = this.describe(list[i], req);
      d.href = list[i].getHref();
      out.push(d);
    }
    if (this.wantsHtml(req)) return { status: 200, headers: HTML_HEADERS, body: thingIndexPage(this.things.getName(), out) };
    return jsonResponse(200, out);
  }

  private thingRoute(req: WotRequest, method: string, thing: Thing, segs: string[], at: number): WotResponse {
    const n = segs.length - at;
    if (n === 0) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method, 'GET, HEAD');
      if (this.wantsHtml(req)) {
        return { status: 200, headers: HTML_HEADERS, body: thingPage(thing, this.describe(thing, req), { basePath: this.basePath }) };
      }
      return jsonResponse(200, this.describe(thing, req));
    }
    const kind = segs[at];
    if (kind === 'td' && n === 1) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method, 'GET, HEAD');
      const td = buildW3cThingDescription(thing, this.origin(req), { security: this.auth !== undefined ? 'bearer' : 'nosec' });
      return { status: 200, headers: TD_HEADERS, body: JSON.stringify(td) };
    }
    if (kind === 'properties') {
      if (n === 1) {
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method, 'GET, HEAD');
        return jsonResponse(200, thing.getProperties());
      }
      if (n === 2) return this.property(req, method, thing, segs[at + 1]);
    } else if (kind === 'actions') {
      if (n === 1) return this.actions(req, method, thing, undefined);
      if (n === 2) return this.actions(req, method, thing, segs[at + 1]);
      if (n === 3) return this.actionById(method, thing, segs[at + 1], segs[at + 2]);
    } else if (kind === 'events') {
      if (n <= 2) {
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method, 'GET, HEAD');
        const name = n === 2 ? segs[at + 1] : undefined;
        if (name !== undefined && !thing.hasAvailableEvent(name)) return errorResponse(404, `no event '${excerpt(name)}' on ${thing.title}`);
        return jsonResponse(200, thing.getEventDescriptions(name));
      }
    } else if (kind === 'wot') {
      return this.tdRoute(req, method, thing, segs, at + 1);
    }
    return errorResponse(404, `nothing at ${excerpt(req.url)}`);
  }

  private property(req: WotRequest, method: string, thing: Thing, name: string): WotResponse {
    const p = thing.findProperty(name);
    if (p === undefined) return errorResponse(404, `no property '${excerpt(name)}' on ${thing.title}`);
    if (method === 'GET' || method === 'HEAD') {
      return { status: 200, headers: JSON_HEADERS, body: `{${JSON.stringify(name)}:${JSON.stringify(p.getValue())}}` };
    }
    if (method !== 'PUT') return methodNotAllowed(method, 'GET, HEAD, PUT');
    const parsed = parseJsonBody(req, true, this.maxJsonDepth, 1, this.counters);
    if (!parsed.ok) return parsed.response;
    const args = parsed.value as { [k: string]: unknown };
    if (!Object.prototype.hasOwnProperty.call(args, name)) return errorResponse(400, `the body must have the key '${excerpt(name)}'`);
    const refused = this.setProperty(thing, name, args[name]);
    if (refused !== undefined) return refused;
    return { status: 200, headers: JSON_HEADERS, body: `{${JSON.stringify(name)}:${JSON.stringify(p.getValue())}}` };
  }

  private setProperty(thing: Thing, name: string, value: unknown): WotResponse | undefined {
    try {
      thing.setProperty(name, value);
      return undefined;
    } catch (e) {
      if (e instanceof PropertyError) return errorResponse(400, e.message);
      throw e;
    }
  }

  private actions(req: WotRequest, method: string, thing: Thing, actionName: string | undefined): WotResponse {
    if (actionName !== undefined && !thing.hasAvailableAction(actionName)) {
      return errorResponse(404, `no action '${excerpt(actionName)}' on ${thing.title}`);
    }
    if (method === 'GET' || method === 'HEAD') return jsonResponse(200, thing.getActionDescriptions(actionName));
    if (method !== 'POST') return methodNotAllowed(method, 'GET, HEAD, POST');
    const parsed = parseJsonBody(req, true, this.maxJsonDepth, 2, this.counters);
    if (!parsed.ok) return parsed.response;
    const message = parsed.value as { [k: string]: unknown };
    const keys = Object.keys(message);
    if (keys.length !== 1) return errorResponse(400, 'the body must name exactly one action: {"<action>": {"input": ...}}');
    const name = keys[0];
    if (actionName !== undefined && name !== actionName) return errorResponse(400, `the body names action '${excerpt(name)}' but the path is for '${excerpt(actionName)}'`);
    if (!thing.hasAvailableAction(name)) return errorResponse(404, `no action '${excerpt(name)}' on ${thing.title}`);
    const params = message[name];
    if (params !== null && params !== undefined && !isPlainObject(params)) return errorResponse(400, `the parameters of action '${excerpt(name)}' must be an object`);
    const input = isPlainObject(params) ? params.input : undefined;
    const wrong = thing.checkActionRequest(name, input);
    if (wrong !== null) return errorResponse(400, wrong);
    const full = this.refuseIfBusy(thing);
    if (full !== undefined) return full;
    const action = thing.performAction(name, input)!;
    queueAction(() => action.start());
    return jsonResponse(201, action.asActionDescription());
  }

  /** Open a server-sent event stream; returns what the host calls when the client goes away. */
  private observe(write: (data: string) => void, link: OutboundLink | undefined, p: Property<any> | undefined, thing: Thing, eventName: string): () => void {
    const stream = new ObservedStream(write, link, link === undefined ? undefined : this.newOutboundBudget(), this.counters, p, thing, eventName);
    return () => stream.close();
  }

  /** 503 with Retry-After when `thing` already runs `maxRunningActions` actions. */
  private refuseIfBusy(thing: Thing): WotResponse | undefined {
    if (thing.runningActionCount() < thing.maxRunningActions) return undefined;
    this.counters.actionsRefused++;
    return errorResponse(503, `${thing.maxRunningActions} actions are running on ${thing.title} (maxRunningActions); try again later`, { 'Retry-After': RETRY_AFTER_SECONDS });
  }

  private actionById(method: string, thing: Thing, actionName: string, id: string): WotResponse {
    const action = thing.getAction(actionName, id);
    if (action === undefined) return errorResponse(404, `no action '${excerpt(actionName)}' with id '${excerpt(id)}' on ${thing.title}`);
    if (method === 'GET' || method === 'HEAD') return jsonResponse(200, action.asActionDescription());
    if (method === 'PUT') return { status: 200, headers: EMPTY_HEADERS }; // as webthing-python: not defined by the spec
    if (method === 'DELETE') {
      thing.removeAction(actionName, id);
      return { status: 204, headers: EMPTY_HEADERS };
    }
    return methodNotAllowed(method, 'GET, HEAD, PUT, DELETE');
  }

  /** The bare-value routes that W3C TD forms point at (see td-w3c.ts). */
  private tdRoute(req: WotRequest, method: string, thing: Thing, segs: string[], at: number): WotResponse {
    const n = segs.length - at;
    const kind = segs[at];
    if (kind === 'properties' && (n === 2 || (n === 3 && segs[at + 2] === 'observe'))) {
      const name = segs[at + 1];
      const p = thing.findProperty(name);
      if (p === undefined) return errorResponse(404, `no property '${excerpt(name)}' on ${thing.title}`);
      if (n === 3) {
        if (method === 'HEAD') return { status: 200, headers: SSE_HEADERS };
        if (method !== 'GET') return methodNotAllowed(method, 'GET, HEAD');
        return { status: 200, headers: SSE_HEADERS, stream: (write, link) => this.observe(write, link, p, thing, '') };
      }
      if (method === 'GET' || method === 'HEAD') return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(p.getValue()) };
      if (method !== 'PUT') return methodNotAllowed(method, 'GET, HEAD, PUT');
      const parsed = parseJsonBody(req, false, this.maxJsonDepth, 0, this.counters);
      if (!parsed.ok) return parsed.response;
      const refused = this.setProperty(thing, name, parsed.value);
      return refused ?? { status: 204, headers: EMPTY_HEADERS };
    }
    if (kind === 'actions' && n === 2) {
      const name = segs[at + 1];
      if (!thing.hasAvailableAction(name)) return errorResponse(404, `no action '${excerpt(name)}' on ${thing.title}`);
      if (method !== 'POST') return methodNotAllowed(method, 'POST');
      let input: unknown;
      if (req.body !== undefined && req.body.length > 0) {
        const parsed = parseJsonBody(req, false, this.maxJsonDepth, 0, this.counters);
        if (!parsed.ok) return parsed.response;
        input = parsed.value;
      }
      const wrong = thing.checkActionRequest(name, input);
      if (wrong !== null) return errorResponse(400, wrong);
      const full = this.refuseIfBusy(thing);
      if (full !== undefined) return full;
      const action = thing.performAction(name, input)!;
      queueAction(() => action.start());
      return {
        status: 204,
        headers: EMPTY_HEADERS,
        later: (reply) => action.whenFinished((a) => {
          if (a.wasCancelled()) reply(errorResponse(410, `action '${excerpt(name)}' was cancelled before it finished (deleted, or evicted from the history)`));
          else reply(a.status === 'failed' ? errorResponse(500, `action '${name}' failed: ${excerpt(a.error ?? '')}`) : { status: 204, headers: EMPTY_HEADERS });
        }),
      };
    }
    if (kind === 'events' && n === 2) {
      const name = segs[at + 1];
      if (!thing.hasAvailableEvent(name)) return errorResponse(404, `no event '${excerpt(name)}' on ${thing.title}`);
      if (method === 'HEAD') return { status: 200, headers: SSE_HEADERS };
      if (method !== 'GET') return methodNotAllowed(method, 'GET, HEAD');
      return { status: 200, headers: SSE_HEADERS, stream: (write, link) => this.observe(write, link, undefined, thing, name) };
    }
    return errorResponse(404, `nothing at ${excerpt(req.url)}`);
  }
}
