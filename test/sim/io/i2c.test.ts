import { createSimDevice } from '../../../sim/device';
import { I2cError } from '../../../sim/i2c-bus';
import { Adxl345Model } from '../../../sim/models/adxl345';
import { Tmp102Model } from '../../../sim/models/tmp102';

function setup() {
  const device = createSimDevice();
  device.board.attach(new Tmp102Model(device.board.env));
  device.board.attach(new Adxl345Model(device.board.env));
  const options = { ...device.I2C.default, hz: 400_000 };
  return { device, options };
}

describe('I2C (ECMA-419 embedded:io/i2c) on the simulated bus', () => {
  test('write selects a register, read(length) returns a new ArrayBuffer of register bytes', () => {
    const { device, options } = setup();
    const i2c = new device.io.I2C({ ...options, address: 0x48 });
    i2c.write(Uint8Array.of(0x03)); // TMP102 T_HIGH
    const bytes = i2c.read(2);
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(bytes)]).toEqual([0x50, 0x00]); // 80 °C power-on value
  });

  // ECMA-419 §9 IO Class Pattern `read` (and Annex A): with a Byte Buffer, the result is the number of bytes read.
  test('ECMA-419 §9 read: read(buffer) fills the caller\'s buffer (typed array, DataView or ArrayBuffer) and returns the byte count', () => {
    const { device, options } = setup();
    const i2c = new device.io.I2C({ ...options, address: 0x53 });
    i2c.write(Uint8Array.of(0x00)); // ADXL345 DEVID
    const buf = new Uint8Array(1);
    expect(i2c.read(buf)).toBe(1);
    expect(buf[0]).toBe(0xe5);
    i2c.write(Uint8Array.of(0x00));
    const ab = new ArrayBuffer(1);
    i2c.read(ab);
    expect(new Uint8Array(ab)[0]).toBe(0xe5);
    i2c.write(Uint8Array.of(0x00));
    const view = new DataView(new ArrayBuffer(3), 1, 1);
    expect(i2c.read(view)).toBe(1);
    i2c.write(Uint8Array.of(0x00));
    expect(i2c.read(new Uint8Array(4))).toBe(4);
    expect(view.getUint8(0)).toBe(0xe5);
  });

  test('ECMA-419 Annex A writeRead: with a buffer it returns that buffer, filled', () => {
    const { device, options } = setup();
    const i2c = new device.io.I2C({ ...options, address: 0x53 });
    const into = new Uint8Array(1);
    expect(i2c.writeRead(Uint8Array.of(0x00), into)).toBe(into);
    expect(into[0]).toBe(0xe5);
  });

  test('writeRead is a write and a read with a repeated start between them', () => {
    const { device, options } = setup();
    const i2c = new device.io.I2C({ ...options, address: 0x48 });
    const before = device.board.i2c.stats.repeatedStarts;
    const result = i2c.writeRead(Uint8Array.of(0x02), 2); // T_LOW
    expect([...new Uint8Array(result)]).toEqual([0x4b, 0x00]);
    expect(device.board.i2c.stats.repeatedStarts).toBe(before + 1);
    i2c.write(Uint8Array.of(0x02), false);
    expect(device.board.i2c.stats.repeatedStarts).toBe(before + 2);
  });

  test('an address with no device NACKs: read and write throw, a zero-length write probes and returns 1', () => {
    const { device, options } = setup();
    const nobody = new device.io.I2C({ ...options, address: 0x77 });
    expect(() => nobody.read(1)).toThrow(I2cError);
    try {
      nobody.write(Uint8Array.of(1));
      throw new Error('write did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(I2cError);
      expect((e as I2cError).code).toBe('nack');
      expect((e as Error).message).toMatch(/0x77.*NACK/);
    }
    expect(nobody.write(new Uint8Array(0))).toBe(1);
    const present = new device.io.I2C({ ...options, address: 0x48 });
    expect(present.write(new Uint8Array(0))).toBeUndefined();
  });

  test('required options, ranges and duplicate addresses are checked', () => {
    const { device, options } = setup();
    const { I2C } = device.io;
    expect(() => new I2C({ ...options, address: undefined } as never)).toThrow(/address required/);
    expect(() => new I2C({ ...options, hz: undefined, address: 0x48 } as never)).toThrow(/hz required/);
    expect(() => new I2C({ ...options, data: undefined, address: 0x48 } as never)).toThrow(/data required/);
    expect(() => new I2C({ ...options, address: 128 })).toThrow(/invalid address/);
    expect(() => new I2C({ ...options, address: 0x48, hz: 0 })).toThrow(/invalid hz/);
    // ECMA-419 Annex A, I2C constructor options: hz is a positive integer
    expect(() => new I2C({ ...options, address: 0x48, hz: 100_000.5 })).toThrow(/invalid hz/);
    expect(() => new I2C({ ...options, address: 0x48, data: 1, clock: 3 })).toThrow(/no I2C bus/);
    const first = new I2C({ ...options, address: 0x48 });
    expect(() => new I2C({ ...options, address: 0x48 })).toThrow(/duplicate address/);
    first.close();
    expect(() => new I2C({ ...options, address: 0x48 })).not.toThrow();
  });

  test('a closed instance throws on every call and closing twice is harmless', () => {
    const { device, options } = setup();
    const i2c = new device.io.I2C({ ...options, address: 0x48 });
    expect(i2c.format).toBe('buffer');
    expect(() => { i2c.format = 'number' as never; }).toThrow(RangeError);
    i2c.close();
    i2c.close();
    expect(() => i2c.read(2)).toThrow(/closed/);
    expect(() => i2c.write(Uint8Array.of(0))).toThrow(/closed/);
    expect(() => i2c.writeRead(Uint8Array.of(0), 1)).toThrow(/closed/);
    expect(() => i2c.format).toThrow(/closed/);
  });

  test('a bad buffer is a TypeError, not a crash of the bus', () => {
    const { device, options } = setup();
    const i2c = new device.io.I2C({ ...options, address: 0x48 });
    expect(() => i2c.write('abc' as never)).toThrow(TypeError);
    expect(() => i2c.read(-1)).toThrow(RangeError);
    i2c.write(Uint8Array.of(0x03));
    expect([...new Uint8Array(i2c.read(2))]).toEqual([0x50, 0x00]);
  });
});
