import { Scheduler } from '../../runtime/scheduler/scheduler';
import { createSimDevice } from '../../sim/device';
import Timer from '../../sim/moddable-timer';
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

  test('a Timer.delay inside a scheduled wake moves time on, never back, while the clock is being advanced', () => {
    const device = createSimDevice();
    const clock = device.board.clock;
    const scheduler = new Scheduler(clock);
    const times: number[] = [];
    // A driver that blocks 35 ms per sample, as Moddable's TMP102 does in shutdown mode.
    const slow = { sensorId: 'slow', sample: () => { Timer.delay(35); return device.board.now(); } };
    scheduler.scheduleSensor(slow, 60, (e: { val: number }) => times.push(e.val));
    scheduler.run();
    expect(device.board.now()).toBe(35);
    clock.advance(59_965); // up to exactly 60 s: the wake there is this advance's last moment
    expect(device.board.now()).toBe(60_035);
    clock.advance(59_965);
    expect(device.board.now()).toBe(120_035);
    expect(times).toEqual([35, 60_035, 120_035]);
    expect(device.board.delayedMs).toBe(105);
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

  test('with the ALERT line wired, its onAlert fires when the temperature crosses T_HIGH', () => {
    const device = createSimDevice({ env: { meanTemperature: 20, temperatureSwing: 0, cloudiness: 0 } });
    const model = new Tmp102Model(device.board.env);
    model.alertPin = device.pin.alert;
    device.board.attach(model);
    let alerts = 0;
    const sensor = new TMP102({
      sensor: { ...device.I2C.default, io: device.io.SMBus },
      alert: { io: device.io.Digital, pin: device.pin.alert },
      onAlert: () => alerts++,
    });
    expect(sensor.sample().temperature).toBeLessThan(22);
    expect(alerts).toBe(0);
    expect(device.board.pins.level(device.pin.alert)).toBe(1); // released: the pull-up holds it high
    sensor.configure({ highTemperature: 18, lowTemperature: 16 });
    device.board.clock.advance(250);
    sensor.sample(); // the next conversion sees 20 °C ≥ 18 °C
    expect(alerts).toBe(1);
    expect(device.board.pins.level(device.pin.alert)).toBe(0);
    sensor.configure({ highTemperature: 30, lowTemperature: 25 });
    device.board.clock.advance(250);
    sensor.sample();
    expect(device.board.pins.level(device.pin.alert)).toBe(1);
    expect(alerts).toBe(1); // a falling edge only
  });

  test('a missing part surfaces as the bus error on the board would: a NACK from the constructor', () => {
    const device = createSimDevice();
    expect(() => new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } })).toThrow(/NACK/);
  });
});
