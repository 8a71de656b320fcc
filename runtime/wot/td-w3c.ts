/**
 * W3C Thing Description 1.1 for a Thing, with forms an HTTP client such as
 * node-wot can use. The WebThings routes wrap values (`{"on": true}`), but a
 * W3C TD client reads and writes bare JSON values, so the forms point at a
 * small parallel set of routes under `<thing>/wot/`:
 *
 * - `wot/properties/<name>`          GET → value, PUT value (read/writeproperty)
 * - `wot/properties/<name>/observe`  server-sent events, one value per change (observeproperty)
 * - `wot/actions/<name>`             POST input → 204 when the action completes (invokeaction, synchronous)
 * - `wot/events/<name>`              server-sent events, one data value per event (subscribeevent)
 * - `properties`                     GET → all values (readallproperties)
 *
 * node-wot 0.9 validates against the TD 1.0 schema, which wants the 1.0
 * context URI first: both are listed, 1.0 then 1.1.
 */
import type { Thing, InteractionMetadata } from './thing';
import type { PropertyMetadata } from './property';

export const TD_CONTEXT_V10 = 'https://www.w3.org/2019/wot/td/v1';
export const TD_CONTEXT_V11 = 'https://www.w3.org/2022/wot/td/v1.1';
export const TD_MEDIA_TYPE = 'application/td+json';

export interface TdOptions {
  /** `'bearer'` when the server asks for a token; `'nosec'` otherwise. */
  security?: 'nosec' | 'bearer';
}

export interface W3cThingDescription {
  '@context': unknown[];
  id?: string;
  title: string;
  [key: string]: unknown;
}

const JSON_TYPE = 'application/json';
/** WebThings-only keys that are not part of a TD data schema. */
const NOT_SCHEMA: { [k: string]: true } = { links: true, title: true, description: true, '@type': true, forms: true };

function securityBlock(opts: TdOptions | undefined): { securityDefinitions: object; security: string[] } {
  if (opts?.security === 'bearer') {
    return { securityDefinitions: { bearer_sc: { scheme: 'bearer', in: 'header', name: 'Authorization' } }, security: ['bearer_sc'] };
  }
  return { securityDefinitions: { nosec_sc: { scheme: 'nosec' } }, security: ['nosec_sc'] };
}

function copyJson<T>(x: T): T {
  return JSON.parse(JSON.stringify(x));
}

/** The data schema part of WebThings event metadata (`{type, unit, …}`), or undefined when it has none. */
function eventDataSchema(m: InteractionMetadata): { [k: string]: unknown } | undefined {
  const out: { [k: string]: unknown } = {};
  let any = false;
  const keys = Object.keys(m);
  for (let i = 0; i < keys.length; i++) {
    if (NOT_SCHEMA[keys[i]] === true) continue;
    out[keys[i]] = copyJson(m[keys[i]]);
    any = true;
  }
  return any ? out : undefined;
}

/**
 * The TD of `thing` as served from `origin` (`http://host:port`, no trailing slash).
 */
export function buildW3cThingDescription(thing: Thing, origin: string, opts?: TdOptions): W3cThingDescription {
  const prefix = origin + thing.getHrefPrefix();
  const td: W3cThingDescription = {
    '@context': [TD_CONTEXT_V10, TD_CONTEXT_V11, { '@language': 'en' }],
    id: thing.id,
    title: thing.title,
  };
  if (thing.type.length > 0) td['@type'] = thing.type.slice();
  if (thing.description) td.description = thing.description;
  td.base = `${prefix}/`;
  const sec = securityBlock(opts);
  td.securityDefinitions = sec.securityDefinitions;
  td.security = sec.security;

  const properties: { [name: string]: unknown } = {};
  const pnames = thing.getPropertyNames();
  for (let i = 0; i < pnames.length; i++) {
    const name = pnames[i];
    const meta: PropertyMetadata = copyJson(thing.findProperty(name)!.metadata);
    delete meta.links;
    const enc = encodeURIComponent(name);
    const href = `${prefix}/wot/properties/${enc}`;
    const affordance: { [k: string]: unknown } = meta;
    affordance.observable = true;
    affordance.forms = [
      { href, contentType: JSON_TYPE, op: meta.readOnly === true ? ['readproperty'] : ['readproperty', 'writeproperty'] },
      { href: `${href}/observe`, contentType: JSON_TYPE, subprotocol: 'sse', op: ['observeproperty', 'unobserveproperty'] },
    ];
    properties[name] = affordance;
  }
  td.properties = properties;

  const actions: { [name: string]: unknown } = {};
  const anames = thing.getAvailableActionNames();
  for (let i = 0; i < anames.length; i++) {
    const name = anames[i];
    const m = thing.getAvailableActionMetadata(name)!;
    const a: { [k: string]: unknown } = {};
    if (m['@type'] !== undefined) a['@type'] = m['@type'];
    if (m.title !== undefined) a.title = m.title;
    if (m.description !== undefined) a.description = m.description;
    if (m.input !== undefined) a.input = copyJson(m.input);
    if (m.output !== undefined) a.output = copyJson(m.output);
    a.safe = false;
    a.idempotent = false;
    a.synchronous = true;
    a.forms = [{ href: `${prefix}/wot/actions/${encodeURIComponent(name)}`, contentType: JSON_TYPE, op: ['invokeaction'] }];
    actions[name] = a;
  }
  td.actions = actions;

  const events: { [name: string]: unknown } = {};
  const enames = thing.getAvailableEventNames();
  for (let i = 0; i < enames.length; i++) {
    const name = enames[i];
    const m = thing.getAvailableEventMetadata(name)!;
    const e: { [k: string]: unknown } = {};
    if (m['@type'] !== undefined) e['@type'] = m['@type'];
    if (m.title !== undefined) e.title = m.title;
    if (m.description !== undefined) e.description = m.description;
    const data = eventDataSchema(m);
    if (data !== undefined) e.data = data;
    e.forms = [{ href: `${prefix}/wot/events/${encodeURIComponent(name)}`, contentType: JSON_TYPE, subprotocol: 'sse', op: ['subscribeevent', 'unsubscribeevent'] }];
    events[name] = e;
  }
  td.events = events;

  td.forms = [{ href: `${prefix}/properties`, contentType: JSON_TYPE, op: ['readallproperties'] }];
  td.links = [{ rel: 'alternate', href: `${prefix}/`, type: JSON_TYPE }];
  return td;
}

/**
 * For several things at one origin, `/.well-known/wot` is a TD with no
 * affordances whose links point at each thing's TD (a small directory).
 */
export function buildW3cDirectoryDescription(name: string, things: Thing[], origin: string, opts?: TdOptions): W3cThingDescription {
  const sec = securityBlock(opts);
  const links: unknown[] = [];
  for (let i = 0; i < things.length; i++) {
    links.push({ rel: 'item', href: `${origin}${things[i].getHrefPrefix()}/td`, type: TD_MEDIA_TYPE });
  }
  return {
    '@context': [TD_CONTEXT_V10, TD_CONTEXT_V11, { '@language': 'en' }],
    title: name,
    securityDefinitions: sec.securityDefinitions,
    security: sec.security,
    links,
  };
}
