import type { Environment } from '../environment';
import type { DeviceContext, I2cDeviceModel } from '../i2c-bus';

/** Register map (ADXL345 datasheet, Table 19). */
const Register = Object.freeze({
  DEVID: 0x00, BW_RATE: 0x2c, POWER_CTL: 0x2d, INT_SOURCE: 0x30, DATA_FORMAT: 0x31,
  DATAX0: 0x32, DATAZ1: 0x37,
});
const MEASURE = 0x08; // POWER_CTL bit 3
const FULL_RES = 0x08; // DATA_FORMAT bit 3
const DATA_READY = 0x80; // INT_SOURCE bit 7

/**
 * Analog Devices ADXL345 accelerometer at register level: 64 8-bit registers,
 * auto-increment on multi-byte reads and writes, DEVID 0xE5. In measurement
 * mode the six data registers hold x, y, z as little-endian two's complement:
 * 256 LSB/g at ±2 g in 10-bit mode (halving per range step), or 256 LSB/g at
 * every range with FULL_RES (data sheet, DATA_FORMAT). In standby they read 0.
 */
export class Adxl345Model implements I2cDeviceModel {
  readonly name = 'adxl345';
  readonly defaultAddress = 0x53;
  /** Noise per axis, standard deviation in g. */
  noise = 0.004;
  conversions = 0;
  private ctx: DeviceContext | undefined;
  private pointer = 0;
  private readonly regs = new Uint8Array(64);

  constructor(readonly env?: Environment) {
    this.regs[Register.DEVID] = 0xe5;
    this.regs[Register.BW_RATE] = 0x0a;
    this.regs[Register.INT_SOURCE] = 0x02;
  }

  bind(ctx: DeviceContext): void {
    this.ctx = ctx;
  }

  write(data: Uint8Array): void {
    this.pointer = data[0] & 0x3f;
    for (let i = 1; i < data.length; i++) {
      const r = this.pointer++ & 0x3f;
      if (r === Register.DEVID || r === Register.INT_SOURCE || (r >= Register.DATAX0 && r <= Register.DATAZ1)) continue;
      this.regs[r] = data[i];
    }
  }

  read(into: Uint8Array): void {
    if (this.pointer <= Register.DATAZ1 && this.pointer + into.length > Register.DATAX0) this.measure();
    for (let i = 0; i < into.length; i++) {
      const r = this.pointer++ & 0x3f;
      into[i] = this.regs[r];
      if (r === Register.DATAZ1) this.regs[Register.INT_SOURCE] &= ~DATA_READY; // reading the data clears DATA_READY
    }
  }

  private measure(): void {
    if ((this.regs[Register.POWER_CTL] & MEASURE) === 0) {
      this.regs.fill(0, Register.DATAX0, Register.DATAZ1 + 1);
      return;
    }
    const ctx = this.ctx;
    const env = ctx?.env ?? this.env;
    if (!env) throw new Error('Adxl345Model: attach it to a board (board.attach) or give it an Environment');
    const now = ctx ? ctx.now() : 0;
    const format = this.regs[Register.DATA_FORMAT];
    const range = format & 0x03;
    const fullRes = (format & FULL_RES) !== 0;
    const lsbPerG = fullRes ? 256 : 256 >> range;
    const bits = fullRes ? 10 + range : 10;
    const max = (1 << (bits - 1)) - 1;
    for (let axis = 0; axis < 3; axis++) {
      let g = env.acceleration(axis) + (ctx ? ctx.random.gaussian(this.noise) : 0);
      if (ctx) g = ctx.faults.reading(now, axis, g, 4);
      let counts = Math.round(g * lsbPerG);
      counts = counts > max ? max : counts < -max - 1 ? -max - 1 : counts;
      const raw = counts & 0xffff;
      this.regs[Register.DATAX0 + axis * 2] = raw & 0xff;
      this.regs[Register.DATAX0 + axis * 2 + 1] = raw >> 8;
    }
    this.regs[Register.INT_SOURCE] |= DATA_READY;
    this.conversions++;
  }
}
