/**
 * MQTT topic filters (§4.7): `+` matches one level, `#` (last) matches the
 * rest including the parent level, and topics starting with `$` are not
 * matched by a filter starting with a wildcard (MQTT-4.7.2-1).
 * Matching walks both strings once and allocates nothing.
 */
import { upperHex } from '../core/ascii-case';

/** True when `topic` (a topic name) matches `filter`. */
export function topicMatches(filter: string, topic: string): boolean {
  const fl = filter.length;
  const tl = topic.length;
  if (tl > 0 && topic.charCodeAt(0) === 0x24 /* $ */) {
    const f0 = filter.charCodeAt(0);
    if (f0 === 0x2b || f0 === 0x23) return false;
  }
  let f = 0;
  let t = 0;
  while (f < fl) {
    const c = filter.charCodeAt(f);
    if (c === 0x23 /* # */) return true;
    if (c === 0x2b /* + */) {
      while (t < tl && topic.charCodeAt(t) !== 0x2f) t++; // skip one level of the topic
      f++;
    } else {
      if (t >= tl) {
        // "a/#" matches "a": the filter's remainder is exactly "/#"
        return c === 0x2f && f + 2 === fl && filter.charCodeAt(f + 1) === 0x23;
      }
      if (c !== topic.charCodeAt(t)) return false;
      f++;
      t++;
    }
  }
  return t === tl;
}

/**
 * A lone surrogate at `i` in `s` (a UTF-16 half without its pair): it has no UTF-8 form, so MQTT
 * cannot carry it (§1.5.3); sending it as U+FFFD would publish to another topic than the one named.
 */
function isLoneSurrogate(s: string, i: number, c: number): boolean {
  if (c < 0xd800 || c > 0xdfff) return false;
  if (c >= 0xdc00) return i === 0 || (s.charCodeAt(i - 1) & 0xfc00) !== 0xd800;
  return i + 1 >= s.length || (s.charCodeAt(i + 1) & 0xfc00) !== 0xdc00;
}

/**
 * The topic filter a subscription matches: a shared subscription `$share/{group}/{filter}`
 * (MQTT 5 §4.8.2, which mosquitto and EMQX also take from 3.1.1 clients) delivers messages whose
 * topics match `{filter}`; any other filter is itself.
 */
export function matchedTopicFilter(subscription: string): string {
  if (!subscription.startsWith('$share/')) return subscription;
  const slash = subscription.indexOf('/', 7);
  return slash < 0 ? subscription : subscription.slice(slash + 1);
}

/** Why `filter` is not a valid topic filter, or `undefined` when it is (§4.7.1). */
export function topicFilterProblem(filter: string): string | undefined {
  if (typeof filter !== 'string' || filter.length === 0) return 'a topic filter must be a non-empty string';
  for (let i = 0; i < filter.length; i++) {
    const c = filter.charCodeAt(i);
    if (c === 0) return 'a topic filter must not contain U+0000';
    if (isLoneSurrogate(filter, i, c)) return `a topic filter must not contain a lone surrogate (U+${upperHex(c, 4)} at index ${i}): it has no UTF-8 form`;
    if (c === 0x23 && (i !== filter.length - 1 || (i > 0 && filter.charCodeAt(i - 1) !== 0x2f))) {
      return `'#' must be the last character and a whole level in '${filter}'`;
    }
    if (c === 0x2b && ((i > 0 && filter.charCodeAt(i - 1) !== 0x2f) || (i + 1 < filter.length && filter.charCodeAt(i + 1) !== 0x2f))) {
      return `'+' must be a whole level in '${filter}'`;
    }
  }
  return undefined;
}

/** Why `topic` is not a valid topic name to publish to, or `undefined` when it is (§4.7.3). */
export function topicNameProblem(topic: string): string | undefined {
  if (typeof topic !== 'string' || topic.length === 0) return 'a topic name must be a non-empty string';
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    if (c === 0x23 || c === 0x2b) return `a topic name must not contain wildcards: '${topic}'`;
    if (c === 0) return 'a topic name must not contain U+0000';
    if (isLoneSurrogate(topic, i, c)) return `a topic name must not contain a lone surrogate (U+${upperHex(c, 4)} at index ${i}): it has no UTF-8 form`;
  }
  return undefined;
}
