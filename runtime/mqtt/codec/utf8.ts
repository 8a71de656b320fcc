/**
 * UTF-8 for MQTT strings without TextEncoder (XS has none by default).
 * Encoding matches Node's Buffer (a lone surrogate becomes U+FFFD), so our
 * bytes equal mqtt-packet's. Decoding is strict, as MQTT 3.1.1 §1.5.3 asks:
 * ill-formed UTF-8, surrogates and U+0000 are errors, not replacement characters.
 *
 * The JS loops serve Node, where they win for short strings (TextEncoder.encode
 * costs ~380 ns per call there). Elsewhere the engine converts: in XS every
 * `s.charCodeAt(i)` (even `s.length`) allocates a wrapper object, and on a
 * board each also walks the string from its start, so the loops are
 * quadratic there (a 3 KB string payload took an emulated Pico W seconds).
 * A board has Moddable's conversions (../../core/engine-utf8.ts), xsnap has
 * TextEncoder/TextDecoder.
 */
import { engineDecodesUtf8, engineEncodesUtf8, engineUtf8Bytes, engineUtf8String, hasSurrogateBytes } from '../../core/engine-utf8';

interface NativeEncoder { encode(s: string): Uint8Array }
interface NativeDecoder { decode(b: Uint8Array): string }

const host = globalThis as { TextEncoder?: new () => NativeEncoder; TextDecoder?: new (label: string, opts: object) => NativeDecoder; process?: unknown };
const preferNative = host.process === undefined;
/** Moddable's conversions first: a board has them and no TextEncoder. */
const engineEncodes = preferNative && engineEncodesUtf8;
const engineDecodes = preferNative && engineDecodesUtf8;
const nativeEncoder: NativeEncoder | undefined = preferNative && !engineEncodes && typeof host.TextEncoder === 'function' ? new host.TextEncoder() : undefined;
/** True where strings are best converted by the engine (see above). */
export const prefersNativeUtf8 = engineEncodes || nativeEncoder !== undefined;
/** fatal: ill-formed input throws; ignoreBOM: a leading U+FEFF is kept, as MQTT-1.5.3-3 asks. */
const nativeDecoder: NativeDecoder | undefined = (() => {
  if (!preferNative || engineDecodes || typeof host.TextDecoder !== 'function') return undefined;
  try {
    return new host.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  } catch {
    return undefined;
  }
})();

/** Bytes `s` takes in UTF-8. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 2 code units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

/** Write `s` as UTF-8 at `pos`; returns the position after it. The caller sized `out` with `utf8Length`. */
export function writeUtf8(out: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[pos++] = c;
    } else if (c < 0x800) {
      out[pos++] = 0xc0 | (c >> 6);
      out[pos++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (next & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[pos++] = 0xf0 | (c >> 18);
        out[pos++] = 0x80 | ((c >> 12) & 0x3f);
        out[pos++] = 0x80 | ((c >> 6) & 0x3f);
        out[pos++] = 0x80 | (c & 0x3f);
      } else {
        out[pos++] = 0xef; // lone surrogate: U+FFFD, as Buffer does
        out[pos++] = 0xbf;
        out[pos++] = 0xbd;
      }
    } else {
      out[pos++] = 0xe0 | (c >> 12);
      out[pos++] = 0x80 | ((c >> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}

/** `s` as a new UTF-8 byte array. */
export function utf8Bytes(s: string): Uint8Array {
  if (engineEncodes || nativeEncoder) {
    const b = engineEncodes ? engineUtf8Bytes(s) : nativeEncoder!.encode(s);
    // XS writes a surrogate it did not pair as ED A0..BF xx (not UTF-8); Node writes U+FFFD or the pair's 4 bytes. Redo those in JS.
    // A byte for each UTF-16 unit is ASCII, which holds none: on XS `length` is one native pass over the string, where the
    // search calls a typed array's getter for every byte (~50 cycles each on a Pico: 54k for a Thing's values).
    return b.length !== s.length && hasSurrogateBytes(b) ? jsUtf8Bytes(s) : b;
  }
  return jsUtf8Bytes(s);
}

function jsUtf8Bytes(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  writeUtf8(out, 0, s);
  return out;
}

/**
 * Decode `bytes[start, end)`; returns `undefined` when the bytes are not
 * well-formed UTF-8 or contain U+0000 (MQTT-1.5.3-1, MQTT-1.5.3-2).
 */
export function readUtf8(bytes: Uint8Array, start: number, end: number): string | undefined {
  if (nativeDecoder) {
    let s: string;
    try {
      s = nativeDecoder.decode(bytes.subarray(start, end));
    } catch {
      return undefined;
    }
    // A native search: a byte loop costs ~20 computrons per byte in XS.
    return s.indexOf('\u0000') === -1 ? s : undefined;
  }
  // On a board: checked here, made by the engine (`fromArrayBuffer` checks only each sequence's shape).
  if (engineDecodes) return isWellFormedUtf8(bytes, start, end) ? engineUtf8String(bytes, start, end) : undefined;
  return decodeUtf8(bytes, start, end, true);
}

/** True when `bytes[start, end)` is a string `readUtf8` accepts: well-formed UTF-8 without U+0000. */
export function isWellFormedUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  return decodeUtf8(bytes, start, end, false) !== undefined;
}

/** The loop behind `readUtf8`: `undefined` when the bytes are ill-formed, else their string, or '' when `build` is false. */
function decodeUtf8(bytes: Uint8Array, start: number, end: number, build: boolean): string | undefined {
  let s = '';
  let i = start;
  // ASCII runs are the common case for topics: one fromCharCode per byte, no array.
  while (i < end) {
    const b = bytes[i];
    if (b === 0) return undefined;
    if (b < 0x80) {
      if (build) s += String.fromCharCode(b);
      i++;
      continue;
    }
    let cp: number;
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) { cp = b & 0x1f; need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { cp = b & 0x0f; need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { cp = b & 0x07; need = 3; min = 0x10000; }
    else return undefined;
    if (i + need >= end) return undefined; // truncated sequence
    for (let k = 1; k <= need; k++) {
      const cb = bytes[i + k];
      if ((cb & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (cb & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    if (build) {
      if (cp >= 0x10000) {
        cp -= 0x10000;
        s += String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else {
        s += String.fromCharCode(cp);
      }
    }
    i += need + 1;
  }
  return s;
}
