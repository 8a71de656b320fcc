import { createSimDevice } from '../../sim/device';
import { Tmp102Model } from '../../sim/models/tmp102';
import TMP102 from './fixtures/moddable-style-tmp102';

describe('a Moddable-style TMP102 driver runs unchanged against the simulated device', () => {
  test('the documented construction line works and reads the temperature', () => {
    const device = createSimDevice();
    const model = new Tmp102Model(device.board.env);
    model.noise = 0;
    device.board.attach(model, { address: 0x48 });
    const sensor = new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } });
    device.board.clock.advance(9 * 3_600_000);
    const { temperature } = sensor.sample();
    expect(Math.abs(temperature - device.board.env.temperature(device.board.now()))).toBeLessThanOrEqual(0.0625 / 2 + 1e-9);
    sensor.configure({ extendedRange: true });
    device.board.clock.advance(250);
    expect(Math.abs(sensor.sample().temperature - device.board.env.temperature(device.board.now()))).toBeLessThanOrEqual(0.0625 / 2 + 1e-9);
    sensor.close();
    expect(model.shutdown).toBe(true);
  });

  test('shutdown mode: its Timer.delay(35) moves simulated time on, and its one-byte config poke is honoured', () => {
    const device = createSimDevice();
    const model = new Tmp102Model(device.board.env);
    device.board.attach(model);
    const sensor = new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } });
    sensor.configure({ shutdownMode: true });
    expect(model.shutdown).toBe(true);
    const t0 = device.board.now();
    const { temperature } = sensor.sample();
    expect(device.board.now() - t0).toBe(35);
    expect(device.board.delayedMs).toBe(35);
    // Writing only the MSB (0x00) clears SD: the part is converting continuously again, as on real hardware.
    expect(model.shutdown).toBe(false);
    expect(Math.abs(temperature - device.board.env.temperature(device.board.now()))).toBeLessThan(0.2);
  });

  test('its alert monitor (InputPullUp, falling edge, spread options) gets edges from the alert pin', () => {
    const device = createSimDevice();
    device.board.attach(new Tmp102Model(device.board.env));
    let alerts = 0;
    const sensor = new TMP102({
      sensor: { ...device.I2C.default, io: device.io.SMBus },
      alert: { io: device.io.Digital, pin: device.pin.alert },
      onAlert: () => alerts++,
    });
    device.board.pins.drive(device.pin.alert, 0);
    device.board.pins.drive(device.pin.alert, 1);
    device.board.pins.drive(device.pin.alert, 0);
    expect(alerts).toBe(2);
    sensor.close();
    expect(device.board.pins.isFree(device.pin.alert)).toBe(true);
  });

  test('a missing part surfaces as the bus error on the board would: a NACK from the constructor', () => {
    const device = createSimDevice();
    expect(() => new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } })).toThrow(/NACK/);
  });
});
