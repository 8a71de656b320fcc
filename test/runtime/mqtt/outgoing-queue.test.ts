import { OutgoingQueue, type OutgoingMessage } from '../../../runtime/mqtt/client/outgoing-queue';

const msg = (n: number): OutgoingMessage => ({ topic: 't', topicBytes: Uint8Array.of(0x74), payload: Uint8Array.of(n), qos: 1, retain: false });
const drain = (q: OutgoingQueue) => {
  const out: number[] = [];
  for (let m = q.shift(); m; m = q.shift()) out.push(m.payload[0]);
  return out;
};

test("'oldest' policy keeps the freshest messages and returns each one it drops", () => {
  const q = new OutgoingQueue(3, 'oldest');
  const dropped: number[] = [];
  for (let i = 1; i <= 5; i++) {
    const d = q.push(msg(i));
    if (d) dropped.push(d.payload[0]);
  }
  expect(dropped).toEqual([1, 2]);
  expect(q.length).toBe(3);
  expect(drain(q)).toEqual([3, 4, 5]);
});

test("'newest' policy keeps what is queued and refuses newcomers", () => {
  const q = new OutgoingQueue(3, 'newest');
  const dropped: number[] = [];
  for (let i = 1; i <= 5; i++) {
    const d = q.push(msg(i));
    if (d) dropped.push(d.payload[0]);
  }
  expect(dropped).toEqual([4, 5]);
  expect(drain(q)).toEqual([1, 2, 3]);
});

test('the ring wraps around many times in order', () => {
  const q = new OutgoingQueue(4);
  const seen: number[] = [];
  for (let i = 0; i < 50; i++) {
    q.push(msg(i));
    if (i % 3 === 0) seen.push(q.shift()!.payload[0]);
  }
  seen.push(...drain(q));
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  expect(q.peek()).toBeUndefined();
});

test('a limit of 0 queues nothing; a bad limit is refused', () => {
  const q = new OutgoingQueue(0);
  expect(q.push(msg(1))?.payload[0]).toBe(1);
  expect(() => new OutgoingQueue(-1)).toThrow(/whole number/);
});

// Issue 11 (bounds): a queue of a hundred slots must not hold a hundred large payloads.
describe('the byte limit', () => {
  const sized = (n: number, bytes: number): OutgoingMessage => ({ topic: 't', topicBytes: Uint8Array.of(0x74), payload: new Uint8Array(bytes).fill(n), qos: 1, retain: false });

  test("'oldest': evictFor makes byte room one message at a time, then push fits", () => {
    const q = new OutgoingQueue(100, 'oldest', 100);
    for (let i = 1; i <= 4; i++) expect(q.push(sized(i, 19))).toBeUndefined(); // 4 x 20 bytes
    expect(q.bytes).toBe(80);
    const big = sized(9, 59); // 60 bytes: 80 + 60 > 100, so 2 must go
    const evicted: number[] = [];
    for (let d = q.evictFor(big); d; d = q.evictFor(big)) evicted.push(d.payload[0]);
    expect(evicted).toEqual([1, 2]);
    expect(q.push(big)).toBeUndefined();
    expect(q.bytes).toBe(100);
    expect(drain(q)).toEqual([3, 4, 9]);
    expect(q.bytes).toBe(0);
  });

  test('a message larger than the whole limit is refused, and so is one that does not fit under \'newest\'', () => {
    const q = new OutgoingQueue(100, 'newest', 100);
    const huge = sized(1, 200);
    expect(q.push(huge)).toBe(huge);
    expect(q.push(sized(2, 59))).toBeUndefined();
    const next = sized(3, 59);
    expect(q.evictFor(next)).toBeUndefined(); // 'newest' never evicts
    expect(q.push(next)).toBe(next);
    expect(drain(q)).toEqual([2]);
  });

  test('push alone never exceeds the byte limit, even at the count limit', () => {
    const q = new OutgoingQueue(2, 'oldest', 50);
    q.push(sized(1, 9));
    q.push(sized(2, 19));
    const m = sized(3, 39); // evicting #1 (10 bytes) leaves 20 + 40 > 50
    expect(q.push(m)).toBe(m);
    expect(q.bytes).toBe(30);
  });
});

// A retained message is its topic's state: the broker keeps only the last one. Queued while offline, a device's
// state snapshot every minute pushed its readings out of the queue (the fleet device kept 48 minutes of readings
// in a queue of 100, the rest stale copies of its Thing's values, each sent on reconnection only to be replaced).
describe('a retained message supersedes the queued retained message to its topic', () => {
  const m = (topic: string, n: number, qos: 0 | 1, retain: boolean): OutgoingMessage =>
    ({ topic, topicBytes: new TextEncoder().encode(topic), payload: Uint8Array.of(n), qos, retain });
  const contents = (q: OutgoingQueue) => {
    const out: string[] = [];
    for (let x = q.shift(); x; x = q.shift()) out.push(`${x.topic}:${x.payload[0]}`);
    return out;
  };

  test('the earlier one is taken out and returned; the rest keep their order; the new one goes last', () => {
    const q = new OutgoingQueue(10);
    q.push(m('lux', 1, 1, false));
    q.push(m('values', 1, 0, true));
    q.push(m('lux', 2, 1, false));
    const v2 = m('values', 2, 0, true);
    expect(q.supersededBy(v2)?.payload[0]).toBe(1);
    expect(q.supersededBy(v2)).toBeUndefined(); // once taken out, nothing more to supersede
    q.push(v2);
    expect(q.length).toBe(3);
    expect(q.bytes).toBe(3 + 1 + 6 + 1 + 3 + 1);
    expect(contents(q)).toEqual(['lux:1', 'lux:2', 'values:2']);
  });

  test('only retained by retained, to the same topic, and never a higher QoS by a lower one', () => {
    const q = new OutgoingQueue(10);
    q.push(m('a', 1, 1, false));
    q.push(m('b', 1, 1, true));
    expect(q.supersededBy(m('a', 2, 1, true))).toBeUndefined(); // the queued one to a is not retained
    expect(q.supersededBy(m('b', 2, 1, false))).toBeUndefined(); // the new one is not retained
    expect(q.supersededBy(m('c', 2, 1, true))).toBeUndefined(); // another topic
    expect(q.supersededBy(m('b', 2, 0, true))).toBeUndefined(); // QoS 0 would not stand in for a QoS 1 state
    expect(q.supersededBy(m('b', 3, 1, true))?.payload[0]).toBe(1);
    expect(contents(q)).toEqual(['a:1']);
  });

  test('in a ring that has wrapped, from its middle, under either policy', () => {
    for (const policy of ['oldest', 'newest'] as const) {
      const q = new OutgoingQueue(5, policy);
      for (let i = 1; i <= 4; i++) q.push(m('r', i, 1, false));
      q.shift();
      q.shift(); // head at 2: the ring wraps below
      q.push(m('s', 1, 0, true));
      q.push(m('r', 5, 1, false));
      q.push(m('r', 6, 1, false)); // full: r3 r4 s1 r5 r6
      const s2 = m('s', 2, 0, true);
      expect(q.supersededBy(s2)?.payload[0]).toBe(1);
      expect(q.push(s2)).toBeUndefined(); // room made: neither policy drops anything
      expect(contents(q)).toEqual(['r:3', 'r:4', 'r:5', 'r:6', 's:2']);
    }
  });
});

describe('a retained message that will not be queued supersedes nothing (the topic keeps the state it had queued)', () => {
  const state = (n: number, bytes: number): OutgoingMessage => ({ topic: 's', topicBytes: Uint8Array.of(0x73), payload: new Uint8Array(bytes - 1).fill(n), qos: 0, retain: true });
  const reading = (n: number, bytes: number): OutgoingMessage => ({ topic: 'r', topicBytes: Uint8Array.of(0x72), payload: new Uint8Array(bytes - 1).fill(n), qos: 1, retain: false });

  test('one larger than the whole byte limit', () => {
    const q = new OutgoingQueue(10, 'oldest', 100);
    q.push(state(1, 10));
    expect(q.supersededBy(state(2, 101))).toBeUndefined();
    expect(q.length).toBe(1);
  });

  test("under 'newest', one that would not fit even in the room the earlier state leaves", () => {
    const q = new OutgoingQueue(10, 'newest', 100);
    q.push(state(1, 10));
    q.push(reading(1, 80)); // 90 bytes held
    expect(q.supersededBy(state(2, 30))).toBeUndefined(); // 90 - 10 + 30 > 100: it would be refused
    expect(q.length).toBe(2);
    const fits = state(3, 20); // 90 - 10 + 20 = 100
    expect(q.supersededBy(fits)?.payload[0]).toBe(1);
    expect(q.push(fits)).toBeUndefined();
  });

  test('a queue of no room at all', () => {
    const q = new OutgoingQueue(0);
    expect(q.supersededBy(state(1, 10))).toBeUndefined();
  });
});
