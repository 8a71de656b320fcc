import { indexIn } from '../core/list-copy';
import type { SensorDriverOptions, SMBusIo } from './bus-types';

/** Every register access is a command byte: CMD (bit 7) | normal transaction (bits 6..5 = 01) | register. */
const COMMAND = 0xa0;
/** Registers (AMS TSL2591 datasheet, register set). */
const Register = Object.freeze({ ENABLE: 0x00, CONFIG: 0x01, ID: 0x12, STATUS: 0x13, C0DATAL: 0x14 });
/** The command bytes `sample()` sends, computed once: on XS a frozen table's property costs a lookup per read. */
const STATUS_COMMAND = COMMAND | Register.STATUS;
const C0DATAL_COMMAND = COMMAND | Register.C0DATAL;
const CONFIG_COMMAND = COMMAND | Register.CONFIG;
const ID = 0x50;
const POWER_ON = 0x01;
const ALS_ENABLE = 0x02;
const AVALID = 0x01;
/** Typical gain of each AGAIN setting (low, medium, high, max). */
const GAINS = Object.freeze([1, 24.5, 400, 9200]);
const GAIN_NAMES = Object.freeze(['low', 'medium', 'high', 'max']);
const MAX_GAIN_INDEX = GAINS.length - 1;
/** Counts per lux at gain 1 and 1 ms integration, the datasheet's lux coefficient. */
const LUX_DF = 408;

export type Tsl2591Gain = 'low' | 'medium' | 'high' | 'max';

export interface Tsl2591Config {
  gain?: Tsl2591Gain;
  /** Integration time in ms: 100, 200, ... 600. */
  integrationTime?: number;
  /** Step the gain so readings stay well inside the counter's range (default on). */
  autoGain?: boolean;
}

/**
 * AMS TSL2591 light sensor, ECMA-419 sensor class pattern: `sample()` returns
 * `{ illuminance }` in lux from the datasheet's two-channel equation.
 *
 * With auto-gain, a reading above 80% of full scale lowers the gain for the
 * next sample and one far below the next step's range raises it, so the part
 * covers starlight to daylight without blocking to re-measure. A saturated
 * reading (light jumped between samples) is reported through `onError` and
 * `sample()` returns `undefined`: no number is better than a wrong one.
 */
export class TSL2591 {
  #io: SMBusIo | undefined;
  #gainIndex = 1;
  #timeIndex = 0;
  #autoGain = true;
  readonly #data = new Uint8Array(4);
  readonly #onError: ((message: string) => void) | undefined;

  constructor(options: SensorDriverOptions) {
    const io = new options.sensor.io({ hz: 400_000, address: 0x29, ...options.sensor });
    this.#io = io;
    this.#onError = options.onError;
    try {
      const id = io.readUint8(COMMAND | Register.ID);
      if (id !== ID) throw new Error(`TSL2591: unexpected ID 0x${id.toString(16)} (not a TSL2591?)`);
      this.#writeConfig(io);
      io.writeUint8(COMMAND | Register.ENABLE, POWER_ON | ALS_ENABLE);
    } catch (e) {
      io.close();
      this.#io = undefined;
      throw e;
    }
  }

  get gain(): Tsl2591Gain {
    return GAIN_NAMES[this.#gainIndex] as Tsl2591Gain;
  }

  get integrationTime(): number {
    return (this.#timeIndex + 1) * 100;
  }

  configure(options: Tsl2591Config): void {
    const io = this.#open();
    if (options.gain !== undefined) {
      const i = indexIn(GAIN_NAMES, options.gain);
      if (i < 0) this.#onError?.(`invalid gain ${String(options.gain)}`);
      else this.#gainIndex = i;
    }
    if (options.integrationTime !== undefined) {
      const i = options.integrationTime / 100 - 1;
      // `% 1` for a whole index: Number.isInteger is a built-in a board would link for this check alone.
      if (i % 1 !== 0 || i < 0 || i > 5) this.#onError?.(`invalid integrationTime ${options.integrationTime}`);
      else this.#timeIndex = i;
    }
    if (options.autoGain !== undefined) this.#autoGain = options.autoGain;
    this.#writeConfig(io);
  }

  sample(): { illuminance: number; infrared: number; fullSpectrum: number } | undefined {
    // Per sample on a board every bytecode counts (docs/performance.md, firmware): fields are read
    // once into locals, no private-method calls or getters on the path of a good reading.
    const io = this.#io;
    if (!io) throw new Error('TSL2591 is closed');
    if ((io.readUint8(STATUS_COMMAND) & AVALID) === 0) {
      this.#onError?.('no valid reading yet (integration not complete)');
      return undefined;
    }
    const data = this.#data;
    io.readBuffer(C0DATAL_COMMAND, data);
    const ch0 = data[0] | (data[1] << 8);
    const ch1 = data[2] | (data[3] << 8);
    const timeIndex = this.#timeIndex;
    const g = this.#gainIndex;
    const max = timeIndex === 0 ? 37888 : 65535;
    if (ch0 >= max || ch1 >= max) {
      const at = this.gain;
      if (this.#autoGain && g > 0) this.#setGain(io, g - 1);
      this.#onError?.(`saturated at gain ${at}`);
      return undefined;
    }
    const gain = GAINS[g];
    const cpl = ((timeIndex + 1) * 100 * gain) / LUX_DF;
    const illuminance = ch0 === 0 ? 0 : ((ch0 - ch1) * (1 - ch1 / ch0)) / cpl;
    // Auto-gain: keep the next reading between about 5% and 80% of full scale. The register is written
    // here, not through #setGain: a step comes with a reading, and each call of a sample costs a board
    // ~2,000 cycles.
    if (this.#autoGain) {
      const next = ch0 > 0.8 * max && g > 0 ? g - 1 : g < MAX_GAIN_INDEX && ch0 * (GAINS[g + 1] / gain) < 0.5 * max ? g + 1 : g;
      if (next !== g) {
        this.#gainIndex = next;
        io.writeUint8(CONFIG_COMMAND, (next << 4) | timeIndex);
      }
    }
    return { illuminance, infrared: ch1, fullSpectrum: ch0 };
  }

  close(): void {
    const io = this.#io;
    if (!io) return;
    this.#io = undefined;
    try {
      io.writeUint8(COMMAND | Register.ENABLE, 0); // power off
    } catch (e) {
      this.#onError?.(`could not power down: ${String(e)}`);
    } finally {
      io.close();
    }
  }

  #setGain(io: SMBusIo, index: number): void {
    this.#gainIndex = index;
    this.#writeConfig(io);
  }

  #writeConfig(io: SMBusIo): void {
    io.writeUint8(CONFIG_COMMAND, (this.#gainIndex << 4) | this.#timeIndex);
  }

  #open(): SMBusIo {
    if (!this.#io) throw new Error('TSL2591 is closed');
    return this.#io;
  }
}
