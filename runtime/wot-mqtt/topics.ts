/**
 * The topic layout of Web Things over MQTT, after ThingTalk 0.8.2's MQTT router, so a gateway or a
 * tool that speaks it can point at a thingflow-xs device:
 *
 * | topic                         | who publishes | payload |
 * |-------------------------------|---------------|---------|
 * | `things/{id}/td`              | device, retained | the Web Thing Description |
 * | `things/{id}/values`          | device, retained | `{ name: value, ... }`, every property |
 * | `things/{id}/actions`         | device        | `{ name: { href, status, ..., requestId? } }` (webthing's actionStatus data) |
 * | `things/{id}/events`          | device        | `{ name: { timestamp, data? } }` |
 * | `things/{id}/error`           | device        | `{ status, message, topic }` for a request it refused |
 * | `things/{id}/availability`    | device, retained; its will | `online` / `offline` |
 * | `things/{id}/set`             | gateway       | `{ name: value, ... }`: set properties |
 * | `things/{id}/request_action`  | gateway       | `{ name: { input?, id? } }`: perform an action; `id` comes back as `requestId` |
 */
import { upperHex } from '../core/ascii-case';

export const DEFAULT_THINGS_PREFIX = 'things';

/**
 * A thing id as one topic level: MQTT forbids `/`, `+`, `#` and U+0000 inside a level, so those are
 * %-escaped, and `%` itself. By hand, not with a regular expression: a board app with none leaves
 * XS's RegExp engine and the Unicode case tables it reads out of its firmware.
 */
export function topicLevelForId(id: string): string {
  let out = '';
  let from = 0;
  for (let i = 0, n = id.length; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c === 0x25 || c === 0x2f || c === 0x2b || c === 0x23 || c === 0) {
      out += `${id.slice(from, i)}%${upperHex(c, 2)}`;
      from = i + 1;
    }
  }
  return from === 0 ? id : out + id.slice(from);
}

/** The inverse of `topicLevelForId`: each `%` and two upper-case hex digits is the character they name. */
export function idFromTopicLevel(level: string): string {
  let out = '';
  let from = 0;
  const n = level.length;
  for (let i = 0; i + 2 < n; i++) {
    if (level.charCodeAt(i) !== 0x25) continue;
    const high = upperHexValue(level.charCodeAt(i + 1));
    const low = upperHexValue(level.charCodeAt(i + 2));
    if (high < 0 || low < 0) continue;
    out += level.slice(from, i) + String.fromCharCode(high * 16 + low);
    from = i + 3;
    i += 2;
  }
  return from === 0 ? level : out + level.slice(from);
}

/** 0-15 for the code of 0-9 or A-F, else -1 (lower-case a-f are not `topicLevelForId`'s). */
function upperHexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

export interface ThingTopics {
  readonly td: string;
  readonly values: string;
  readonly actions: string;
  readonly events: string;
  readonly error: string;
  readonly availability: string;
  readonly set: string;
  readonly requestAction: string;
}

export function thingTopics(id: string, prefix = DEFAULT_THINGS_PREFIX): ThingTopics {
  const base = `${prefix}/${topicLevelForId(id)}/`;
  return {
    td: base + 'td',
    values: base + 'values',
    actions: base + 'actions',
    events: base + 'events',
    error: base + 'error',
    availability: base + 'availability',
    set: base + 'set',
    requestAction: base + 'request_action',
  };
}

/** The will a device's MQTT client should carry, so the gateway learns when it drops off. */
export function thingWill(id: string, prefix = DEFAULT_THINGS_PREFIX): { topic: string; payload: string; qos: 1; retain: true } {
  return { topic: thingTopics(id, prefix).availability, payload: 'offline', qos: 1, retain: true };
}

/** Split `things/{id}/{kind}` into its id and kind, or undefined for a topic of another shape. */
export function parseThingTopic(topic: string, prefix = DEFAULT_THINGS_PREFIX): { id: string; kind: string } | undefined {
  if (!topic.startsWith(prefix + '/')) return undefined;
  const rest = topic.slice(prefix.length + 1);
  const slash = rest.indexOf('/');
  if (slash <= 0 || rest.indexOf('/', slash + 1) !== -1) return undefined;
  return { id: idFromTopicLevel(rest.slice(0, slash)), kind: rest.slice(slash + 1) };
}
