import type { Environment } from '../environment';
import type { DeviceContext, I2cDeviceModel } from '../i2c-bus';
import { conversionTime } from './conversion-time';

/** Register pointers (MCP9808 datasheet, 5.1, Table 5-1). */
const Register = Object.freeze({
  CONFIG: 0x01, T_UPPER: 0x02, T_LOWER: 0x03, T_CRIT: 0x04, T_AMBIENT: 0x05,
  MANUFACTURER_ID: 0x06, DEVICE_ID: 0x07, RESOLUTION: 0x08,
});
const SHDN = 0x0100; // CONFIG bit 8 (5.1.1)
/** Conversion time per RESOLUTION setting, ms (tCONV, datasheet table 1-1: 0.5 °C 30 ms ... 0.0625 °C 250 ms). */
const CONVERSION_MS = [30, 65, 130, 250];

/**
 * Microchip MCP9808 at register level: a pointer byte, then 16-bit big-endian
 * registers (RESOLUTION is 8-bit). T_A carries three alarm flags (bits 15..13),
 * a sign (bit 12) and twelve bits of 1/16 °C, quantized to the resolution
 * register's step (5.1.3, 5.1.4). IDs: manufacturer 0x0054, device 0x04 rev 0.
 */
export class Mcp9808Model implements I2cDeviceModel {
  readonly name = 'mcp9808';
  readonly defaultAddress = 0x18;
  noise = 0.03;
  conversions = 0;
  private ctx: DeviceContext | undefined;
  private pointer = 0;
  private readonly regs = new Uint16Array(16);

  constructor(readonly env?: Environment) {
    this.regs[Register.MANUFACTURER_ID] = 0x0054;
    this.regs[Register.DEVICE_ID] = 0x0400;
    this.regs[Register.RESOLUTION] = 0x03;
  }

  bind(ctx: DeviceContext): void {
    this.ctx = ctx;
  }

  write(data: Uint8Array): void {
    this.pointer = data[0] & 0x0f;
    if (data.length < 2) return;
    switch (this.pointer) {
      case Register.RESOLUTION:
        this.regs[Register.RESOLUTION] = data[1] & 0x03;
        break;
      case Register.CONFIG:
      case Register.T_UPPER:
      case Register.T_LOWER:
      case Register.T_CRIT:
        if (data.length >= 3) {
          const v = (data[1] << 8) | data[2];
          // Limit registers keep bits 12..2 (0.25 °C steps, sign in bit 12).
          this.regs[this.pointer] = this.pointer === Register.CONFIG ? v & 0x07ff : v & 0x1ffc;
        }
        break;
      default: // read-only registers ignore writes
    }
  }

  read(into: Uint8Array): void {
    if (this.pointer === Register.T_AMBIENT && (this.regs[Register.CONFIG] & SHDN) === 0) this.convert();
    const value = this.regs[this.pointer];
    if (this.pointer === Register.RESOLUTION) {
      for (let i = 0; i < into.length; i++) into[i] = value;
      return;
    }
    for (let i = 0; i < into.length; i++) into[i] = i & 1 ? value & 0xff : value >> 8;
  }

  private convert(): void {
    const ctx = this.ctx;
    const env = ctx?.env ?? this.env;
    if (!env) throw new Error('Mcp9808Model: attach it to a board (board.attach) or give it an Environment');
    const now = ctx ? ctx.now() : 0;
    let t = env.temperature(conversionTime(now, CONVERSION_MS[this.regs[Register.RESOLUTION] & 3])) + (ctx ? ctx.random.gaussian(this.noise) : 0);
    if (ctx) t = ctx.faults.reading(now, 0, t, 40);
    this.conversions++;
    const step = 0.5 / (1 << this.regs[Register.RESOLUTION]); // 0.5, 0.25, 0.125, 0.0625 °C
    let sixteenths = Math.round(Math.round(t / step) * step * 16);
    sixteenths = Math.max(-40 * 16, Math.min(125 * 16, sixteenths));
    let reg = sixteenths & 0x1fff; // 13-bit two's complement: sign in bit 12
    if (sixteenths >= this.limit(Register.T_CRIT)) reg |= 0x8000;
    if (sixteenths > this.limit(Register.T_UPPER)) reg |= 0x4000;
    if (sixteenths < this.limit(Register.T_LOWER)) reg |= 0x2000;
    this.regs[Register.T_AMBIENT] = reg;
  }

  /** A limit register in sixteenths of a degree. */
  private limit(register: number): number {
    const v = this.regs[register] & 0x1fff;
    return v & 0x1000 ? v - 0x2000 : v;
  }
}
