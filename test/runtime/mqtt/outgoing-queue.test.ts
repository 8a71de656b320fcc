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
