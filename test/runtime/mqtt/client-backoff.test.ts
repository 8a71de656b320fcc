/**
 * Reconnect back-off in virtual time: a network whose connections are all
 * refused at once, and timers the test runs itself. Deterministic: jitter
 * comes from the `random` option.
 */
import { MqttClient } from '../../../runtime/mqtt/client/mqtt-client';
import type { MqttNetwork } from '../../../runtime/mqtt/client/network';

function refusingNetwork() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const opens: number[] = [];
  const network: MqttNetwork = {
    open(_h, _p, handler) {
      opens.push(now);
      const t = { write() {}, close() {} };
      timers.push({ at: now, fn: () => handler.onClose(new Error('ECONNREFUSED')), id: next++ });
      return t;
    },
    setTimer(ms, fn) {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer(id) {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    now: () => now,
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = timers[0];
      if (!t || t.at > until) break;
      timers.shift();
      now = t.at;
      t.fn();
    }
    now = until;
  };
  return { network, advance, opens };
}

test.each([
  ['no jitter drawn (random 0): half the back-off', () => 0, [50, 100, 200, 400, 500, 500, 500]],
  ['full jitter drawn (random ~1): the whole back-off', () => 0.999999, [100, 200, 400, 800, 1000, 1000, 1000]],
  ['random 0.5: three quarters', () => 0.5, [75, 150, 300, 600, 750, 750, 750]],
])('back-off doubles from minMs to maxMs: %s', (_name, random, expected) => {
  const { network, advance, opens } = refusingNetwork();
  const c = new MqttClient({ host: 'h', network, random, reconnect: { minMs: 100, maxMs: 1000 } });
  const delays: number[] = [];
  const closes: string[] = [];
  c.on('reconnect', (_attempt: number, delay: number) => delays.push(delay));
  c.on('close', (e: Error) => closes.push(e.message));
  c.connect();
  advance(10_000);
  expect(delays.slice(0, 7)).toEqual(expected);
  // Each attempt opens exactly when its back-off ends.
  for (let i = 1; i < 7; i++) expect(opens[i] - opens[i - 1]).toBe(expected[i - 1]);
  expect(closes.every((m) => m === 'ECONNREFUSED')).toBe(true);
  c.end();
  const attempts = opens.length;
  advance(10_000);
  expect(opens.length).toBe(attempts); // end() stops the retries
  expect(c.state).toBe('ended');
});

test('reconnect: false gives up after the first failure', () => {
  const { network, advance, opens } = refusingNetwork();
  const c = new MqttClient({ host: 'h', network, reconnect: false });
  c.connect();
  advance(60_000);
  expect(opens).toHaveLength(1);
  expect(c.state).toBe('idle');
});

test('publishing while offline queues; end() while offline reports the queue as dropped', () => {
  const { network } = refusingNetwork();
  const c = new MqttClient({ host: 'h', network, queueLimit: 3, dropPolicy: 'newest' });
  const dropped: [string, string][] = [];
  c.on('dropped', (m: { payload: Uint8Array }, reason: string) => dropped.push([String.fromCharCode(...m.payload), reason]));
  for (const s of ['a', 'b', 'c', 'd']) c.publish('t', s, { qos: 1 });
  expect(dropped).toEqual([['d', 'queue-full']]);
  c.end();
  expect(dropped).toEqual([['d', 'queue-full'], ['a', 'ended'], ['b', 'ended'], ['c', 'ended']]);
  c.publish('t', 'e');
  expect(dropped[4]).toEqual(['e', 'ended']);
  expect(c.stats.dropped).toBe(5);
});

test('bad arguments are refused with clear errors and nothing is queued', () => {
  const { network } = refusingNetwork();
  const c = new MqttClient({ host: 'h', network });
  expect(() => c.publish('a/+', 'x')).toThrow('MqttClient.publish: a topic name must not contain wildcards: \'a/+\'');
  expect(() => c.publish('a', 'x', { qos: 2 as any })).toThrow('MqttClient.publish: qos must be 0 or 1, got 2');
  expect(() => c.subscribe('a/#/b')).toThrow(/'#' must be the last character/);
  expect(() => new MqttClient({ host: '' })).toThrow(/opts.host/);
  expect(c.queued).toBe(0);
});

// Issue 11 item 13: settings and topics that could never work are refused up front.
test('maxInflight 0 (QoS 1 would stall for ever) and other impossible settings are refused', () => {
  const { network } = refusingNetwork();
  expect(() => new MqttClient({ host: 'h', network, maxInflight: 0 })).toThrow('MqttClient: maxInflight must be an integer from 1 to 65535, got 0');
  expect(() => new MqttClient({ host: 'h', network, maxInflight: 1.5 })).toThrow(RangeError);
  expect(() => new MqttClient({ host: 'h', network, maxInflight: 65536 })).toThrow(RangeError);
  expect(() => new MqttClient({ host: 'h', network, connectTimeoutMs: 0 })).toThrow(/connectTimeoutMs must be between 1 and 2\^31-1 ms, got 0/);
  expect(() => new MqttClient({ host: 'h', network, maxPacketSize: 10 })).toThrow(/maxPacketSize must be an integer >= 64 bytes, got 10/);
  expect(new MqttClient({ host: 'h', network, maxInflight: 1 }).inflightCount).toBe(0);
});

test('a topic with a lone surrogate is refused (it has no UTF-8 form), not published to U+FFFD', () => {
  const { network } = refusingNetwork();
  const c = new MqttClient({ host: 'h', network });
  expect(() => c.publish('a/\ud800/b', 'x')).toThrow("MqttClient.publish: a topic name must not contain a lone surrogate (U+D800 at index 2): it has no UTF-8 form");
  expect(() => c.publish('a/\udc00', 'x')).toThrow(/lone surrogate \(U\+DC00 at index 2\)/);
  expect(() => c.publish('\udbff', 'x')).toThrow(/lone surrogate/);
  expect(() => c.subscribe('a/\ud83d/#')).toThrow('MqttClient.subscribe: a topic filter must not contain a lone surrogate (U+D83D at index 2): it has no UTF-8 form');
  expect(() => new MqttClient({ host: 'h', network, will: { topic: 'w/\udfff', payload: 'bye' } })).toThrow(/will: a topic name must not contain a lone surrogate/);
  c.publish('a/\ud83d\ude00', 'x'); // a proper pair (U+1F600) is fine
  expect(c.queued).toBe(1);
});

test('the offline queue is bounded in bytes too: the oldest messages go, counted and reported', () => {
  const { network } = refusingNetwork();
  const c = new MqttClient({ host: 'h', network, queueLimit: 100, queueMaxBytes: 3000 });
  const dropped: [number, string][] = [];
  c.on('dropped', (m: { payload: Uint8Array }, reason: string) => dropped.push([m.payload[0], reason]));
  for (let i = 1; i <= 5; i++) c.publish('t', new Uint8Array(999).fill(i), { qos: 1 }); // 1,000 bytes each with the topic
  expect(c.queued).toBe(3);
  expect(c.queuedBytes).toBe(3000);
  expect(dropped).toEqual([[1, 'queue-full'], [2, 'queue-full']]);
  expect(c.stats.dropped).toBe(2);
});

test('offline, a retained publish supersedes the queued retained one to its topic: counted apart from drops, and the readings keep their room', () => {
  const { network } = refusingNetwork();
  const c = new MqttClient({ host: 'h', network, queueLimit: 10 });
  const dropped: string[] = [];
  c.on('dropped', (m: { topic: string; payload: Uint8Array }, reason: string) => dropped.push(`${m.topic}:${m.payload[0]} ${reason}`));
  for (let i = 1; i <= 20; i++) {
    c.publish('dev/lux', Uint8Array.of(i), { qos: 1 });
    c.publish('dev/values', Uint8Array.of(i), { qos: 0, retain: true });
  }
  expect(c.queued).toBe(10); // the 9 newest readings and the last state
  // Only the readings pushed out are drops: a superseded state is not lost, its topic's newer one is queued.
  expect(dropped).toEqual(Array.from({ length: 11 }, (_, i) => `dev/lux:${i + 1} queue-full`));
  expect(c.stats.dropped).toBe(11);
  expect(c.stats.superseded).toBe(19);
});

test('supersedeRetained: false keeps every queued retained publish (a stream whose history matters)', () => {
  const { network } = refusingNetwork();
  const c = new MqttClient({ host: 'h', network, queueLimit: 10, supersedeRetained: false });
  for (let i = 1; i <= 4; i++) c.publish('dev/values', Uint8Array.of(i), { qos: 0, retain: true });
  expect(c.queued).toBe(4);
  expect(c.stats.superseded).toBe(0);
  expect(c.stats.dropped).toBe(0);
});
