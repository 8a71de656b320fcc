import type { Environment } from '../environment';
import type { DeviceContext, I2cDeviceModel } from '../i2c-bus';
import { conversionTime } from './conversion-time';

/** Instruction set (ROHM BH1750FVI datasheet, "Instruction Set Architecture"). */
const Op = Object.freeze({
  POWER_DOWN: 0x00, POWER_ON: 0x01, RESET: 0x07,
  CONTINUOUS_H: 0x10, CONTINUOUS_H2: 0x11, CONTINUOUS_L: 0x13,
  ONE_TIME_H: 0x20, ONE_TIME_H2: 0x21, ONE_TIME_L: 0x23,
});
const MTREG_DEFAULT = 69;

/**
 * ROHM BH1750 ambient light sensor. It has no registers: each written byte is
 * an instruction (power, reset, a measurement mode, or half of a new
 * measurement time MTreg), and a read returns the last result as a big-endian
 * 16-bit count. Illuminance = count / 1.2 × 69 / MTreg lux (half that in
 * H-resolution mode 2). A measurement takes 120 ms × MTreg / 69 (16 ms in
 * L-resolution); one-time modes power down after their measurement. Counts
 * saturate at 65535 (about 54600 lux at the default MTreg).
 */
export class Bh1750Model implements I2cDeviceModel {
  readonly name = 'bh1750';
  readonly defaultAddress = 0x23;
  /** Relative measurement noise (standard deviation). */
  noise = 0.01;
  conversions = 0;
  /** Bytes written that are not instructions. */
  protocolErrors = 0;
  private ctx: DeviceContext | undefined;
  private powered = false;
  private mode = 0;
  private mtreg = MTREG_DEFAULT;
  private pendingMtHigh = -1;
  private data = 0;
  private measuringSince = -1;

  constructor(readonly env?: Environment) {}

  bind(ctx: DeviceContext): void {
    this.ctx = ctx;
  }

  get isPowered(): boolean {
    return this.powered;
  }

  get measurementTime(): number {
    return this.mtreg;
  }

  write(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.instruction(data[i]);
  }

  read(into: Uint8Array): void {
    this.update();
    for (let i = 0; i < into.length; i++) into[i] = i & 1 ? this.data & 0xff : this.data >> 8;
  }

  private now(): number {
    return this.ctx ? this.ctx.now() : 0;
  }

  private instruction(op: number): void {
    if (op === Op.POWER_DOWN) {
      this.powered = false;
      this.measuringSince = -1;
    } else if (op === Op.POWER_ON) {
      this.powered = true;
    } else if (op === Op.RESET) {
      if (this.powered) this.data = 0; // not accepted in power down
    } else if (op === Op.CONTINUOUS_H || op === Op.CONTINUOUS_H2 || op === Op.CONTINUOUS_L
      || op === Op.ONE_TIME_H || op === Op.ONE_TIME_H2 || op === Op.ONE_TIME_L) {
      this.powered = true;
      this.mode = op;
      this.measuringSince = this.now();
    } else if ((op & 0xf8) === 0x40) {
      this.pendingMtHigh = op & 0x07;
    } else if ((op & 0xe0) === 0x60 && this.pendingMtHigh >= 0) {
      const mt = (this.pendingMtHigh << 5) | (op & 0x1f);
      this.pendingMtHigh = -1;
      if (mt >= 31 && mt <= 254) this.mtreg = mt;
      else this.protocolErrors++;
    } else {
      this.protocolErrors++;
    }
  }

  private measurementMs(): number {
    const low = this.mode === Op.CONTINUOUS_L || this.mode === Op.ONE_TIME_L;
    return ((low ? 16 : 120) * this.mtreg) / MTREG_DEFAULT;
  }

  /** Complete a measurement if one has run long enough. */
  private update(): void {
    if (!this.powered || this.measuringSince < 0 || this.now() - this.measuringSince < this.measurementMs()) return;
    const ctx = this.ctx;
    const env = ctx?.env ?? this.env;
    if (!env) throw new Error('Bh1750Model: attach it to a board (board.attach) or give it an Environment');
    const now = this.now();
    let lux = env.lux(conversionTime(now, this.measurementMs())) * (1 + (ctx ? ctx.random.gaussian(this.noise) : 0));
    if (ctx) lux = ctx.faults.reading(now, 0, lux, 30_000);
    const mode2 = this.mode === Op.CONTINUOUS_H2 || this.mode === Op.ONE_TIME_H2;
    let count = Math.floor(lux * 1.2 * (this.mtreg / MTREG_DEFAULT) * (mode2 ? 2 : 1));
    if (this.mode === Op.CONTINUOUS_L || this.mode === Op.ONE_TIME_L) count &= ~3; // 4 lx steps
    this.data = count < 0 ? 0 : count > 0xffff ? 0xffff : count;
    this.conversions++;
    if (this.mode >= Op.ONE_TIME_H) {
      this.powered = false; // one-time modes power down after measuring
      this.measuringSince = -1;
    } else {
      this.measuringSince = now;
    }
  }
}
