import { parseDuration } from '../../sim/duration';
import { createSimDevice } from '../../sim/device';
import { faultLines } from '../../sim/cli-summary';
import { parseFault, type FaultSpec } from '../../sim/faults';
import { Tmp102Model } from '../../sim/models/tmp102';

const H = 3_600_000;
const M = 60_000;

describe('fault specs', () => {
  const table: [string, string, FaultSpec][] = [
    ['tmp102:nack', 'tmp102', { kind: 'nack' }],
    ['tmp102:nack@6h-7h', 'tmp102', { kind: 'nack', fromMs: 6 * H, toMs: 7 * H }],
    ['0x48:stuck@12h+2h', '0x48', { kind: 'stuck', fromMs: 12 * H, toMs: 14 * H }],
    ['TSL2591:spike,p=0.02', 'tsl2591', { kind: 'spike', probability: 0.02 }],
    ['tsl2591:spike@1h,p=1,x=-500', 'tsl2591', { kind: 'spike', fromMs: H, probability: 1, magnitude: -500 }],
    ['bus:hang@15h+10m', 'bus', { kind: 'hang', fromMs: 15 * H, toMs: 15 * H + 10 * M }],
    ['72:dropout@1h30m-2h,p=0.5', '72', { kind: 'dropout', fromMs: 90 * M, toMs: 2 * H, probability: 0.5 }],
  ];
  test.each(table)('%s', (text, target, spec) => {
    expect(parseFault(text)).toEqual({ target, spec });
  });

  test.each([
    ['tmp102', /expected <device>:<kind>/],
    ['tmp102:melt', /bad fault kind 'melt'/],
    ['tmp102:nack@soon', /bad duration 'soon'/],
    ['tmp102:nack,p=2', /chance must be in 0\.\.1/],
    ['tmp102:nack,q=1', /unknown fault parameter 'q'/],
    ['tmp102:nack,p=x', /bad fault parameter/],
    // Sub-second times are said as given, not floored to two equal seconds.
    ['tmp102:nack@1500ms-1200ms', /window in 'tmp102:nack@1500ms-1200ms' ends before it starts \(1\.5s to 1\.2s\)/],
  ])('%s is refused', (text, message) => {
    expect(() => parseFault(text)).toThrow(message);
  });

  test('durations', () => {
    expect(parseDuration('24h')).toBe(24 * H);
    expect(parseDuration('1h30m')).toBe(90 * M);
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('2d')).toBe(48 * H);
    expect(parseDuration('90')).toBe(90_000);
    expect(() => parseDuration('3 h')).toThrow(RangeError);
    expect(() => parseDuration('h')).toThrow(RangeError);
  });

  test('board.fault finds devices by name or address and explains what is there when it cannot', () => {
    const device = createSimDevice();
    device.board.attach(new Tmp102Model(device.board.env));
    expect(device.board.fault('0x48', 'nack').specs).toHaveLength(1);
    expect(device.board.fault(72, { kind: 'dropout' }).specs).toHaveLength(2);
    expect(() => device.board.fault('mcp9808', 'nack')).toThrow(/no device 'mcp9808'.*attached: tmp102 \(0x48\)/);
    expect(() => device.board.fault('bus', 'nack')).toThrow(/bus itself can only hang/);
    expect(device.board.fault('tmp102', 'hang@1h')).toBe(device.board.i2c.faults);
  });
});

describe('the environment', () => {
  const { board } = createSimDevice({ seed: 3 });
  const env = board.env;

  test('dark at night, thousands of lux by day, clouds only ever darken', () => {
    expect(env.lux(2 * H)).toBeCloseTo(env.nightLux, 1);
    expect(env.lux(23 * H)).toBeCloseTo(env.nightLux, 1);
    let peak = 0;
    for (let t = 0; t < 24 * H; t += 5 * M) {
      const clear = env.nightLux + env.daylight(t) * env.peakLux;
      expect(env.lux(t)).toBeLessThanOrEqual(clear + 1e-9);
      expect(env.lux(t)).toBeGreaterThanOrEqual(env.nightLux + 0.2 * (clear - env.nightLux) - 1e-9);
      peak = Math.max(peak, env.lux(t));
    }
    expect(peak).toBeGreaterThan(5000);
  });

  test('temperature is lowest before dawn and highest mid-afternoon', () => {
    let minAt = 0;
    let maxAt = 0;
    for (let t = 0; t < 24 * H; t += 10 * M) {
      if (env.temperature(t) < env.temperature(minAt)) minAt = t;
      if (env.temperature(t) > env.temperature(maxAt)) maxAt = t;
    }
    expect(minAt / H).toBeGreaterThanOrEqual(2);
    expect(minAt / H).toBeLessThanOrEqual(4);
    expect(maxAt / H).toBeGreaterThanOrEqual(13);
    expect(maxAt / H).toBeLessThanOrEqual(16);
    expect(env.temperature(maxAt) - env.temperature(minAt)).toBeGreaterThan(8);
  });

  test('a start hour shifts the day', () => {
    const late = createSimDevice({ seed: 3, env: { startHour: 12 } }).board.env;
    expect(late.hourOfDay(0)).toBe(12);
    expect(late.daylight(0)).toBeCloseTo(env.daylight(12 * H), 12);
  });
});

describe('LED history', () => {
  test('records changes with their time, folds same-instant writes, and sums on-time', () => {
    const device = createSimDevice();
    const led = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output });
    led.write(0);
    led.write(1); // same instant: the last write is what was seen
    device.board.clock.advance(10 * M);
    led.write(0);
    led.write(1);
    led.write(0); // back to 0 at the same instant: no visible change
    device.board.clock.advance(5 * M);
    led.write(1);
    const h = device.board.led(2);
    expect(h.entries()).toEqual([{ t: 0, value: 1 }, { t: 10 * M, value: 0 }, { t: 15 * M, value: 1 }]);
    expect(h.switchings).toBe(2);
    expect(h.onTime(20 * M)).toBe(15 * M);
  });
});

describe('the summary of the faults that struck', () => {
  test('each part by kind, then the bus\'s hangs, counted in words that agree with the count', () => {
    const faults = [
      { device: 'tmp102', address: 0x48, counts: { nack: 2, stuck: 0, hang: 0, dropout: 0, spike: 0 } },
      { device: 'tsl2591', address: 0x29, counts: { nack: 0, stuck: 0, hang: 0, dropout: 0, spike: 0 } },
    ];
    expect(faultLines({ faults, busHangs: 1 })).toEqual(['  faults:        tmp102 (0x48): nack 2', '  faults:        bus hung for 1 transaction']);
    expect(faultLines({ faults: [], busHangs: 3 })).toEqual(['  faults:        bus hung for 3 transactions']);
    expect(faultLines({ faults: [], busHangs: 0 })).toEqual([]);
  });
});
