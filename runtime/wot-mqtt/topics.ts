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

/** A thing id as one topic level: MQTT forbids `/`, `+`, `#` and U+0000 inside a level, so those are %-escaped. */
export function topicLevelForId(id: string): string {
  return id.replace(/[%/+#\u0000]/g, (c) => `%${upperHex(c.charCodeAt(0), 2)}`);
}

/** The inverse of `topicLevelForId`. */
export function idFromTopicLevel(level: string): string {
  return level.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
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
