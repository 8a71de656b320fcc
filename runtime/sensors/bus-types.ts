/**
 * The slice of ECMA-419's `embedded:io/smbus` the drivers use. On a board it
 * is Moddable's `device.io.SMBus`; on the simulator, the simulated one.
 */
export interface SMBusIo {
  readUint8(register: number): number;
  readUint16(register: number, bigEndian?: boolean): number;
  readBuffer(register: number, buffer: Uint8Array): unknown;
  writeUint8(register: number, value: number): void;
  writeUint16(register: number, value: number, bigEndian?: boolean): void;
  close(): void;
}

/** The SMBus class itself, constructed by the driver with its defaults under the caller's options. */
// `any`: each platform types its own options; the driver passes pins, address and hz through.
export type SMBusClass = new (options: any) => SMBusIo;

/**
 * Options of the ECMA-419 sensor class pattern: `sensor` is the bus (its class
 * in `io`, pins, address, hz); `onError` hears about problems that do not throw.
 */
export interface SensorDriverOptions {
  sensor: { io: SMBusClass; address?: number; hz?: number; [option: string]: unknown };
  onError?: (message: string) => void;
}

/** The slice of ECMA-419's `embedded:io/i2c` a register-less part needs. */
export interface I2CIo {
  read(buffer: Uint8Array): unknown;
  write(buffer: Uint8Array): unknown;
  close(): void;
}

export type I2CClass = new (options: any) => I2CIo;

/** Sensor class options for a part driven over plain I2C. */
export interface I2CSensorDriverOptions {
  sensor: { io: I2CClass; address?: number; hz?: number; [option: string]: unknown };
  onError?: (message: string) => void;
}
