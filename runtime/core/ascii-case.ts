/**
 * ASCII case by hand, for what a protocol defines as ASCII: HTTP field names,
 * methods and hosts (RFC 9110 compares them case-insensitively, ASCII only),
 * hex digits. Naming `toUpperCase` or `toLowerCase` anywhere makes a board's
 * firmware carry the engine's Unicode case tables, 12.8 KB of flash on XS
 * (docs/performance.md); letters outside A-Z and a-z are kept as they are.
 * For short strings: on a board `charCodeAt(i)` walks the string from its start.
 */
const HEX_DIGITS = '0123456789ABCDEF';

/** `s` with A-Z as a-z; `s` itself when it has none. */
export function asciiLowerCase(s: string): string {
  return shiftLetters(s, 65, 32);
}

/** `s` with a-z as A-Z; `s` itself when it has none. */
export function asciiUpperCase(s: string): string {
  return shiftLetters(s, 97, -32);
}

/** `n` (0 ≤ n < 16^digits) as `digits` hex digits, A-F in upper case: `0x2f` → `2F`. */
export function upperHex(n: number, digits: number): string {
  let out = '';
  for (let shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += HEX_DIGITS[(n >>> shift) & 15];
  return out;
}

/** The 26 letters from code `first` moved by `by`; the rest kept. */
function shiftLetters(s: string, first: number, by: number): string {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= first && c < first + 26) break;
    i++;
  }
  if (i === n) return s; // the usual case for a name already in its case: no new string
  let out = s.slice(0, i);
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    out += c >= first && c < first + 26 ? String.fromCharCode(c + by) : s[i];
  }
  return out;
}
