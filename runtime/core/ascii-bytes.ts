/**
 * A string's bytes, for code that looks through a long string for ASCII characters (brackets,
 * quotes): UTF-8, made in one pass by the engine, in which every ASCII character is its own byte and
 * no byte of another character is below 0x80. (Where the engine has no way to make them, a byte per
 * UTF-16 unit: ASCII as itself, anything else 0x80.)
 *
 * Why not `s.charCodeAt(i)` in a loop: on a board (XS as Moddable builds it for a device) a string
 * has no index, and `s.charCodeAt(i)` and `s.length` each walk the string from its start, so a loop
 * over a long string's characters is quadratic. A 3 KB WebSocket message kept an emulated Pico W busy
 * for 4.7 s in the JSON depth check; 16 KiB, the most a message may be, would take over a minute.
 */
import { engineEncodesUtf8, engineUtf8Bytes } from './engine-utf8';

interface Encoder { encode(s: string): Uint8Array }

/** Moddable's `ArrayBuffer.fromString` (every board), else the engine's TextEncoder (Node, xsnap). */
const TextEncoderClass = (globalThis as { TextEncoder?: new () => Encoder }).TextEncoder;
const encoder = !engineEncodesUtf8 && TextEncoderClass !== undefined ? new TextEncoderClass() : undefined;

export function asciiBytes(s: string): Uint8Array {
  if (engineEncodesUtf8) return engineUtf8Bytes(s);
  if (encoder !== undefined) return encoder.encode(s);
  const n = s.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    out[i] = c < 0x80 ? c : 0x80;
  }
  return out;
}
