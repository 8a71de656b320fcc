import type { I2CIo, I2CSensorDriverOptions } from './bus-types';

/** Instructions (ROHM BH1750FVI datasheet, "Instruction Set Architecture"). */
const Op = Object.freeze({ POWER_DOWN: 0x00, POWER_ON: 0x01, RESET: 0x07 });
const MODES: Readonly<Record<string, number>> = Object.freeze({ high: 0x10, high2: 0x11, low: 0x13 });
const MTREG_DEFAULT = 69;

export interface Bh1750Config {
  /** `high` (1 lx, 120 ms), `high2` (0.5 lx, 120 ms) or `low` (4 lx, 16 ms), continuously. */
  mode?: 'high' | 'high2' | 'low';
  /** MTreg, 31..254 (default 69): longer is more sensitive and slower. */
  measurementTime?: number;
}

/**
 * ROHM BH1750 light sensor, ECMA-419 sensor class pattern: `sample()` returns
 * `{ illuminance }` in lux. The part has no registers, so the bus is plain
 * I2C (`device.io.I2C`; an SMBus works too): one-byte instructions, two-byte reads.
 */
export class BH1750 {
  #io: I2CIo | undefined;
  #mode = 'high';
  #mtreg = MTREG_DEFAULT;
  readonly #byte = new Uint8Array(1);
  readonly #data = new Uint8Array(2);
  readonly #onError: ((message: string) => void) | undefined;
  /** No sample since the reset: the data register reads 0 until the first conversion is done. */
  #fresh = true;

  constructor(options: I2CSensorDriverOptions) {
    const io = new options.sensor.io({ hz: 400_000, address: 0x23, ...options.sensor });
    this.#io = io;
    this.#onError = options.onError;
    try {
      this.#send(Op.POWER_ON);
      this.#send(Op.RESET);
      this.#send(MODES.high);
    } catch (e) {
      io.close();
      this.#io = undefined;
      throw e;
    }
  }

  configure(options: Bh1750Config): void {
    if (options.measurementTime !== undefined) {
      const mt = options.measurementTime;
      // `% 1` for a whole number: Number.isInteger is a built-in a board would link for this check alone.
      if (mt % 1 !== 0 || !(mt >= 31 && mt <= 254)) this.#onError?.(`invalid measurementTime ${mt}`);
      else {
        this.#send(0x40 | (mt >> 5));
        this.#send(0x60 | (mt & 0x1f));
        this.#mtreg = mt;
      }
    }
    if (options.mode !== undefined) {
      if (MODES[options.mode] === undefined) this.#onError?.(`invalid mode ${String(options.mode)}`);
      else this.#mode = options.mode;
    }
    this.#send(MODES[this.#mode]); // (re)start measuring in the current mode and time
  }

  /**
   * `{ illuminance }` in lux; undefined for a first sample that reads 0: the
   * part has no status bit, and its reset data register reads 0 until the
   * first conversion (120 ms) is done, which a scheduler's first sampling,
   * at once, always comes before. Every later 0 is darkness (in darkness
   * from the start, the first real 0 is the one skipped).
   */
  sample(): { illuminance: number } | undefined {
    const io = this.#open();
    const d = this.#data;
    io.read(d);
    const count = (d[0] << 8) | d[1];
    if (this.#fresh) {
      this.#fresh = false;
      if (count === 0) {
        this.#onError?.('no reading yet: the first conversion after power-on takes 120 ms');
        return undefined;
      }
    }
    const lux = (count / 1.2) * (MTREG_DEFAULT / this.#mtreg);
    return { illuminance: this.#mode === 'high2' ? lux / 2 : lux };
  }

  close(): void {
    const io = this.#io;
    if (!io) return;
    try {
      this.#send(Op.POWER_DOWN);
    } catch (e) {
      this.#onError?.(`could not power down: ${String(e)}`);
    } finally {
      this.#io = undefined;
      io.close();
    }
  }

  #send(op: number): void {
    this.#byte[0] = op;
    this.#open().write(this.#byte);
  }

  #open(): I2CIo {
    if (!this.#io) throw new Error('BH1750 is closed');
    return this.#io;
  }
}
