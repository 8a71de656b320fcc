/**
 * The sensor drivers, DigitalOutput and ecma419Source as scenarios that run on
 * Node and in a real XS machine (test/runtime/sensors/xs.test.ts), the engine
 * they run on on a board. The bus is a small register-file SMBus written
 * here, since the simulator is not part of the XS bundle: it answers the way
 * the parts do (pointer register, big/little endian words, auto-increment)
 * and logs every write, so both engines must issue the same bus traffic.
 *
 * Scenario rules (see test/scenarios/scenario.ts): types-only imports; the
 * runtime is `tf`; print only engine-independent text.
 */
import type { Out, ScenarioTable, ThingflowRuntime } from '../../scenarios/scenario';

type Registers = Record<number, number[]>;

/** An SMBus class bound to a table of devices (address → register → bytes), logging writes to `out`. */
function busFor(devices: Record<number, Registers>, out: Out, failing: { address?: number } = {}) {
  return class RegisterSMBus {
    readonly address: number;
    #open = true;
    constructor(options: { address: number; hz: number }) {
      this.address = options.address;
      if (!devices[this.address]) throw new Error(`no device at ${this.address}`);
      out(`open 0x${this.address.toString(16)} at ${options.hz} Hz`);
    }
    #regs(register: number): number[] {
      if (!this.#open) throw new Error('closed');
      if (failing.address === this.address) throw new Error(`NACK 0x${this.address.toString(16)}`);
      return devices[this.address][register] ?? [0, 0];
    }
    readUint8(register: number): number {
      return this.#regs(register)[0];
    }
    readUint16(register: number, bigEndian?: boolean): number {
      const r = this.#regs(register);
      return bigEndian ? (r[0] << 8) | r[1] : (r[1] << 8) | r[0];
    }
    readBuffer(register: number, buffer: Uint8Array): Uint8Array {
      // Auto-increment: consecutive one-byte registers.
      for (let i = 0; i < buffer.length; i++) buffer[i] = this.#regs(register + i)[0];
      return buffer;
    }
    writeUint8(register: number, value: number): void {
      this.#regs(register);
      devices[this.address][register] = [value & 0xff];
      out(`write8 0x${this.address.toString(16)} reg 0x${register.toString(16)} = 0x${(value & 0xff).toString(16)}`);
    }
    writeUint16(register: number, value: number, bigEndian?: boolean): void {
      this.#regs(register);
      const hi = (value >> 8) & 0xff;
      const lo = value & 0xff;
      devices[this.address][register] = bigEndian ? [hi, lo] : [lo, hi];
      out(`write16 0x${this.address.toString(16)} reg 0x${register.toString(16)} = 0x${(value & 0xffff).toString(16)}${bigEndian ? ' BE' : ''}`);
    }
    close(): void {
      if (this.#open) out(`close 0x${this.address.toString(16)}`);
      this.#open = false;
    }
  };
}

function show(x: unknown): string {
  return JSON.stringify(x, (_k, v) => (typeof v === 'number' ? Math.round(v * 10000) / 10000 : v));
}

export const scenarios: ScenarioTable = {
  'TMP102: reset writes, 12- and 13-bit readings, alert, shutdown one-shot, close': (tf: ThingflowRuntime, out: Out) => {
    const devices: Record<number, Registers> = { 0x48: { 0: [0x19, 0x10], 1: [0x60, 0xa0] } }; // 25.0625 °C
    const SMBus = busFor(devices, out);
    const t = new tf.TMP102({ sensor: { io: SMBus, data: 21, clock: 22 } });
    out(`sample ${show(t.sample())}`);
    devices[0x48][0] = [0xe7, 0x00]; // -25 °C in 12-bit form
    out(`sample ${show(t.sample())}`);
    t.configure({ extendedRange: true, conversionRate: 1, highTemperature: 30, lowTemperature: 20, polarity: true });
    devices[0x48][0] = [0x4b, 0x00]; // 150 °C in 13-bit form
    devices[0x48][1][1] |= 0x20; // AL set, POL set: alert active
    out(`sample ${show(t.sample())}`);
    t.configure({ shutdownMode: true });
    out(`sample ${show(t.sample())}`);
    t.close();
    try { t.sample(); } catch (e: any) { out(`after close: ${e.message}`); }
  },

  'MCP9808: ID check, signed ambient register and flags': (tf, out) => {
    const devices: Record<number, Registers> = { 0x18: { 6: [0x00, 0x54], 7: [0x04, 0x00], 5: [0xc1, 0x94] } }; // +25.25 °C, crit+upper flags
    const m = new tf.MCP9808({ sensor: { io: busFor(devices, out), data: 21, clock: 22 } });
    out(`sample ${show(m.sample())}`);
    devices[0x18][5] = [0x1f, 0x80]; // -8 °C
    out(`sample ${show(m.sample())}`);
    m.configure({ resolution: 0.25, upperTemperature: 30.25 });
    try {
      new tf.MCP9808({ sensor: { io: busFor({ 0x18: { 6: [0, 0x55] } }, out), data: 21, clock: 22 } });
    } catch (e: any) { out(`wrong part: ${e.message}`); }
  },

  'TSL2591: lux from the two channels, not-ready and saturation, auto-gain': (tf, out) => {
    const errors: string[] = [];
    const regs: Registers = { 0xb2: [0x50], 0xb3: [0x01], 0xb4: [0x10], 0xb5: [0x27], 0xb6: [0xb8], 0xb7: [0x0b] };
    const l = new tf.TSL2591({ sensor: { io: busFor({ 0x29: regs }, out), data: 21, clock: 22 }, onError: (m: string) => errors.push(m) });
    out(`gain ${l.gain} time ${l.integrationTime}`);
    out(`sample ${show(l.sample())}`); // ch0 10000, ch1 3000 at medium gain
    regs[0xb4] = [0x00]; regs[0xb5] = [0x94]; // ch0 37888: saturated at 100 ms
    out(`saturated ${show(l.sample())} gain now ${l.gain}`);
    regs[0xb3] = [0x00];
    out(`not ready ${show(l.sample())}`);
    regs[0xb3] = [0x01]; regs[0xb4] = [0x10]; regs[0xb5] = [0x00]; regs[0xb6] = [0x05]; regs[0xb7] = [0x00]; // dim: 16, 5
    out(`dim ${show(l.sample())} gain now ${l.gain}`);
    out(`errors ${show(errors)}`);
  },

  'ADXL345: DEVID check, full resolution, m/s²': (tf, out) => {
    const regs: Registers = { 0: [0xe5], 0x32: [0x00], 0x33: [0x00], 0x34: [0x80], 0x35: [0xff], 0x36: [0x00], 0x37: [0x01] };
    const a = new tf.ADXL345({ sensor: { io: busFor({ 0x53: regs }, out), data: 21, clock: 22 } });
    out(`sample ${show(a.sample())}`); // x 0, y -128 (-0.5 g), z 256 (1 g)
    a.configure({ range: 8 });
    a.close();
  },

  'BH1750: instructions over plain I2C, counts to lux in each mode': (tf, out) => {
    let result = [0x4e, 0x20]; // 20000 counts
    class I2C {
      constructor(o: { address: number; hz: number }) { out(`open 0x${o.address.toString(16)} at ${o.hz} Hz`); }
      write(b: Uint8Array) { out(`instruction 0x${b[0].toString(16)}`); }
      read(b: Uint8Array) { b[0] = result[0]; b[1] = result[1]; return b; }
      close() { out('close'); }
    }
    const l = new tf.BH1750({ sensor: { io: I2C, data: 21, clock: 22 } });
    out(`high ${show(l.sample())}`);
    l.configure({ mode: 'high2', measurementTime: 138 });
    out(`high2 at MTreg 138 ${show(l.sample())}`);
    result = [0xff, 0xff];
    l.configure({ mode: 'low', measurementTime: 69 });
    out(`low saturated ${show(l.sample())}`);
    l.close();
  },

  'DigitalOutput drives a Digital from a flow and leaves it off at the end': (tf, out) => {
    class Digital {
      static readonly Output = 8;
      constructor(o: { pin: number; mode: number }) { out(`digital pin ${o.pin} mode ${o.mode}`); }
      write(v: number) { out(`write ${v}`); }
      close() { out('close'); }
    }
    const led = new tf.DigitalOutput({ io: Digital, pin: 2 });
    const src = tf.fromIterable([false, true, true, 0, { sensorId: 'x', ts: 0, val: 3 }]);
    src.connect(led);
    for (let i = 0; i < 6; i++) src.observe(i);
    out(`switchings ${led.switchings}`);
  },

  'ecma419Source on the virtual clock: events, skipped NACKs, then an error that ends only its stream': (tf, out) => {
    const failing: { address?: number } = {};
    const devices: Record<number, Registers> = { 0x48: { 0: [0x0c, 0x80], 1: [0x60, 0xa0] } };
    const t = new tf.TMP102({ sensor: { io: busFor(devices, () => {}, failing), data: 21, clock: 22 } });
    const clock = new tf.VirtualClock();
    const scheduler = new tf.Scheduler(clock);
    const skipping = tf.ecma419Source(t, 'temperature', { id: 'skip', readErrors: 'skip', onReadError: (e: any) => out(`read error ${e.message}`) });
    const strict = tf.ecma419Source(t, 'temperature', { id: 'strict' });
    const sink = (name: string) => ({
      onNext: (e: any) => out(`${name} ${e.sensorId} ${e.ts} ${e.val}`),
      onCompleted: () => out(`${name} completed`),
      onError: (e: any) => out(`${name} error ${e.message}`),
    });
    skipping.connect(sink('a'));
    strict.connect(sink('b'));
    scheduler.schedulePeriodic(skipping, 10);
    scheduler.schedulePeriodic(strict, 10);
    scheduler.run();
    clock.advance(10_000);
    failing.address = 0x48;
    clock.advance(10_000);
    failing.address = undefined;
    clock.advance(10_000);
    out(`pending ${scheduler.pending} skipped ${skipping.skippedReads} wakes ${clock.wakes}`);
  },
};
