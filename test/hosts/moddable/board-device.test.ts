/**
 * boardDevice: the simulator's device names on a Moddable `device`, from the
 * provider where it has them and from the manifest config where not. Runs
 * against the simulator's own ECMA-419 classes as the provider's `io`.
 */
import { boardDevice } from '../../../hosts/moddable/board-device';
import { createSimDevice } from '../../../sim/device';

describe('boardDevice', () => {
  const sim = createSimDevice({ parts: 'standard' });

  test('a generic esp32/pico provider (io only, empty pin) gets the LED pin and the I2C bus from config', () => {
    const d = boardDevice({ io: sim.io as never, pin: {} }, { led: 2, alert: 4, button: 0, i2c: { data: 21, clock: 22, hz: 100000 } });
    expect(d.pin).toEqual({ led: 2, alert: 4, button: 0 });
    expect(d.I2C.default).toEqual({ data: 21, clock: 22, hz: 100000 });
    expect(d.io).toBe(sim.io);
  });

  test("a board target's own pins and bus win over config", () => {
    const d = boardDevice({ io: sim.io as never, pin: { led: 10, button: 0 }, I2C: { default: { data: 5, clock: 6 } } }, { led: 2, i2c: { data: 21, clock: 22 } });
    expect(d.pin).toEqual({ led: 10, button: 0 });
    expect(d.I2C.default).toEqual({ data: 5, clock: 6 });
  });

  test('the result drives the simulated parts like the simulator device does', () => {
    const d = boardDevice({ io: sim.io as never, pin: {} }, { led: sim.pin.led, i2c: sim.I2C.default });
    const SMBus = d.io.SMBus as new (o: object) => { readUint8(r: number): number; close(): void };
    // TSL2591 ID register (command bit | 0x12) reads 0x50.
    const bus = new SMBus({ ...d.I2C.default, hz: 100000, address: 0x29 });
    expect(bus.readUint8(0xa0 | 0x12)).toBe(0x50);
    bus.close();
  });

  test('no device at all, or no I2C bus anywhere, is a clear error', () => {
    expect(() => boardDevice(undefined, {})).toThrow(/no ECMA-419 device/);
    expect(() => boardDevice({ io: sim.io as never, pin: {} }, { led: 2 })).toThrow(/no default I2C bus/);
  });
});
