import { TSL2591 } from '../../../runtime/sensors/tsl2591';
import { createSimDevice } from '../../../sim/device';
import { Tsl2591Model } from '../../../sim/models/tsl2591';

function setup() {
  const device = createSimDevice();
  const model = new Tsl2591Model(device.board.env);
  model.noise = 0;
  const errors: string[] = [];
  device.board.attach(model);
  const sensor = new TSL2591({ sensor: { ...device.I2C.default, io: device.io.SMBus }, onError: (m) => errors.push(m) });
  return { device, model, sensor, errors, env: device.board.env };
}

describe('TSL2591 driver against the register-level TSL2591 model', () => {
  test('no reading before the first integration completes', () => {
    const { sensor, errors, device } = setup();
    expect(sensor.sample()).toBeUndefined();
    expect(errors).toEqual(['no valid reading yet (integration not complete)']);
    device.board.clock.advance(100);
    expect(sensor.sample()?.illuminance).toBeGreaterThan(0);
  });

  test('illuminance follows the environment from night to noon, auto-gain stepping through the range', () => {
    const { sensor, device, env } = setup();
    const gains = new Set<string>();
    let worst = 0;
    let valid = 0;
    for (let minute = 1; minute < 24 * 60; minute += 5) {
      device.board.clock.advance(5 * 60_000);
      const r = sensor.sample();
      gains.add(sensor.gain);
      if (!r) continue; // a saturated reading after a sudden brightening
      valid++;
      const truth = env.lux(device.board.now());
      // Count quantization dominates at the lowest light.
      const err = Math.abs(r.illuminance - truth) / truth;
      if (truth > 10) worst = Math.max(worst, err);
    }
    expect(valid).toBeGreaterThan(280);
    expect(worst).toBeLessThan(0.03);
    expect(gains).toEqual(new Set(['low', 'medium', 'high', 'max']));
  });

  test('configure sets gain and integration time in the CONFIG register', () => {
    const { sensor, model, device } = setup();
    sensor.configure({ gain: 'high', integrationTime: 300, autoGain: false });
    expect(model.gain).toBe(400);
    expect(model.integrationMs).toBe(300);
    device.board.clock.advance(300);
    expect(sensor.gain).toBe('high');
  });

  test('saturation is reported, not passed on as a number, and lowers the gain', () => {
    const { sensor, errors, device } = setup();
    sensor.configure({ gain: 'max', autoGain: true });
    device.board.clock.advance(12 * 3_600_000); // noon: far too bright for max gain
    expect(sensor.sample()).toBeUndefined();
    expect(errors.at(-1)).toBe('saturated at gain max');
    expect(sensor.gain).toBe('high');
  });

  test('faults: spike shows up as a brighter reading; NACK throws; a wrong part is refused', () => {
    const { sensor, device, env } = setup();
    device.board.clock.advance(12 * 3_600_000);
    sensor.sample();
    device.board.clock.advance(60_000);
    sensor.sample();
    device.board.fault('tsl2591', 'spike@12h,p=1,x=5000');
    device.board.clock.advance(60_000);
    const r = sensor.sample();
    expect(r && r.illuminance - env.lux(device.board.now())).toBeGreaterThan(4500);
    device.board.fault('tsl2591', 'nack@12h');
    expect(() => sensor.sample()).toThrow(/NACK/);
  });
});
