import type { I2cBus } from '../i2c-bus';
import type { PinBank } from '../pins';

/** What the ECMA-419 IO classes need from the board they are bound to. */
export interface IoBoard {
  readonly pins: PinBank;
  /** Simulated milliseconds since the run started. */
  now(): number;
  /** The I2C bus wired to these pins, if any. */
  busOn(data: number, clock: number): I2cBus | undefined;
  /** Analog level on a pin, 0..1 of the reference voltage. */
  analogLevel(pin: number): number;
}

/** Error for any call on an IO instance after `close()` (ECMA-419: closed instances throw). */
export function closedError(className: string): Error {
  return new Error(`${className} is closed`);
}

/** A pin option: required, a non-negative integer. */
export function pinOption(options: Record<string, unknown> | undefined, key: string, className: string): number {
  const v = options?.[key];
  if (v === undefined) throw new RangeError(`${className}: ${key} required`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RangeError(`${className}: invalid ${key} ${String(v)}`);
  return v;
}

/** View any ECMA-419 buffer (ArrayBuffer, typed array, DataView) as bytes, without copying. */
export function bytesOf(buffer: unknown, className: string): Uint8Array {
  if (buffer instanceof Uint8Array) return buffer;
  if (buffer instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer)) {
    return new Uint8Array(buffer);
  }
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  throw new TypeError(`${className}: expected a buffer (ArrayBuffer, typed array or DataView), got ${typeof buffer}`);
}

/** The `format` property: each class supports exactly one format. */
export function checkFormat(value: unknown, only: string, className: string): void {
  if (value !== only) throw new RangeError(`${className}: unsupported format '${String(value)}' (only '${only}')`);
}
