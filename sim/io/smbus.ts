import { I2cError } from '../i2c-bus';
import { bytesOf } from './io-board';
import { SimI2C, type I2COptions } from './i2c';

export interface SMBusOptions extends I2COptions {
  /** Send a stop bit between the register write and the read (default false: repeated start). */
  stop?: boolean;
}

function checkRegister(register: number): void {
  if (!Number.isInteger(register) || register < 0 || register > 255) throw new RangeError(`SMBus: invalid register ${String(register)}`);
}

/**
 * ECMA-419 SMBus (`embedded:io/smbus`): register reads and writes over I2C.
 * A register read is a one-byte write of the register number followed by a
 * read; 16-bit values are little-endian unless `bigEndian` is true.
 */
export class SimSMBus extends SimI2C {
  readonly #stop: boolean;
  /** Scratch buffers, reused so a register access allocates nothing. */
  readonly #out = new Uint8Array(3);
  readonly #reg = new Uint8Array(this.#out.buffer, 0, 1);
  readonly #word = new Uint8Array(this.#out.buffer, 0, 2);

  constructor(options: SMBusOptions) {
    super(options);
    this.#stop = options.stop === true;
  }

  readUint8(register: number): number {
    this.#select(register);
    this.read(this.#reg);
    return this.#reg[0];
  }

  readUint16(register: number, bigEndian = false): number {
    this.#select(register);
    const w = this.#word;
    this.read(w);
    return bigEndian ? (w[0] << 8) | w[1] : (w[1] << 8) | w[0];
  }

  /** Read `length` bytes from `register` into a new ArrayBuffer, or fill `buffer` and return the byte count (ECMA-419 §10 SMBus readBuffer follows §9 read). */
  readBuffer(register: number, lengthOrBuffer: number | ArrayBufferLike | ArrayBufferView): any {
    this.#select(register);
    return this.read(lengthOrBuffer);
  }

  writeUint8(register: number, value: number): void {
    checkRegister(register);
    const w = this.#word;
    w[0] = register;
    w[1] = value;
    this.write(w);
  }

  writeUint16(register: number, value: number, bigEndian = false): void {
    checkRegister(register);
    const out = this.#out;
    out[0] = register;
    if (bigEndian) {
      out[1] = value >> 8;
      out[2] = value;
    } else {
      out[1] = value;
      out[2] = value >> 8;
    }
    this.write(out);
  }

  writeBuffer(register: number, buffer: ArrayBufferLike | ArrayBufferView): void {
    checkRegister(register);
    const bytes = bytesOf(buffer, 'SMBus');
    const data = new Uint8Array(bytes.length + 1);
    data[0] = register;
    data.set(bytes, 1);
    this.write(data);
  }

  sendByte(command: number): void {
    checkRegister(command);
    this.#reg[0] = command;
    this.write(this.#reg);
  }

  receiveByte(): number {
    this.read(this.#reg);
    return this.#reg[0];
  }

  readQuick(): void {
    this.read(0);
  }

  /** A quick write is a real transaction, not a probe: no acknowledge throws. */
  writeQuick(): void {
    if (this.write(new Uint8Array(0)) === 1) throw new I2cError('nack', this.address, 'write');
  }

  #select(register: number): void {
    checkRegister(register);
    this.#reg[0] = register;
    this.write(this.#reg, this.#stop);
  }
}
