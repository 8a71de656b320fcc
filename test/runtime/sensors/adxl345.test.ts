import { ADXL345 } from '../../../runtime/sensors/adxl345';
import { createSimDevice } from '../../../sim/device';
import { Adxl345Model } from '../../../sim/models/adxl345';

function setup() {
  const device = createSimDevice();
  const model = new Adxl345Model(device.board.env);
  model.noise = 0;
  device.board.attach(model);
  const sensor = new ADXL345({ sensor: { ...device.I2C.default, io: device.io.SMBus } });
  return { device, model, sensor };
}

describe('ADXL345 driver against the register-level ADXL345 model', () => {
  test('a board lying flat reads 1 g on z in m/s²', () => {
    const { sensor } = setup();
    const { x, y, z } = sensor.sample();
    expect(x).toBe(0);
    expect(y).toBe(0);
    expect(z).toBeCloseTo(9.80665, 1);
  });

  test('injected acceleration shows on its axis; full resolution keeps the scale, ranges clip', () => {
    const { sensor, device } = setup();
    device.board.env.extraAcceleration[0] = -0.5;
    expect(sensor.sample().x).toBeCloseTo(-0.5 * 9.80665, 1);
    device.board.env.extraAcceleration[1] = 3; // beyond ±2 g
    expect(sensor.sample().y).toBeCloseTo((511 / 256) * 9.80665, 2);
    sensor.configure({ range: 4 });
    expect(sensor.sample().y).toBeCloseTo(3 * 9.80665, 1);
  });

  test('in standby (after close) the part stops measuring', () => {
    const { sensor, model } = setup();
    sensor.sample();
    const n = model.conversions;
    sensor.close();
    expect(() => sensor.sample()).toThrow(/closed/);
    expect(model.conversions).toBe(n);
  });

  test('faults: stuck on each axis, spikes, dropouts', () => {
    const { sensor, device } = setup();
    device.board.fault('adxl345', 'stuck@0');
    const first = sensor.sample();
    device.board.env.extraAcceleration[2] = 1;
    expect(sensor.sample()).toEqual(first);
    const d2 = setup();
    d2.device.board.fault('adxl345', 'spike,p=1,x=2');
    expect(d2.sensor.sample().x).toBeCloseTo(2 * 9.80665, 1);
    const d3 = setup();
    d3.device.board.fault('adxl345', 'dropout');
    expect(() => d3.sensor.sample()).toThrow(/transfer error/);
  });
});
