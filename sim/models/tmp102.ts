import type { Environment } from '../environment';
import type { DeviceContext, I2cDeviceModel } from '../i2c-bus';

/** Pointer register values (TMP102 datasheet, 7.5.1 Table 7-3). */
const Pointer = Object.freeze({ TEMPERATURE: 0, CONFIG: 1, T_LOW: 2, T_HIGH: 3 });

// Configuration register bits (7.5.3).
const OS = 0x8000;
const RESOLUTION = 0x6000; // R1 R0, read-only 11 (12 bits)
const POL = 0x0400;
const SD = 0x0100;
const AL = 0x0020;
const EM = 0x0010;
const CONFIG_DEFAULT = 0x60a0;
/** The bits a host can write: not OS-as-status, R1/R0, AL. */
const CONFIG_WRITABLE = 0x1fd0 | OS;

/**
 * TI TMP102 digital temperature sensor at register level: a pointer register
 * chooses one of four 16-bit big-endian registers; reads return it MSB first
 * and repeat. 12-bit (or 13-bit extended-mode) two's complement, 0.0625 °C/LSB,
 * continuous conversion at the configured rate unless shut down, where a write of OS=1 starts one
 * conversion. The alert bit follows the comparator/interrupt comparator rules of 7.4.5.
 */
export class Tmp102Model implements I2cDeviceModel {
  readonly name = 'tmp102';
  readonly defaultAddress = 0x48;
  /** Measurement noise, standard deviation in °C. */
  noise = 0.03;
  private ctx: DeviceContext | undefined;
  private pointer = 0;
  private readonly regs = new Uint16Array(4);
  private alertActive = false;
  private lastConversionAt = -1;
  /** Conversions done so far (a one-shot in shutdown counts as one). */
  conversions = 0;
  /**
   * Board pin the open-drain ALERT output is wired to, if any: pulled low while
   * the alert is active (POL=0), released otherwise. It changes at conversions,
   * which the model makes when the part is read (see conversionPeriodMs).
   */
  alertPin: number | undefined;

  constructor(readonly env?: Environment) {
    this.reset();
  }

  bind(ctx: DeviceContext): void {
    this.ctx = ctx;
  }

  /** Power-on state (7.5.3): config 0x60A0, T_LOW 75 °C, T_HIGH 80 °C. */
  reset(): void {
    this.pointer = 0;
    this.regs[Pointer.CONFIG] = CONFIG_DEFAULT;
    this.regs[Pointer.T_LOW] = 0x4b00;
    this.regs[Pointer.T_HIGH] = 0x5000;
    this.regs[Pointer.TEMPERATURE] = 0;
    this.alertActive = false;
    this.lastConversionAt = -1;
  }

  /** Milliseconds between conversions: CR1..0 select 0.25, 1, 4 or 8 Hz (7.5.3.7). */
  conversionPeriodMs(): number {
    return [4000, 1000, 250, 125][(this.regs[Pointer.CONFIG] >> 6) & 3];
  }

  private now(): number {
    return this.ctx ? this.ctx.now() : 0;
  }

  /** The configuration register as the device holds it. */
  get config(): number {
    return this.regs[Pointer.CONFIG];
  }

  get shutdown(): boolean {
    return (this.regs[Pointer.CONFIG] & SD) !== 0;
  }

  write(data: Uint8Array): void {
    this.pointer = data[0] & 3;
    if (data.length < 2 || this.pointer === Pointer.TEMPERATURE) return; // temperature is read-only
    const old = this.regs[this.pointer];
    // A one-byte write changes only the MSB; the LSB keeps its value.
    const value = data.length >= 3 ? (data[1] << 8) | data[2] : (data[1] << 8) | (old & 0xff);
    if (this.pointer === Pointer.CONFIG) {
      const oneShot = (value & OS) !== 0 && (value & SD) !== 0;
      this.regs[Pointer.CONFIG] = (old & ~CONFIG_WRITABLE & ~OS) | (value & CONFIG_WRITABLE & ~OS) | RESOLUTION;
      if (oneShot) this.convert();
    } else {
      this.regs[this.pointer] = value;
    }
  }

  read(into: Uint8Array): void {
    // Continuous mode converts on its own at the configured rate; a read sees the latest conversion.
    if (!this.shutdown && (this.lastConversionAt < 0 || this.now() - this.lastConversionAt >= this.conversionPeriodMs())) this.convert();
    let value = this.regs[this.pointer];
    if (this.pointer === Pointer.CONFIG) {
      // AL reads as POL when the alert is active, as its inverse otherwise (7.5.3.5).
      const pol = (value & POL) !== 0;
      value = (value & ~AL) | ((this.alertActive === pol) ? AL : 0);
      if (this.shutdown) value |= OS; // OS reads 1 once the one-shot conversion is done
    }
    for (let i = 0; i < into.length; i++) into[i] = i & 1 ? value & 0xff : value >> 8;
  }

  /** Temperature the register holds now, in °C (from the register, not the environment). */
  get registerTemperature(): number {
    return this.decode(this.regs[Pointer.TEMPERATURE]);
  }

  private environment(): Environment {
    const env = this.ctx?.env ?? this.env;
    if (!env) throw new Error('Tmp102Model: attach it to a board (board.attach) or give it an Environment');
    return env;
  }

  private convert(): void {
    const ctx = this.ctx;
    const now = this.now();
    this.lastConversionAt = now;
    let t = this.environment().temperature(now) + (ctx ? ctx.random.gaussian(this.noise) : 0);
    if (ctx) t = ctx.faults.reading(now, 0, t, 40);
    this.regs[Pointer.TEMPERATURE] = this.encode(t);
    this.conversions++;
    this.updateAlert(t);
  }

  private extended(): boolean {
    return (this.regs[Pointer.CONFIG] & EM) !== 0;
  }

  private encode(celsius: number): number {
    const em = this.extended();
    const max = em ? 4095 : 2047;
    const min = em ? -4096 : -2048;
    let counts = Math.round(celsius / 0.0625);
    counts = counts > max ? max : counts < min ? min : counts;
    return (counts << (em ? 3 : 4)) & 0xffff;
  }

  private decode(reg: number): number {
    const signed = reg & 0x8000 ? reg - 0x10000 : reg;
    return (signed >> (this.extended() ? 3 : 4)) * 0.0625;
  }

  private updateAlert(t: number): void {
    const high = this.decode(this.regs[Pointer.T_HIGH]);
    const low = this.decode(this.regs[Pointer.T_LOW]);
    if (t >= high) this.alertActive = true;
    else if (t < low) this.alertActive = false;
    if (this.alertPin !== undefined && this.ctx) {
      // ALERT is asserted at the POL level; open drain can only pull low, so "high" means released.
      const pol = (this.regs[Pointer.CONFIG] & POL) !== 0;
      this.ctx.drivePin(this.alertPin, this.alertActive === pol ? undefined : 0);
    }
  }
}
