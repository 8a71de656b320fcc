import type { Environment } from '../environment';
import type { DeviceContext, I2cDeviceModel } from '../i2c-bus';
import { conversionTime } from './conversion-time';

/** Register addresses (TSL2591 datasheet, register set table). */
const Register = Object.freeze({
  ENABLE: 0x00, CONFIG: 0x01, PID: 0x11, ID: 0x12, STATUS: 0x13,
  C0DATAL: 0x14, C0DATAH: 0x15, C1DATAL: 0x16, C1DATAH: 0x17,
});
const COMMAND = 0x80; // CMD bit of the command byte
const TRANSACTION_MASK = 0x60;
const TRANSACTION_NORMAL = 0x20;
const PON = 0x01;
const AEN = 0x02;
const SRESET = 0x80;
const AVALID = 0x01;
/** Gain of each AGAIN setting (typical values from the datasheet). */
const GAINS = Object.freeze([1, 24.5, 400, 9200]);
/** Device lux coefficient the lux equation divides by (counts per lux at 1x, 1 ms). */
export const TSL2591_LUX_DF = 408;

/**
 * AMS TSL2591 light-to-digital converter at register level. Every transaction
 * starts with a command byte (CMD bit 7, transaction type in bits 6..5, register
 * in bits 4..0); normal transactions auto-increment. Two channels integrate for
 * ATIME (100..600 ms) at gain AGAIN: CH0 full spectrum, CH1 infrared. Counts are
 * made so that the datasheet's lux equation, lux = (C0 - C1)(1 - C1/C0) / CPL
 * with CPL = ATIME_ms * gain / 408, gives the environment's lux back; they
 * saturate at 37888 (100 ms) or 65535. AVALID is set once a full integration
 * has passed since AEN was set.
 */
export class Tsl2591Model implements I2cDeviceModel {
  readonly name = 'tsl2591';
  readonly defaultAddress = 0x29;
  /** Infrared share of CH0 counts in daylight. */
  infraredRatio = 0.3;
  /** Relative measurement noise (standard deviation). */
  noise = 0.01;
  conversions = 0;
  /** Command bytes without the CMD bit, which the part ignores. */
  protocolErrors = 0;
  private ctx: DeviceContext | undefined;
  private pointer = 0;
  private readonly regs = new Uint8Array(32);
  private enabledAt = -1;

  constructor(readonly env?: Environment) {
    this.reset();
  }

  bind(ctx: DeviceContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.regs.fill(0);
    this.regs[Register.PID] = 0x00;
    this.regs[Register.ID] = 0x50;
    this.enabledAt = -1;
  }

  get integrationMs(): number {
    return ((this.regs[Register.CONFIG] & 0x07) + 1) * 100;
  }

  get gain(): number {
    return GAINS[(this.regs[Register.CONFIG] >> 4) & 0x03];
  }

  write(data: Uint8Array): void {
    const command = data[0];
    if ((command & COMMAND) === 0) {
      this.protocolErrors++;
      return;
    }
    if ((command & TRANSACTION_MASK) !== TRANSACTION_NORMAL) return; // special functions: interrupt clears, no state here
    this.pointer = command & 0x1f;
    for (let i = 1; i < data.length; i++) this.writeRegister(this.pointer++ & 0x1f, data[i]);
  }

  read(into: Uint8Array): void {
    if (this.pointer <= Register.C1DATAH && this.pointer + into.length > Register.STATUS) this.integrate();
    for (let i = 0; i < into.length; i++) into[i] = this.regs[this.pointer++ & 0x1f];
  }

  private writeRegister(register: number, value: number): void {
    if (register === Register.ENABLE) {
      const wasOn = (this.regs[Register.ENABLE] & (PON | AEN)) === (PON | AEN);
      this.regs[Register.ENABLE] = value & 0xd3;
      const on = (value & (PON | AEN)) === (PON | AEN);
      if (on && !wasOn) this.enabledAt = this.now();
      if (!on) {
        this.enabledAt = -1;
        this.regs[Register.STATUS] &= ~AVALID;
      }
    } else if (register === Register.CONFIG) {
      if (value & SRESET) {
        this.reset();
        return;
      }
      this.regs[Register.CONFIG] = value & 0x37;
      // A new gain or integration time restarts the integration.
      if (this.enabledAt >= 0) this.enabledAt = this.now();
      this.regs[Register.STATUS] &= ~AVALID;
    } else if (register < Register.PID) {
      this.regs[register] = value; // thresholds and persistence filter: stored, not acted on
    }
  }

  private now(): number {
    return this.ctx ? this.ctx.now() : 0;
  }

  /** Refresh STATUS and the channel registers from the light at the sensor now. */
  private integrate(): void {
    if (this.enabledAt < 0 || this.now() - this.enabledAt < this.integrationMs) return;
    const ctx = this.ctx;
    const env = ctx?.env ?? this.env;
    if (!env) throw new Error('Tsl2591Model: attach it to a board (board.attach) or give it an Environment');
    const now = this.now();
    let lux = env.lux(conversionTime(now, this.integrationMs)) * (1 + (ctx ? ctx.random.gaussian(this.noise) : 0));
    if (ctx) lux = ctx.faults.reading(now, 0, lux, 30_000);
    if (lux < 0) lux = 0;
    const cpl = (this.integrationMs * this.gain) / TSL2591_LUX_DF;
    const r = this.infraredRatio;
    const max = this.integrationMs === 100 ? 37888 : 65535;
    const c0 = Math.min(max, Math.round((lux * cpl) / ((1 - r) * (1 - r))));
    const c1 = Math.min(max, Math.round(c0 * r));
    this.regs[Register.C0DATAL] = c0 & 0xff;
    this.regs[Register.C0DATAH] = c0 >> 8;
    this.regs[Register.C1DATAL] = c1 & 0xff;
    this.regs[Register.C1DATAH] = c1 >> 8;
    this.regs[Register.STATUS] |= AVALID;
    this.conversions++;
  }
}
