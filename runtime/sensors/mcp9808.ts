import type { SensorDriverOptions, SMBusIo } from './bus-types';

/** Registers (MCP9808 datasheet, Table 5-1). */
const Register = Object.freeze({
  CONFIG: 0x01, T_UPPER: 0x02, T_LOWER: 0x03, T_CRIT: 0x04, T_AMBIENT: 0x05,
  MANUFACTURER_ID: 0x06, DEVICE_ID: 0x07, RESOLUTION: 0x08,
});
const MANUFACTURER_ID = 0x0054;
const DEVICE_ID = 0x04; // upper byte of the device ID register
const SHUTDOWN = 0x0100;
/** Resolution register value per step in °C (5.1.4). */
const RESOLUTIONS: Readonly<Record<string, number>> = Object.freeze({ '0.5': 0, '0.25': 1, '0.125': 2, '0.0625': 3 });

export interface Mcp9808Config {
  /** Step in °C: 0.5, 0.25, 0.125 or 0.0625 (conversion takes 30..250 ms). */
  resolution?: number;
  shutdownMode?: boolean;
  /** Alarm limits in °C (0.25 °C steps). */
  upperTemperature?: number;
  lowerTemperature?: number;
  criticalTemperature?: number;
}

/**
 * Microchip MCP9808 temperature sensor, ECMA-419 sensor class pattern.
 * The constructor checks the manufacturer and device IDs, so a wrong part at
 * the address is a clear error instead of wrong temperatures.
 */
export class MCP9808 {
  #io: SMBusIo | undefined;
  readonly #onError: ((message: string) => void) | undefined;

  constructor(options: SensorDriverOptions) {
    const io = new options.sensor.io({ hz: 400_000, address: 0x18, ...options.sensor });
    this.#io = io;
    this.#onError = options.onError;
    try {
      const manufacturer = io.readUint16(Register.MANUFACTURER_ID, true);
      const device = io.readUint16(Register.DEVICE_ID, true) >> 8;
      if (manufacturer !== MANUFACTURER_ID || device !== DEVICE_ID) {
        throw new Error(`MCP9808: unexpected IDs 0x${manufacturer.toString(16)}/0x${device.toString(16)} (not an MCP9808?)`);
      }
      io.writeUint16(Register.CONFIG, 0, true);
    } catch (e) {
      io.close();
      this.#io = undefined;
      throw e;
    }
  }

  configure(options: Mcp9808Config): void {
    const io = this.#open();
    if (options.resolution !== undefined) {
      const bits = RESOLUTIONS[String(options.resolution)];
      if (bits === undefined) this.#onError?.(`invalid resolution ${options.resolution}`);
      else io.writeUint8(Register.RESOLUTION, bits);
    }
    if (options.shutdownMode !== undefined) {
      const config = io.readUint16(Register.CONFIG, true);
      io.writeUint16(Register.CONFIG, options.shutdownMode ? config | SHUTDOWN : config & ~SHUTDOWN, true);
    }
    if (options.upperTemperature !== undefined) io.writeUint16(Register.T_UPPER, encodeLimit(options.upperTemperature), true);
    if (options.lowerTemperature !== undefined) io.writeUint16(Register.T_LOWER, encodeLimit(options.lowerTemperature), true);
    if (options.criticalTemperature !== undefined) io.writeUint16(Register.T_CRIT, encodeLimit(options.criticalTemperature), true);
  }

  /** `{ temperature }` in °C, with the alarm flags of the ambient register. */
  sample(): { temperature: number; critical: boolean; upper: boolean; lower: boolean } {
    const reg = this.#open().readUint16(Register.T_AMBIENT, true);
    let sixteenths = reg & 0x0fff;
    if (reg & 0x1000) sixteenths -= 0x1000; // sign bit (5.1.3)
    return {
      temperature: sixteenths / 16,
      critical: (reg & 0x8000) !== 0,
      upper: (reg & 0x4000) !== 0,
      lower: (reg & 0x2000) !== 0,
    };
  }

  close(): void {
    const io = this.#io;
    if (!io) return;
    this.#io = undefined;
    try {
      io.writeUint16(Register.CONFIG, SHUTDOWN, true);
    } catch (e) {
      this.#onError?.(`could not shut down: ${String(e)}`);
    } finally {
      io.close();
    }
  }

  #open(): SMBusIo {
    if (!this.#io) throw new Error('MCP9808 is closed');
    return this.#io;
  }
}

/** A limit in °C → register: 0.25 °C steps in bits 11..2, sign in bit 12. */
function encodeLimit(celsius: number): number {
  return (Math.round(celsius * 4) << 2) & 0x1ffc;
}
