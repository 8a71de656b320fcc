import { BH1750 } from '../../../runtime/sensors/bh1750';
import { createSimDevice } from '../../../sim/device';
import { Bh1750Model } from '../../../sim/models/bh1750';

function setup(env: { peakLux?: number; nightLux?: number; cloudiness?: number } = {}, io: 'I2C' | 'SMBus' = 'I2C') {
  const device = createSimDevice({ env });
  const model = new Bh1750Model(device.board.env);
  model.noise = 0;
  device.board.attach(model);
  const errors: string[] = [];
  const sensor = new BH1750({ sensor: { ...device.I2C.default, io: device.io[io] }, onError: (m) => errors.push(m) });
  return { device, model, sensor, errors, env: device.board.env, now: () => device.board.now() };
}

describe('BH1750 driver (plain I2C) against the BH1750 model', () => {
  test('the first measurement takes 120 ms; then illuminance follows the day to 1 lx resolution', () => {
    const { sensor, device, env, now } = setup();
    device.board.clock.advance(120);
    for (let h = 0; h < 24; h++) {
      const lux = sensor.sample()!.illuminance;
      expect(Math.abs(lux - env.lux(now()))).toBeLessThanOrEqual(1 / 1.2 + 1e-9);
      device.board.clock.advance(3_600_000);
    }
  });

  test('a first sample before the first conversion is no reading (the reset data register reads 0, not 0 lx): undefined, and onError says why; every later 0 is darkness', () => {
    const { sensor, device, errors } = setup({}, 'I2C');
    expect(sensor.sample()).toBeUndefined(); // at once: a scheduler's first sampling, at run()
    expect(errors).toEqual(['no reading yet: the first conversion after power-on takes 120 ms']);
    device.board.clock.advance(120);
    expect(sensor.sample()!.illuminance).toBeGreaterThan(0);
    // No light at all: a first 0 cannot be told from no conversion (one sample skipped); every later 0 is 0 lx.
    const dark = setup({ peakLux: 0, nightLux: 0 }, 'I2C');
    dark.device.board.clock.advance(120);
    expect(dark.sensor.sample()).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      dark.device.board.clock.advance(60_000);
      expect(dark.sensor.sample()).toEqual({ illuminance: 0 });
    }
    expect(dark.errors).toHaveLength(1);
  });

  test('works the same through an SMBus instance (SMBus is an I2C)', () => {
    const { sensor, device, env, now } = setup({}, 'SMBus');
    device.board.clock.advance(12 * 3_600_000);
    expect(Math.abs(sensor.sample()!.illuminance - env.lux(now()))).toBeLessThanOrEqual(1);
  });

  test('H-resolution mode 2 halves the step; a longer MTreg is more sensitive; L mode counts in 4s', () => {
    const { sensor, device, env, now, model } = setup();
    sensor.configure({ mode: 'high2', measurementTime: 138 });
    expect(model.measurementTime).toBe(138);
    device.board.clock.advance(7 * 3_600_000); // dawn: a few hundred lux
    const fine = sensor.sample()!.illuminance;
    expect(Math.abs(fine - env.lux(now()))).toBeLessThanOrEqual(0.25 + 1e-9);
    sensor.configure({ mode: 'low', measurementTime: 69 });
    device.board.clock.advance(16);
    const coarse = sensor.sample()!.illuminance;
    expect(((coarse * 1.2) % 4)).toBeCloseTo(0, 6);
    expect(Math.abs(coarse - env.lux(now()))).toBeLessThanOrEqual(4 / 1.2);
  });

  test('bright light saturates the counter at 65535 counts (54612.5 lux)', () => {
    const { sensor, device } = setup({ peakLux: 90_000, cloudiness: 0 });
    device.board.clock.advance(13 * 3_600_000);
    expect(sensor.sample()!.illuminance).toBeCloseTo(65535 / 1.2, 6);
  });

  test('bad settings go to onError and change nothing', () => {
    const { sensor, errors, model } = setup();
    sensor.configure({ measurementTime: 300, mode: 'ultra' as never });
    sensor.configure({ measurementTime: 69.5 });
    sensor.configure({ measurementTime: NaN });
    expect(errors).toEqual(['invalid measurementTime 300', 'invalid mode ultra', 'invalid measurementTime 69.5', 'invalid measurementTime NaN']);
    expect(model.measurementTime).toBe(69);
  });

  test('faults: NACK throws, stuck freezes; close powers the part down', () => {
    const { sensor, device, model } = setup();
    device.board.clock.advance(9 * 3_600_000);
    device.board.fault('bh1750', 'stuck@9h-11h');
    const frozen = sensor.sample()!.illuminance;
    device.board.clock.advance(3_600_000);
    expect(sensor.sample()!.illuminance).toBe(frozen);
    device.board.fault(0x23, 'nack@10h+1m');
    expect(() => sensor.sample()).toThrow(/NACK/);
    device.board.clock.advance(2 * 60_000);
    expect(model.isPowered).toBe(true);
    sensor.close();
    expect(model.isPowered).toBe(false);
    expect(() => sensor.sample()).toThrow(/closed/);
  });
});
