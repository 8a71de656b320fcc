import type { SensorDriverOptions, SMBusIo } from './bus-types';

/** Registers (ADXL345 datasheet, Table 19). */
const Register = Object.freeze({ DEVID: 0x00, BW_RATE: 0x2c, POWER_CTL: 0x2d, DATA_FORMAT: 0x31, DATAX0: 0x32 });
const DEVID = 0xe5;
const MEASURE = 0x08;
const FULL_RES = 0x08;
const RANGES: Readonly<Record<string, number>> = Object.freeze({ '2': 0, '4': 1, '8': 2, '16': 3 });
const STANDARD_GRAVITY = 9.80665;
/** Full-resolution scale: 3.9 mg per LSB at every range. */
const G_PER_LSB = 1 / 256;

export interface Adxl345Config {
  /** Full-scale range in g: 2, 4, 8 or 16. */
  range?: number;
  /** Output data rate code for BW_RATE (0x0A = 100 Hz, the default). */
  rate?: number;
}

/**
 * Analog Devices ADXL345 accelerometer, ECMA-419 sensor class pattern:
 * `sample()` returns `{ x, y, z }` in m/s² (full resolution, so the scale is
 * the same at every range).
 */
export class ADXL345 {
  #io: SMBusIo | undefined;
  #range = 0;
  readonly #data = new Uint8Array(6);
  readonly #onError: ((message: string) => void) | undefined;

  constructor(options: SensorDriverOptions) {
    const io = new options.sensor.io({ hz: 400_000, address: 0x53, ...options.sensor });
    this.#io = io;
    this.#onError = options.onError;
    try {
      const id = io.readUint8(Register.DEVID);
      if (id !== DEVID) throw new Error(`ADXL345: unexpected DEVID 0x${id.toString(16)} (not an ADXL345?)`);
      io.writeUint8(Register.DATA_FORMAT, FULL_RES | this.#range);
      io.writeUint8(Register.POWER_CTL, MEASURE);
    } catch (e) {
      io.close();
      this.#io = undefined;
      throw e;
    }
  }

  configure(options: Adxl345Config): void {
    const io = this.#open();
    if (options.range !== undefined) {
      const bits = RANGES[String(options.range)];
      if (bits === undefined) this.#onError?.(`invalid range ${options.range}`);
      else {
        this.#range = bits;
        io.writeUint8(Register.DATA_FORMAT, FULL_RES | bits);
      }
    }
    if (options.rate !== undefined) io.writeUint8(Register.BW_RATE, options.rate & 0x1f);
  }

  sample(): { x: number; y: number; z: number } {
    const d = this.#data;
    this.#open().readBuffer(Register.DATAX0, d);
    const scale = G_PER_LSB * STANDARD_GRAVITY;
    return { x: toInt16(d[0], d[1]) * scale, y: toInt16(d[2], d[3]) * scale, z: toInt16(d[4], d[5]) * scale };
  }

  close(): void {
    const io = this.#io;
    if (!io) return;
    this.#io = undefined;
    try {
      io.writeUint8(Register.POWER_CTL, 0); // standby
    } catch (e) {
      this.#onError?.(`could not enter standby: ${String(e)}`);
    } finally {
      io.close();
    }
  }

  #open(): SMBusIo {
    if (!this.#io) throw new Error('ADXL345 is closed');
    return this.#io;
  }
}

function toInt16(lo: number, hi: number): number {
  const v = lo | (hi << 8);
  return v & 0x8000 ? v - 0x10000 : v;
}
