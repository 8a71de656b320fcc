/**
 * The checks a board's string conversions rely on (runtime/core/engine-utf8.ts):
 * there the engine makes the string of an MQTT string's bytes
 * (`String.fromArrayBuffer`, which checks only each sequence's shape), so
 * `isWellFormedUtf8` must refuse exactly what the JS decoder refuses; and the
 * engine makes a string's bytes (`ArrayBuffer.fromString`) as XS stores them,
 * so `hasSurrogateBytes` must find every surrogate XS keeps as ED A0..BF and
 * nothing else. The engine side runs in the emulated Pico W
 * (host-check.firmware.test.ts: a 3 KB payload echoed byte for byte).
 */
import fc from 'fast-check';
import { isWellFormedUtf8, readUtf8 } from '../../../runtime/mqtt/codec/utf8';
import { hasSurrogateBytes } from '../../../runtime/core/engine-utf8';

const b = (...bytes: number[]) => Uint8Array.from(bytes);

test('the check alone refuses what the decoder refuses: U+0000, surrogates, overlong forms, past U+10FFFF, stray and truncated bytes', () => {
  const refused = [
    b(0x61, 0x00), b(0xed, 0xa0, 0x80), b(0xed, 0xbf, 0xbf), b(0xc0, 0x80), b(0xc1, 0xbf), b(0xe0, 0x80, 0x80), b(0xf0, 0x80, 0x80, 0x80),
    b(0xf4, 0x90, 0x80, 0x80), b(0xf5, 0x80, 0x80, 0x80), b(0x80), b(0xbf), b(0xe2, 0x82), b(0xf0, 0x9f, 0x98), b(0xe2, 0x28, 0xa1),
  ];
  for (const bytes of refused) {
    expect([bytes, isWellFormedUtf8(bytes, 0, bytes.length)]).toEqual([bytes, false]);
    expect(readUtf8(bytes, 0, bytes.length)).toBeUndefined();
  }
  const text = 'topic/é/€/😀/\ud7ff/\ue000/\u{10ffff}';
  const bytes = Buffer.from(text);
  expect(isWellFormedUtf8(bytes, 0, bytes.length)).toBe(true);
  expect(readUtf8(bytes, 0, bytes.length)).toBe(text);
  // Within a larger buffer, as the decoder reads a field: only [start, end) counts.
  const framed = b(0x00, ...bytes, 0xff);
  expect(isWellFormedUtf8(framed, 1, framed.length - 1)).toBe(true);
  expect(isWellFormedUtf8(framed, 0, framed.length - 1)).toBe(false);
});

test('random bytes: the check and the decoder agree on every input', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(40), (bytes, cut) => {
    const end = Math.min(cut, bytes.length);
    expect(isWellFormedUtf8(bytes, 0, end)).toBe(readUtf8(bytes, 0, end) !== undefined);
  }), { numRuns: 5000 });
});

test('surrogates as XS stores them are found; well-formed UTF-8 with ED or 4-byte characters is not taken for one', () => {
  expect(hasSurrogateBytes(b(0x61, 0xed, 0xa0, 0x80))).toBe(true); // a lone high surrogate
  expect(hasSurrogateBytes(b(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80))).toBe(true); // a pair XS did not join
  expect(hasSurrogateBytes(b(0xed, 0x9f, 0xbf, 0x61, 0xed))).toBe(false); // U+D7FF, then a trailing ED
  expect(hasSurrogateBytes(Buffer.from('é€😀 \u{10ffff}'))).toBe(false);
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
    expect(hasSurrogateBytes(Buffer.from(s))).toBe(false); // Node's UTF-8 never has one
  }));
});
