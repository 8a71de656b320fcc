/**
 * ThingFlow's JSON event form, the default MQTT payload: what
 * ThingFlow-Python's `to_json` writes for a `SensorEvent` namedtuple, i.e.
 * `json.dumps(event)` = `[sensor_id, ts, val]` with Python's default
 * separators (`", "` and `": "`), and what `from_json(constructor=SensorEvent)`
 * reads back. So a ThingFlow-Python subscriber reads our events and vice versa.
 * Other values are written as Python's json.dumps would write them.
 *
 * One difference remains: JavaScript has one number type, so a Python float
 * with no fraction (`1.0`) is written here as `1`; `json.loads` reads it as an int.
 */
import type { SensorEvent } from '../core/input-thing';
import { readUtf8 } from './codec/utf8';

function isSensorEvent(x: unknown): x is SensorEvent<unknown> {
  return typeof x === 'object' && x !== null && 'sensorId' in x && 'ts' in x && 'val' in x;
}

/** `value` as Python's `json.dumps(value)` text (default separators). */
export function toPythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) s += (i > 0 ? ', ' : '') + toPythonJson(value[i]);
    return s + ']';
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return JSON.stringify(value);
  }
  if (typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return toPythonJson((value as { toJSON(): unknown }).toJSON());
    if (isSensorEvent(value)) return toPythonJson([value.sensorId, value.ts, value.val]);
    const keys = Object.keys(value);
    let s = '{';
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const v = (value as Record<string, unknown>)[keys[i]];
      if (v === undefined || typeof v === 'function') continue;
      s += (first ? '' : ', ') + JSON.stringify(keys[i]) + ': ' + toPythonJson(v);
      first = false;
    }
    return s + '}';
  }
  return JSON.stringify(value) ?? 'null';
}

/** The default `MqttWriter` encoding: a SensorEvent as `[sensorId, ts, val]`, anything else as JSON. */
export function encodeEventJson(x: unknown): string {
  return toPythonJson(x);
}

/**
 * The default `MqttReader` decoding: JSON text; a 3-element array whose
 * first element is a string or number and second a number becomes a
 * `SensorEvent` (ThingFlow's `SensorEvent(*obj)`), anything else is returned as parsed.
 * Python writes `NaN`/`Infinity` for non-finite floats; those are read too.
 */
export function decodeEventJson(payload: Uint8Array): unknown {
  const text = readUtf8(payload, 0, payload.length);
  if (text === undefined) throw new SyntaxError('MQTT payload is not valid UTF-8 text');
  const parsed = JSON.parse(/NaN|Infinity/.test(text) ? pythonNonFinite(text) : text, reviveNonFinite);
  if (Array.isArray(parsed) && parsed.length === 3 && (typeof parsed[0] === 'string' || typeof parsed[0] === 'number') && typeof parsed[1] === 'number') {
    const e: SensorEvent<unknown> = { sensorId: parsed[0], ts: parsed[1], val: parsed[2] };
    return e;
  }
  return parsed;
}

const NON_FINITE = '\u0001tf-nonfinite:';

/** Quote bare NaN / Infinity / -Infinity outside strings so JSON.parse accepts them; the reviver turns them back. */
function pythonNonFinite(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') { inString = true; out += c; continue; }
    const m = /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9));
    if (m) {
      out += JSON.stringify(NON_FINITE + m[1]);
      i += m[1].length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

function reviveNonFinite(_key: string, v: unknown): unknown {
  if (typeof v === 'string' && v.startsWith(NON_FINITE)) return Number(v.slice(NON_FINITE.length));
  return v;
}

