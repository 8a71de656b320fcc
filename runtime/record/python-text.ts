/**
 * Numbers and times written the way Python writes them, so a recording made
 * here reads the same, byte for byte, as one ThingFlow-Python's csv writer
 * makes (`csv.writer` calls `repr` on floats; `SensorEventMapping` adds
 * `datetime.utcfromtimestamp(ts).isoformat()`).
 */
import { asciiLowerCase } from '../core/ascii-case';

/**
 * `repr(float(x))`: the shortest digits that read back as `x`, fixed notation
 * for exponents -4..15, else `d.ddde+XX`; always a `.0` or a fraction, so
 * `1420110060` is `1420110060.0`. Non-finite values are `nan`, `inf`, `-inf`.
 */
export function pythonFloat(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() with no argument gives the shortest round-trip digits.
  const e = x.toExponential();
  const at = e.indexOf('e');
  const negative = e.charCodeAt(0) === 45;
  const mantissa = e.slice(negative ? 1 : 0, at);
  const exp = Number(e.slice(at + 1));
  const digits = mantissa.length > 1 ? mantissa.charAt(0) + mantissa.slice(2) : mantissa;
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? `${digits.charAt(0)}.${digits.slice(1)}` : digits;
    const abs = exp < 0 ? -exp : exp;
    return `${sign}${frac}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * A JavaScript number as Python would write the value it stands for: an
 * integer as an `int` (`3`), anything else as a float (`2.5`, `1e-07`).
 * JavaScript cannot tell Python's `3.0` from `3`; both read back as 3.
 */
export function pythonNumber(x: number): string {
  return Number.isInteger(x) && Math.abs(x) < 1e16 ? String(x) : pythonFloat(x);
}

/** Read what `pythonFloat`/`pythonNumber` (or Python's `float()`) accept, including `nan` and `inf`. */
export function parsePythonFloat(text: string): number {
  const t = text.trim();
  const lower = asciiLowerCase(t); // nan, inf, infinity: ASCII words
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  // Number('') is 0 and Number('0x10') is 16: Python's float() refuses both.
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return NaN;
  return Number(t);
}

const HALF = 500_000;

/**
 * `datetime.datetime.utcfromtimestamp(ts).isoformat()`: `YYYY-MM-DDTHH:MM:SS`
 * plus `.ffffff` when the microseconds are not zero (rounded half to even, as
 * Python does).
 */
export function utcIsoFormat(ts: number): string {
  let seconds = Math.floor(ts);
  const frac = ts - seconds;
  let micros = Math.floor(frac * 1e6);
  const rest = frac * 1e6 - micros;
  if (rest > 0.5 || (rest === 0.5 && (micros & 1) === 1)) micros++;
  if (micros >= 2 * HALF) {
    seconds++;
    micros -= 2 * HALF;
  }
  const d = new Date(seconds * 1000);
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  const base = iso.slice(0, 19);
  return micros === 0 ? base : `${base}.${String(micros).padStart(6, '0')}`;
}
