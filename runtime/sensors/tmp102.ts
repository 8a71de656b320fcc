import type { SensorDriverOptions, SMBusIo } from './bus-types';

/** Registers (TI TMP102 datasheet, 7.5.1). */
const Register = Object.freeze({ TEMPERATURE: 0x00, CONFIG: 0x01, T_LOW: 0x02, T_HIGH: 0x03 });
// Configuration register bits (7.5.3).
const ONE_SHOT = 0x8000;
const FAULT_QUEUE = 0x1800;
const POLARITY = 0x0400;
const THERMOSTAT_INTERRUPT = 0x0200;
const SHUTDOWN = 0x0100;
const CONVERSION_RATE = 0x00c0;
const ALERT = 0x0020;
const EXTENDED = 0x0010;
const CONFIG_DEFAULT = 0x60a0; // 4 Hz, comparator, 12-bit (7.5.3)
const RATES: Readonly<Record<string, number>> = Object.freeze({ '0.25': 0x00, '1': 0x40, '4': 0x80, '8': 0xc0 });
const QUEUES: Readonly<Record<string, number>> = Object.freeze({ '1': 0x0000, '2': 0x0800, '4': 0x1000, '6': 0x1800 });

export interface Tmp102Config {
  /** 13-bit mode up to 150 °C. */
  extendedRange?: boolean;
  /** Shut down between samples: each `sample()` starts a one-shot conversion and returns the previous one. */
  shutdownMode?: boolean;
  /** Conversions per second: 0.25, 1, 4 or 8. */
  conversionRate?: number;
  highTemperature?: number;
  lowTemperature?: number;
  thermostatMode?: 'comparator' | 'interrupt';
  /** Alert active high. */
  polarity?: boolean;
  faultQueue?: 1 | 2 | 4 | 6;
}

/**
 * TI TMP102 temperature sensor, ECMA-419 sensor class pattern.
 *
 * ```ts
 * const tmp = new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } });
 * tmp.sample(); // { temperature: 21.25, alert: false }
 * ```
 * Bus errors (a NACK, a timeout) throw from `sample()`; wrap the driver with
 * `ecma419Source` to turn them into `onError` or skipped samples.
 */
export class TMP102 {
  #io: SMBusIo | undefined;
  #shift = 4;
  #shutdown = false;
  readonly #onError: ((message: string) => void) | undefined;

  constructor(options: SensorDriverOptions) {
    const io = new options.sensor.io({ hz: 400_000, address: 0x48, ...options.sensor });
    this.#io = io;
    this.#onError = options.onError;
    try {
      io.writeUint16(Register.CONFIG, CONFIG_DEFAULT, true);
      io.writeUint16(Register.T_HIGH, 80 << 8, true); // 80 °C, the power-on value (7.5.4)
      io.writeUint16(Register.T_LOW, 75 << 8, true);
    } catch (e) {
      io.close();
      this.#io = undefined;
      throw e;
    }
  }

  configure(options: Tmp102Config): void {
    const io = this.#open();
    let config = io.readUint16(Register.CONFIG, true) & ~(ONE_SHOT | ALERT | 0x6000);
    if (options.extendedRange !== undefined) {
      config = options.extendedRange ? config | EXTENDED : config & ~EXTENDED;
      this.#shift = options.extendedRange ? 3 : 4;
    }
    if (options.shutdownMode !== undefined) {
      config = options.shutdownMode ? config | SHUTDOWN : config & ~SHUTDOWN;
      this.#shutdown = options.shutdownMode;
    }
    if (options.conversionRate !== undefined) {
      const bits = RATES[String(options.conversionRate)];
      if (bits === undefined) this.#onError?.(`invalid conversionRate ${options.conversionRate}`);
      else config = (config & ~CONVERSION_RATE) | bits;
    }
    if (options.thermostatMode !== undefined) {
      if (options.thermostatMode === 'interrupt') config |= THERMOSTAT_INTERRUPT;
      else if (options.thermostatMode === 'comparator') config &= ~THERMOSTAT_INTERRUPT;
      else this.#onError?.(`invalid thermostatMode ${String(options.thermostatMode)}`);
    }
    if (options.polarity !== undefined) config = options.polarity ? config | POLARITY : config & ~POLARITY;
    if (options.faultQueue !== undefined) {
      const bits = QUEUES[String(options.faultQueue)];
      if (bits === undefined) this.#onError?.(`invalid faultQueue ${options.faultQueue}`);
      else config = (config & ~FAULT_QUEUE) | bits;
    }
    io.writeUint16(Register.CONFIG, config, true);
    // Limits use the same format as the temperature register, so write them after EM is settled.
    if (options.highTemperature !== undefined) io.writeUint16(Register.T_HIGH, this.#encode(options.highTemperature), true);
    if (options.lowTemperature !== undefined) io.writeUint16(Register.T_LOW, this.#encode(options.lowTemperature), true);
  }

  /** `{ temperature }` in °C and whether the thermostat alert is active. */
  sample(): { temperature: number; alert: boolean } {
    const io = this.#open();
    const config = io.readUint16(Register.CONFIG, true);
    if (this.#shutdown) io.writeUint16(Register.CONFIG, config | ONE_SHOT, true); // next sample reads this conversion
    const raw = io.readUint16(Register.TEMPERATURE, true);
    const signed = raw & 0x8000 ? raw - 0x10000 : raw;
    const alert = ((config & ALERT) !== 0) === ((config & POLARITY) !== 0);
    return { temperature: (signed >> this.#shift) * 0.0625, alert };
  }

  close(): void {
    const io = this.#io;
    if (!io) return;
    this.#io = undefined;
    try {
      io.writeUint16(Register.CONFIG, CONFIG_DEFAULT | SHUTDOWN, true); // leave the part asleep
    } catch (e) {
      this.#onError?.(`could not shut down: ${String(e)}`);
    } finally {
      io.close();
    }
  }

  #encode(celsius: number): number {
    return (Math.round(celsius / 0.0625) << this.#shift) & 0xffff;
  }

  #open(): SMBusIo {
    if (!this.#io) throw new Error('TMP102 is closed');
    return this.#io;
  }
}
