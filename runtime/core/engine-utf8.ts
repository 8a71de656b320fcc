/**
 * Moddable's own conversions between a string and its UTF-8 bytes, where the
 * engine has them (XS as Moddable builds it: every board, and lin). An XS
 * string is UTF-8 inside, so each is one native pass over it.
 *
 * Why they matter: on a board a string has no index (XS is built there
 * without its string-info cache), so `s.charCodeAt(i)` and `s.length` each
 * walk the string from its start, and a loop over a long string's characters
 * is quadratic; building a string a character at a time copies it at every
 * step. A 3 KB string took an emulated Pico W seconds either way.
 *
 * What XS gives is not always well-formed UTF-8: it keeps a UTF-16 surrogate
 * it cannot pair (a lone one, or each half of a pair it did not join) as
 * three bytes ED A0..BF xx, which `hasSurrogateBytes` finds. `String.fromArrayBuffer`
 * checks only the shape of each sequence: a caller that must refuse
 * overlong forms, surrogates or U+0000 checks the bytes first.
 */
const Buffers = ArrayBuffer as unknown as { fromString?(s: string): ArrayBuffer };
const Strings = String as unknown as { fromArrayBuffer?(buffer: ArrayBufferLike, byteOffset: number, byteLength: number): string };

/** The engine can make a string's UTF-8 bytes itself (`ArrayBuffer.fromString`). */
export const engineEncodesUtf8 = typeof Buffers.fromString === 'function';
/** The engine can make a string of UTF-8 bytes itself (`String.fromArrayBuffer`). */
export const engineDecodesUtf8 = typeof Strings.fromArrayBuffer === 'function';

/** `s` as the engine stores it, in one pass; only where `engineEncodesUtf8`. Called on ArrayBuffer: `fromString` makes `new this`. */
export function engineUtf8Bytes(s: string): Uint8Array {
  return new Uint8Array(Buffers.fromString!(s));
}

/** The string of `bytes[start, end)`, in one pass; only where `engineDecodesUtf8`, and only of bytes already found well-formed. */
export function engineUtf8String(bytes: Uint8Array, start: number, end: number): string {
  return Strings.fromArrayBuffer!(bytes.buffer, bytes.byteOffset + start, end - start);
}

/** True when `bytes` hold a UTF-16 surrogate as XS writes one (ED A0..BF): not UTF-8, and not what Node's Buffer would give. */
export function hasSurrogateBytes(bytes: Uint8Array): boolean {
  // A native search: a byte loop costs ~20 computrons per byte in XS.
  for (let i = bytes.indexOf(0xed); i !== -1; i = bytes.indexOf(0xed, i + 1)) if (bytes[i + 1] >= 0xa0) return true;
  return false;
}
