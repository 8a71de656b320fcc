import { createSimDevice } from '../../../sim/device';
import { I2cError } from '../../../sim/i2c-bus';
import { Adxl345Model } from '../../../sim/models/adxl345';
import { Tmp102Model } from '../../../sim/models/tmp102';

function setup(extra: Record<string, unknown> = {}) {
  const device = createSimDevice();
  const tmp = new Tmp102Model(device.board.env);
  device.board.attach(tmp);
  device.board.attach(new Adxl345Model(device.board.env));
  const tmpBus = new device.io.SMBus({ ...device.I2C.default, hz: 400_000, address: 0x48, ...extra });
  const accel = new device.io.SMBus({ ...device.I2C.default, hz: 400_000, address: 0x53, ...extra });
  return { device, tmp, tmpBus, accel };
}

describe('SMBus (ECMA-419 embedded:io/smbus)', () => {
  test('readUint8 / writeUint8 go through the register pointer', () => {
    const { accel } = setup();
    expect(accel.readUint8(0x00)).toBe(0xe5);
    expect(accel.readUint8(0x2c)).toBe(0x0a);
    accel.writeUint8(0x2c, 0x0d);
    expect(accel.readUint8(0x2c)).toBe(0x0d);
    accel.writeUint8(0x2c, 0x10e); // values are bytes: the high bits fall off
    expect(accel.readUint8(0x2c)).toBe(0x0e);
  });

  test('16-bit access is little-endian unless bigEndian is true', () => {
    const { tmpBus, tmp } = setup();
    expect(tmpBus.readUint16(0x03, true)).toBe(0x5000);
    expect(tmpBus.readUint16(0x03)).toBe(0x0050);
    tmpBus.writeUint16(0x03, 0x4600, true);
    expect(tmpBus.readUint16(0x03, true)).toBe(0x4600);
    tmpBus.writeUint16(0x02, 0x0045); // little-endian: 0x45 then 0x00 on the wire
    expect(tmpBus.readUint16(0x02, true)).toBe(0x4500);
    expect(tmp.config).toBe(0x60a0);
  });

  // ECMA-419 §10 SMBus readBuffer follows the §9 read behaviour: a Byte Buffer argument yields the byte count.
  test('ECMA-419 §10 readBuffer: with a length returns an ArrayBuffer; with a buffer fills it and returns the count; writeBuffer writes consecutive registers', () => {
    const { accel } = setup();
    accel.writeBuffer(0x1e, Uint8Array.of(1, 2, 3)); // OFSX, OFSY, OFSZ
    expect([...new Uint8Array(accel.readBuffer(0x1e, 3))]).toEqual([1, 2, 3]);
    const into = new Uint8Array(2);
    expect(accel.readBuffer(0x1f, into)).toBe(2);
    expect([...into]).toEqual([2, 3]);
  });

  test('sendByte / receiveByte and quick commands', () => {
    const { accel, device } = setup();
    accel.sendByte(0x00);
    expect(accel.receiveByte()).toBe(0xe5);
    expect(() => accel.writeQuick()).not.toThrow();
    const nobody = new device.io.SMBus({ ...device.I2C.default, hz: 100_000, address: 0x10 });
    expect(() => nobody.writeQuick()).toThrow(I2cError);
    expect(() => nobody.readQuick()).toThrow(I2cError);
  });

  test('the register write ends with a repeated start by default, a stop with { stop: true }', () => {
    const a = setup();
    const before = a.device.board.i2c.stats.repeatedStarts;
    a.accel.readUint8(0x00);
    expect(a.device.board.i2c.stats.repeatedStarts).toBe(before + 1);
    const b = setup({ stop: true });
    const before2 = b.device.board.i2c.stats.repeatedStarts;
    b.accel.readUint8(0x00);
    expect(b.device.board.i2c.stats.repeatedStarts).toBe(before2);
  });

  test('bad registers are RangeErrors; a closed SMBus throws; NACK propagates as I2cError', () => {
    const { accel, device } = setup();
    expect(() => accel.readUint8(256)).toThrow(RangeError);
    expect(() => accel.writeUint16(-1, 0)).toThrow(RangeError);
    accel.close();
    expect(() => accel.readUint8(0)).toThrow(/SMBus is closed/);
    expect(() => accel.writeBuffer(0, Uint8Array.of(1))).toThrow(/closed/);
    const nobody = new device.io.SMBus({ ...device.I2C.default, hz: 100_000, address: 0x11 });
    expect(() => nobody.readUint16(0)).toThrow(/NACK/);
  });
});
