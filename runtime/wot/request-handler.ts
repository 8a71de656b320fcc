/**
 * The WebThings REST + WebSocket protocol, independent of any transport: a
 * host (hosts/node/wot-server.ts on node:http + ws, or a Moddable HTTP
 * server) turns each request into a `WotRequest`, calls `handle`, and writes
 * the `WotResponse` back. Routes, status codes and JSON shapes follow
 * webthing-python's server.py; where that server answers 500 or an empty body
 * this one answers 400/404/405/413 with a JSON body saying what was wrong.
 *
 * Every error body, HTTP or WebSocket, has the shape
 * `{ "status": "404 Not Found", "message": "no property 'x' on My Lamp" }`.
 */
import { reportError } from '../core/report-error';
import { queueAction } from './action-queue';
import type { Action } from './action';
import type { ThingContainer } from './containers';
import { PropertyError } from './property-error';
import type { Property } from './property';
import { STATUS_TEXT } from './http-status';
import { buildW3cDirectoryDescription, buildW3cThingDescription, TD_MEDIA_TYPE } from './td-w3c';
import type { Thing, ThingSubscriber, WebThingDescription, HistoryLimits } from './thing';
import type { Event } from './event';
import { thingIndexPage } from './thing-index-page';
import { thingPage } from './thing-page';

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
   * passes `write` (which sends one `data:` event); the returned function is
   * called when the client goes away.
   */
  stream?: (write: (data: string) => void) => () => void;
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
}

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

export function statusLine(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd();
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

function isPlainObject(x: unknown): x is { [k: string]: unknown } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

type Parsed = { ok: true; value: unknown } | { ok: false; response: WotResponse };

function parseJsonBody(req: WotRequest, mustBeObject: boolean): Parsed {
  const text = req.body ?? '';
  if (text.length === 0) return { ok: false, response: errorResponse(400, 'the request needs a JSON body') };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, response: errorResponse(400, `malformed JSON body: ${e instanceof Error ? e.message : String(e)}`) };
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

/**
 * One WebSocket client of one thing. The host feeds it text frames with
 * `receive` and calls `close` when the socket closes; it sends through the
 * `send` function it was opened with.
 */
export class WotSocketSession implements ThingSubscriber {
  private open = true;

  constructor(
    readonly thing: Thing,
    private readonly send: (text: string) => void,
    private readonly mayWrite: boolean,
  ) {
    thing.addSubscriber(this);
  }

  updateProperty(_p: Property<any>, message: string): void { this.send(message); }
  updateAction(_a: Action<any>, message: string): void { this.send(message); }
  updateEvent(_e: Event<any>, message: string): void { this.send(message); }

  /** One text frame from the client. Never throws: every problem becomes an `error` message. */
  receive(text: string): void {
    if (!this.open) return;
    try {
      this.dispatch(text);
    } catch (e) {
      reportError('thingflow wot: WebSocket message failed:', e);
      this.sendError(500, `the message could not be handled: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The socket closed: stop sending to it. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.thing.removeSubscriber(this);
  }

  private sendError(status: number, message: string, request?: unknown): void {
    const data: { [k: string]: unknown } = { status: statusLine(status), message };
    if (request !== undefined) data.request = request;
    this.send(JSON.stringify({ messageType: 'error', data }));
  }

  private dispatch(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.sendError(400, 'Parsing request failed');
      return;
    }
    if (!isPlainObject(message) || typeof message.messageType !== 'string' || !isPlainObject(message.data)) {
      this.sendError(400, 'Invalid message: expected {"messageType": string, "data": object}');
      return;
    }
    const data = message.data;
    const names = Object.keys(data);
    switch (message.messageType) {
      case 'setProperty':
        if (!this.mayWrite) {
          this.sendError(401, 'a bearer token is needed to set properties', message);
          return;
        }
        for (let i = 0; i < names.length; i++) {
          const name = names[i];
          if (!this.thing.hasProperty(name)) {
            this.sendError(404, `no property '${name}' on ${this.thing.title}`, message);
            continue;
          }
          try {
            this.thing.setProperty(name, data[name]);
          } catch (e) {
            if (!(e instanceof PropertyError)) reportError('thingflow wot: setting a property threw:', e);
            this.sendError(400, e instanceof Error ? e.message : String(e), message);
          }
        }
        return;
      case 'requestAction':
        if (!this.mayWrite) {
          this.sendError(401, 'a bearer token is needed to request actions', message);
          return;
        }
        for (let i = 0; i < names.length; i++) {
          const name = names[i];
          const params = data[name];
          const input = isPlainObject(params) ? params.input : undefined;
          const wrong = params !== null && params !== undefined && !isPlainObject(params)
            ? `the parameters of action '${name}' must be an object`
            : this.thing.checkActionRequest(name, input);
          const action = wrong === null ? this.thing.performAction(name, input) : null;
          if (action === null) {
            this.sendError(this.thing.hasAvailableAction(name) ? 400 : 404, `Invalid action request: ${wrong}`, message);
            continue;
          }
          queueAction(() => action.start());
        }
        return;
      case 'addEventSubscription':
        for (let i = 0; i < names.length; i++) {
          if (!this.thing.addEventSubscriber(names[i], this)) this.sendError(404, `no event '${names[i]}' on ${this.thing.title}`, message);
        }
        return;
      default:
        this.sendError(400, `Unknown messageType: ${message.messageType}`, message);
    }
  }
}

export type SocketOpenResult = { session: WotSocketSession } | { response: WotResponse };

/**
 * Serves a `SingleThing` or `MultipleThings` container. One instance per server.
 */
export class WotRequestHandler {
  readonly things: ThingContainer;
  readonly basePath: string;
  readonly maxBodyBytes: number;
  private hosts: { [host: string]: true } | undefined;
  private readonly auth: WotAuthOptions | undefined;
  private readonly routes: WotRoute[];
  private readonly middlewares: WotMiddleware[];
  private readonly htmlPage: boolean;

  constructor(things: ThingContainer, opts?: WotHandlerOptions) {
    this.things = things;
    this.basePath = (opts?.basePath ?? '').replace(/\/+$/, '');
    this.maxBodyBytes = opts?.maxBodyBytes ?? 16 * 1024;
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
    }
  }

  /** Replace the accepted `Host` values (the server knows its port only once it listens); `undefined` accepts any. */
  setAllowedHosts(hosts: string[] | undefined): void {
    if (hosts === undefined) {
      this.hosts = undefined;
      return;
    }
    const table: { [host: string]: true } = Object.create(null);
    for (let i = 0; i < hosts.length; i++) table[hosts[i].toLowerCase()] = true;
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
  openSocket(req: WotRequest, send: (text: string) => void): SocketOpenResult {
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
    if (thing === undefined) return { response: errorResponse(404, `no thing at ${path}`) };
    return { session: new WotSocketSession(thing, send, this.auth === undefined || authorized) };
  }

  private runMiddleware(req: WotRequest, i: number): WotResponse {
    if (i >= this.middlewares.length) return this.route(req);
    return this.middlewares[i](req, () => this.runMiddleware(req, i + 1));
  }

  private checkHost(req: WotRequest): WotResponse | undefined {
    if (this.hosts === undefined) return undefined;
    const host = headerValue(req, 'host');
    if (host !== undefined && this.hosts[host.toLowerCase()] === true) return undefined;
    return errorResponse(403, `host '${host ?? ''}' is not served here`);
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
    const method = req.method.toUpperCase();
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
    if (path === undefined) return errorResponse(404, `nothing at ${fullPath}`);
    for (let i = 0; i < this.routes.length; i++) {
      const r = this.routes[i];
      if (r.method.toUpperCase() !== method && !(method === 'HEAD' && r.method.toUpperCase() === 'GET')) continue;
      if (typeof r.path === 'string') {
        if (r.path === path) return r.handler(req, []);
      } else {
        const m = r.path.exec(path);
        if (m !== null) return r.handler(req, m.slice(1));
      }
    }
    const segs = this.segments(path);
    if (segs === undefined) return errorResponse(400, `malformed path ${fullPath}`);
    if (this.things.multiple) {
      if (segs.length === 0) {
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method, 'GET, HEAD');
        return this.thingList(req);
      }
      const thing = this.things.getThing(segs[0]);
      if (thing === undefined) return errorResponse(404, `no thing '${segs[0]}'`);
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
        if (name !== undefined && !thing.hasAvailableEvent(name)) return errorResponse(404, `no event '${name}' on ${thing.title}`);
        return jsonResponse(200, thing.getEventDescriptions(name));
      }
    } else if (kind === 'wot') {
      return this.tdRoute(req, method, thing, segs, at + 1);
    }
    return errorResponse(404, `nothing at ${req.url}`);
  }

  private property(req: WotRequest, method: string, thing: Thing, name: string): WotResponse {
    const p = thing.findProperty(name);
    if (p === undefined) return errorResponse(404, `no property '${name}' on ${thing.title}`);
    if (method === 'GET' || method === 'HEAD') {
      return { status: 200, headers: JSON_HEADERS, body: `{${JSON.stringify(name)}:${JSON.stringify(p.getValue())}}` };
    }
    if (method !== 'PUT') return methodNotAllowed(method, 'GET, HEAD, PUT');
    const parsed = parseJsonBody(req, true);
    if (!parsed.ok) return parsed.response;
    const args = parsed.value as { [k: string]: unknown };
    if (!Object.prototype.hasOwnProperty.call(args, name)) return errorResponse(400, `the body must have the key '${name}'`);
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
      return errorResponse(404, `no action '${actionName}' on ${thing.title}`);
    }
    if (method === 'GET' || method === 'HEAD') return jsonResponse(200, thing.getActionDescriptions(actionName));
    if (method !== 'POST') return methodNotAllowed(method, 'GET, HEAD, POST');
    const parsed = parseJsonBody(req, true);
    if (!parsed.ok) return parsed.response;
    const message = parsed.value as { [k: string]: unknown };
    const keys = Object.keys(message);
    if (keys.length !== 1) return errorResponse(400, 'the body must name exactly one action: {"<action>": {"input": ...}}');
    const name = keys[0];
    if (actionName !== undefined && name !== actionName) return errorResponse(400, `the body names action '${name}' but the path is for '${actionName}'`);
    if (!thing.hasAvailableAction(name)) return errorResponse(404, `no action '${name}' on ${thing.title}`);
    const params = message[name];
    if (params !== null && params !== undefined && !isPlainObject(params)) return errorResponse(400, `the parameters of action '${name}' must be an object`);
    const input = isPlainObject(params) ? params.input : undefined;
    const wrong = thing.checkActionRequest(name, input);
    if (wrong !== null) return errorResponse(400, wrong);
    const action = thing.performAction(name, input)!;
    queueAction(() => action.start());
    return jsonResponse(201, action.asActionDescription());
  }

  private actionById(method: string, thing: Thing, actionName: string, id: string): WotResponse {
    const action = thing.getAction(actionName, id);
    if (action === undefined) return errorResponse(404, `no action '${actionName}' with id '${id}' on ${thing.title}`);
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
      if (p === undefined) return errorResponse(404, `no property '${name}' on ${thing.title}`);
      if (n === 3) {
        if (method === 'HEAD') return { status: 200, headers: SSE_HEADERS };
        if (method !== 'GET') return methodNotAllowed(method, 'GET, HEAD');
        return { status: 200, headers: SSE_HEADERS, stream: (write) => observeProperty(p, write) };
      }
      if (method === 'GET' || method === 'HEAD') return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(p.getValue()) };
      if (method !== 'PUT') return methodNotAllowed(method, 'GET, HEAD, PUT');
      const parsed = parseJsonBody(req, false);
      if (!parsed.ok) return parsed.response;
      const refused = this.setProperty(thing, name, parsed.value);
      return refused ?? { status: 204, headers: EMPTY_HEADERS };
    }
    if (kind === 'actions' && n === 2) {
      const name = segs[at + 1];
      if (!thing.hasAvailableAction(name)) return errorResponse(404, `no action '${name}' on ${thing.title}`);
      if (method !== 'POST') return methodNotAllowed(method, 'POST');
      let input: unknown;
      if (req.body !== undefined && req.body.length > 0) {
        const parsed = parseJsonBody(req, false);
        if (!parsed.ok) return parsed.response;
        input = parsed.value;
      }
      const wrong = thing.checkActionRequest(name, input);
      if (wrong !== null) return errorResponse(400, wrong);
      const action = thing.performAction(name, input)!;
      queueAction(() => action.start());
      return {
        status: 204,
        headers: EMPTY_HEADERS,
        later: (reply) => action.whenFinished((a) => {
          reply(a.status === 'failed' ? errorResponse(500, `action '${name}' failed: ${a.error ?? ''}`) : { status: 204, headers: EMPTY_HEADERS });
        }),
      };
    }
    if (kind === 'events' && n === 2) {
      const name = segs[at + 1];
      if (!thing.hasAvailableEvent(name)) return errorResponse(404, `no event '${name}' on ${thing.title}`);
      if (method === 'HEAD') return { status: 200, headers: SSE_HEADERS };
      if (method !== 'GET') return methodNotAllowed(method, 'GET, HEAD');
      return { status: 200, headers: SSE_HEADERS, stream: (write) => observeEvent(thing, name, write) };
    }
    return errorResponse(404, `nothing at ${req.url}`);
  }
}

/** Stream a property's new values as bare JSON; returns the unsubscribe. */
function observeProperty(p: Property<any>, write: (data: string) => void): () => void {
  const fn = (v: unknown) => write(JSON.stringify(v));
  p.value.on('update', fn);
  p.value.on('sync', fn);
  return () => {
    p.value.off('update', fn);
    p.value.off('sync', fn);
  };
}

/** Stream an event's data as bare JSON; returns the unsubscribe. */
function observeEvent(thing: Thing, name: string, write: (data: string) => void): () => void {
  const sub: ThingSubscriber = { updateEvent: (e: Event<any>) => write(JSON.stringify(e.data ?? null)) };
  thing.addEventSubscriber(name, sub);
  return () => thing.removeEventSubscriber(name, sub);
}
