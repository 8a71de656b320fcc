import type { I2cBus } from '../i2c-bus';
import { bytesOf, checkFormat, closedError, pinOption, type IoBoard } from './io-board';

export interface I2COptions {
  data: number;
  clock: number;
  hz: number;
  address: number;
  port?: number;
  format?: 'buffer';
  target?: unknown;
  [other: string]: unknown;
}

/** Open I2C instances per bus, to refuse a second one on the same address (as Moddable does). */
const openAddresses = new WeakMap<I2cBus, Set<number>>();

/**
 * ECMA-419 I2C controller (`embedded:io/i2c`) on a simulated bus. `data`,
 * `clock`, `hz` and `address` are required; `read(lengthOrBuffer, stop)` and
 * `write(buffer, stop)` are one bus transaction each, `stop` defaulting to
 * true. A device that does not acknowledge its address makes the call throw
 * (an `I2cError` with `code: 'nack'`), except a zero-length write, which is an
 * address probe and returns 1 instead. Any call after `close()` throws.
 *
 * Use the class bound to a board: `new device.io.I2C({ ...device.I2C.default, address: 0x48 })`.
 */
export class SimI2C {
  static board: IoBoard | undefined;

  target: unknown;
  readonly hz: number;
  readonly address: number;
  #bus: I2cBus | undefined;
  readonly #name: string;

  constructor(options: I2COptions) {
    const board = (new.target as typeof SimI2C).board;
    const name = (new.target.name || '').replace(/^Sim/, '') || 'I2C'; // no name where a build stripped it
    if (!board) throw new Error(`${name}: use the class bound to a board (device.io.${name})`);
    const data = pinOption(options, 'data', name);
    const clock = pinOption(options, 'clock', name);
    if (options.address === undefined) throw new RangeError(`${name}: address required`);
    const address = options.address;
    if (typeof address !== 'number' || !Number.isInteger(address) || address < 0 || address > 127) {
      throw new RangeError(`${name}: invalid address ${String(address)}`);
    }
    if (options.hz === undefined) throw new RangeError(`${name}: hz required`);
    // Annex A I2C constructor options: hz is a positive integer.
    if (typeof options.hz !== 'number' || !Number.isInteger(options.hz) || !(options.hz > 0) || options.hz > 20_000_000) throw new RangeError(`${name}: invalid hz ${String(options.hz)}`);
    if (options.format !== undefined) checkFormat(options.format, 'buffer', name);
    const bus = board.busOn(data, clock);
    if (!bus) throw new RangeError(`${name}: no I2C bus on data ${data} / clock ${clock}`);
    let open = openAddresses.get(bus);
    if (!open) openAddresses.set(bus, (open = new Set()));
    if (open.has(address)) throw new RangeError(`${name}: duplicate address 0x${address.toString(16)} (another instance is open)`);
    open.add(address);
    this.#bus = bus;
    this.#name = name;
    this.hz = options.hz;
    this.address = address;
    this.target = options.target;
  }

  /**
   * Read `length` bytes into a new ArrayBuffer, or fill `buffer` and return the
   * number of bytes read (ECMA-419 §9 `read`, Annex A IO Class Pattern read: "Return n").
   */
  read(lengthOrBuffer: number | ArrayBufferLike | ArrayBufferView, stop = true): any {
    const bus = this.open();
    if (typeof lengthOrBuffer === 'number') {
      if (!Number.isInteger(lengthOrBuffer) || lengthOrBuffer < 0) throw new RangeError(`${this.#name}: invalid read length ${lengthOrBuffer}`);
      const result = new ArrayBuffer(lengthOrBuffer);
      bus.read(this.address, new Uint8Array(result), stop);
      return result;
    }
    const bytes = bytesOf(lengthOrBuffer, this.#name);
    bus.read(this.address, bytes, stop);
    return bytes.length;
  }

  /** Write `buffer`. Returns 1 when a zero-length write (a probe) was not acknowledged, else undefined. */
  write(buffer: ArrayBufferLike | ArrayBufferView, stop = true): number | undefined {
    const bus = this.open();
    const acked = bus.write(this.address, bytesOf(buffer, this.#name), stop);
    return acked ? undefined : 1;
  }

  /** Write then read with a repeated start between them (no stop after the write). */
  writeRead(buffer: ArrayBufferLike | ArrayBufferView, lengthOrBuffer: number | ArrayBufferLike | ArrayBufferView): any {
    const bus = this.open();
    bus.write(this.address, bytesOf(buffer, this.#name), false);
    // Annex A I2C writeRead returns the buffer it read into (unlike read(buffer), which returns a count).
    if (typeof lengthOrBuffer === 'number') return this.read(lengthOrBuffer, true);
    this.read(lengthOrBuffer, true);
    return lengthOrBuffer;
  }

  close(): void {
    const bus = this.#bus;
    if (!bus) return;
    openAddresses.get(bus)?.delete(this.address);
    this.#bus = undefined;
  }

  get format(): 'buffer' {
    this.open();
    return 'buffer';
  }

  set format(value: 'buffer') {
    this.open();
    checkFormat(value, 'buffer', this.#name);
  }

  /** The bus, or a throw when closed. For subclasses (SMBus). */
  protected open(): I2cBus {
    if (!this.#bus) throw closedError(this.#name);
    return this.#bus;
  }
}
