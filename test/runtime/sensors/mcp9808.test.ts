import { MCP9808 } from '../../../runtime/sensors/mcp9808';
import { createSimDevice } from '../../../sim/device';
import { Mcp9808Model } from '../../../sim/models/mcp9808';
import { Tmp102Model } from '../../../sim/models/tmp102';

function setup(env: { meanTemperature?: number; temperatureSwing?: number } = {}) {
  const device = createSimDevice({ env });
  const model = new Mcp9808Model(device.board.env);
  model.noise = 0;
  device.board.attach(model);
  const sensor = new MCP9808({ sensor: { ...device.I2C.default, io: device.io.SMBus } });
  return { device, model, sensor, env: device.board.env };
}

describe('MCP9808 driver against the register-level MCP9808 model', () => {
  test('reads temperature in 1/16 °C steps, negative values signed', () => {
    const { sensor, env, device } = setup();
    for (let h = 0; h < 24; h += 4) {
      const t = sensor.sample().temperature;
      expect(Math.abs(t - env.temperature(device.board.now()))).toBeLessThanOrEqual(1 / 32 + 1e-9);
      device.board.clock.advance(4 * 3_600_000);
    }
    const cold = setup({ meanTemperature: -12.3, temperatureSwing: 0 });
    expect(cold.sensor.sample().temperature).toBeCloseTo(-12.3 - 0, 0);
    expect(cold.sensor.sample().temperature).toBeLessThan(-12);
  });

  test('the resolution register coarsens the reading', () => {
    const { sensor, env } = setup({ meanTemperature: 21.3, temperatureSwing: 0 });
    sensor.configure({ resolution: 0.5 });
    const t = sensor.sample().temperature;
    expect(t * 2).toBe(Math.round(t * 2));
    expect(Math.abs(t - env.temperature(0))).toBeLessThanOrEqual(0.25);
  });

  test('alarm flags follow the limit registers', () => {
    const { sensor } = setup({ meanTemperature: 20, temperatureSwing: 0 });
    sensor.configure({ upperTemperature: 30, lowerTemperature: 10, criticalTemperature: 40 });
    expect(sensor.sample()).toMatchObject({ upper: false, lower: false, critical: false });
    sensor.configure({ upperTemperature: 15, criticalTemperature: 18 });
    expect(sensor.sample()).toMatchObject({ upper: true, critical: true, lower: false });
  });

  test('a different part at the address is refused by its IDs', () => {
    const device = createSimDevice();
    device.board.attach(new Tmp102Model(device.board.env), { address: 0x18 });
    expect(() => new MCP9808({ sensor: { ...device.I2C.default, io: device.io.SMBus } })).toThrow(/not an MCP9808/);
  });

  test('faults: NACK throws, stuck freezes, and shutdown on close', () => {
    const { sensor, device, model } = setup();
    device.board.fault('mcp9808', 'stuck@1h-3h');
    device.board.clock.advance(3_600_000);
    const frozen = sensor.sample().temperature;
    device.board.clock.advance(3_600_000);
    expect(sensor.sample().temperature).toBe(frozen);
    device.board.fault(0x18, 'nack@3h');
    device.board.clock.advance(3_600_000);
    expect(() => sensor.sample()).toThrow(/NACK/);
    const conversions = model.conversions;
    sensor.close(); // the shutdown write NACKs too: reported, not thrown
    expect(() => sensor.sample()).toThrow(/closed/);
    expect(model.conversions).toBe(conversions);
  });
});
