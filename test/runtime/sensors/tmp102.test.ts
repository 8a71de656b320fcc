import { TMP102 } from '../../../runtime/sensors/tmp102';
import { createSimDevice } from '../../../sim/device';
import { I2cError } from '../../../sim/i2c-bus';
import { Tmp102Model } from '../../../sim/models/tmp102';

function setup(env: { meanTemperature?: number; temperatureSwing?: number } = {}) {
  const device = createSimDevice({ env });
  const model = new Tmp102Model(device.board.env);
  model.noise = 0;
  const faults = device.board.attach(model);
  const sensor = new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } });
  return { device, model, faults, sensor, env: device.board.env, now: () => device.board.now() };
}

describe('TMP102 driver against the register-level TMP102 model', () => {
  test('reads the environment\'s temperature to the part\'s 0.0625 °C resolution through the day', () => {
    const { device, sensor, env, now } = setup();
    for (let h = 0; h < 24; h += 3) {
      const { temperature } = sensor.sample();
      expect(Math.abs(temperature - env.temperature(now()))).toBeLessThanOrEqual(0.0625 / 2 + 1e-9);
      expect(temperature / 0.0625).toBe(Math.round(temperature / 0.0625));
      device.board.clock.advance(3 * 3_600_000);
    }
  });

  test('negative temperatures come back signed; extended range reaches past 128 °C', () => {
    const cold = setup({ meanTemperature: -25, temperatureSwing: 0 });
    expect(cold.sensor.sample().temperature).toBeCloseTo(cold.env.temperature(0), 1);
    expect(cold.sensor.sample().temperature).toBeLessThan(-20);
    const hot = setup({ meanTemperature: 140, temperatureSwing: 0 });
    expect(hot.sensor.sample().temperature).toBeCloseTo(127.9375, 4); // 12-bit mode clips
    hot.sensor.configure({ extendedRange: true });
    expect(hot.model.config & 0x0010).toBe(0x0010);
    hot.device.board.clock.advance(250); // the next conversion uses the 13-bit format
    expect(hot.sensor.sample().temperature).toBeCloseTo(hot.env.temperature(0), 1);
  });

  test('configure writes the documented configuration bits', () => {
    const { sensor, model } = setup();
    sensor.configure({ conversionRate: 8, polarity: true, faultQueue: 4, thermostatMode: 'interrupt' });
    expect(model.config & 0x00c0).toBe(0x00c0);
    expect(model.config & 0x0400).toBe(0x0400);
    expect(model.config & 0x1800).toBe(0x1000);
    expect(model.config & 0x0200).toBe(0x0200);
    expect(model.config & 0x6000).toBe(0x6000); // resolution bits are read-only 11
    const errors: string[] = [];
    const d2 = createSimDevice();
    d2.board.attach(new Tmp102Model(d2.board.env));
    const s2 = new TMP102({ sensor: { ...d2.I2C.default, io: d2.io.SMBus }, onError: (m) => errors.push(m) });
    s2.configure({ conversionRate: 3 });
    expect(errors).toEqual(['invalid conversionRate 3']);
  });

  test('the alert follows the high/low limits (comparator mode) from the next conversion on', () => {
    const { sensor, env, device } = setup({ meanTemperature: 20, temperatureSwing: 0 });
    expect(sensor.sample().alert).toBe(false);
    sensor.configure({ highTemperature: env.temperature(0) - 2, lowTemperature: env.temperature(0) - 4 });
    device.board.clock.advance(250); // one conversion at the default 4 Hz
    expect(sensor.sample().alert).toBe(true);
    sensor.configure({ highTemperature: 60, lowTemperature: 50 });
    device.board.clock.advance(250);
    expect(sensor.sample().alert).toBe(false);
  });

  test('shutdown mode: each sample starts a one-shot conversion; conversions stop in between', () => {
    const { sensor, model, device } = setup();
    sensor.configure({ shutdownMode: true });
    expect(model.shutdown).toBe(true);
    const before = model.conversions;
    device.board.clock.advance(3_600_000);
    expect(model.conversions).toBe(before);
    sensor.sample();
    expect(model.conversions).toBe(before + 1);
  });

  test('fault: NACK makes sample throw an I2cError, and reading recovers when the fault ends', () => {
    const { sensor, device } = setup();
    device.board.fault('tmp102', 'nack@1h-2h');
    device.board.clock.advance(90 * 60_000);
    expect(() => sensor.sample()).toThrow(I2cError);
    device.board.clock.advance(60 * 60_000);
    expect(Number.isFinite(sensor.sample().temperature)).toBe(true);
  });

  test('fault: dropout fails single transactions at the given chance', () => {
    const { sensor, device, faults } = setup();
    device.board.fault(0x48, 'dropout,p=0.5');
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      try { sensor.sample(); } catch (e) { expect((e as I2cError).code).toBe('dropout'); failures++; }
    }
    // Each sample is four transactions (two register reads): P(fail) = 1 - 0.5^4 = 0.9375, about 187 of 200.
    expect(failures).toBeGreaterThan(170);
    expect(failures).toBeLessThan(200);
    expect(faults.counts.dropout).toBe(failures);
  });

  test('fault: stuck freezes the reading while the temperature moves, then lets go', () => {
    const { sensor, device, env, now } = setup();
    device.board.fault('tmp102', 'stuck@6h-12h');
    device.board.clock.advance(6 * 3_600_000);
    const frozen = sensor.sample().temperature;
    device.board.clock.advance(5 * 3_600_000);
    expect(Math.abs(env.temperature(now()) - frozen)).toBeGreaterThan(2);
    expect(sensor.sample().temperature).toBe(frozen);
    device.board.clock.advance(2 * 3_600_000);
    expect(Math.abs(sensor.sample().temperature - env.temperature(now()))).toBeLessThan(0.05);
  });

  test('fault: spikes add their magnitude to some readings', () => {
    const { sensor, device, env, now, faults } = setup();
    device.board.fault('tmp102', 'spike,p=0.2,x=30');
    let spikes = 0;
    for (let i = 0; i < 100; i++) {
      const t = sensor.sample().temperature;
      const err = t - env.temperature(now());
      if (err > 29) spikes++;
      else expect(Math.abs(err)).toBeLessThan(0.05);
      device.board.clock.advance(60_000);
    }
    expect(spikes).toBe(faults.counts.spike);
    expect(spikes).toBeGreaterThan(5);
    expect(spikes).toBeLessThan(40);
  });

  test('fault: a hung bus times out every transaction, for every device, until it clears', () => {
    const { sensor, device } = setup();
    device.board.fault('bus', 'hang@10m+5m');
    device.board.clock.advance(11 * 60_000);
    expect(() => sensor.sample()).toThrow(/bus timeout/);
    const probe = new device.io.I2C({ ...device.I2C.default, hz: 100_000, address: 0x49 }); // even an empty address: the bus is stuck
    expect(() => probe.read(1)).toThrow(expect.objectContaining({ code: 'timeout' }));
    device.board.clock.advance(5 * 60_000);
    expect(Number.isFinite(sensor.sample().temperature)).toBe(true);
    expect(device.board.i2c.faults.counts.hang).toBe(2);
  });

  test('close shuts the part down and closes the bus; a closed driver throws', () => {
    const { sensor, model } = setup();
    sensor.close();
    sensor.close();
    expect(model.shutdown).toBe(true);
    expect(() => sensor.sample()).toThrow(/closed/);
  });

  test('constructing against an absent part fails with a NACK and leaves no open bus instance', () => {
    const device = createSimDevice();
    expect(() => new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } })).toThrow(/NACK/);
    device.board.attach(new Tmp102Model(device.board.env));
    expect(() => new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } })).not.toThrow();
  });
});
