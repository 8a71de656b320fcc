/** ThingFlow's JSON event form: what ThingFlow-Python's to_json / from_json(SensorEvent) write and read. */
import { decodeEventJson, encodeEventJson } from '../../../runtime/mqtt/event-json';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

test('a SensorEvent is written as json.dumps writes the namedtuple', () => {
  expect(encodeEventJson({ sensorId: 'lux-1', ts: 1478552600.5, val: 42 })).toBe('["lux-1", 1478552600.5, 42]');
  expect(encodeEventJson({ sensorId: 1, ts: 2, val: { a: [1, 2], b: 'x' } })).toBe('[1, 2, {"a": [1, 2], "b": "x"}]');
  expect(encodeEventJson({ sensorId: 1, ts: 2, val: NaN })).toBe('[1, 2, NaN]');
});

test('what ThingFlow-Python writes is read back as a SensorEvent', () => {
  // Literal json.dumps(SensorEvent('lux-1', 1478552600.25, 101.5)) output.
  expect(decodeEventJson(bytes('["lux-1", 1478552600.25, 101.5]'))).toEqual({ sensorId: 'lux-1', ts: 1478552600.25, val: 101.5 });
  expect(decodeEventJson(bytes('[3, 1.0, Infinity]'))).toEqual({ sensorId: 3, ts: 1, val: Infinity });
  expect(decodeEventJson(bytes('[3, 1.0, NaN]'))).toEqual({ sensorId: 3, ts: 1, val: NaN });
  expect(decodeEventJson(bytes('["NaN", 1, "Infinity"]'))).toEqual({ sensorId: 'NaN', ts: 1, val: 'Infinity' });
});

test('other JSON values pass through; bad payloads throw a clear error', () => {
  expect(decodeEventJson(bytes('{"on": true}'))).toEqual({ on: true });
  expect(decodeEventJson(bytes('[1, 2]'))).toEqual([1, 2]);
  expect(() => decodeEventJson(bytes('{'))).toThrow(SyntaxError);
  expect(() => decodeEventJson(Uint8Array.of(0xff))).toThrow(/not valid UTF-8/);
});

test('round trip of events through the form', () => {
  const e = { sensorId: 'a', ts: 1700000000.125, val: [1, -2.5, 'z'] };
  expect(decodeEventJson(bytes(encodeEventJson(e)))).toEqual(e);
});
