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
