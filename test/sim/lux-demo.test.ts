import luxDemo, { LUX_BRIGHT, LUX_DARK } from '../../examples/lux-demo';
import { runSimulation } from '../../sim/run';

const HOUR = 3_600_000;

/** LED level at time t from its recorded history. */
function levelAt(times: readonly number[], values: readonly number[], t: number): number {
  let v = 0;
  for (let i = 0; i < times.length && times[i] <= t; i++) v = values[i];
  return v;
}

describe('the lux demo end-to-end on the virtual clock', () => {
  test('a simulated day: one wake a minute, the LED on at night and off by day, as the running average says', async () => {
    const r = await runSimulation(luxDemo, { durationMs: 24 * HOUR, seed: 1 });
    expect(r.fatalError).toBeUndefined();
    expect(r.wakes).toBe(1440); // 60 s and 300 s tasks share wakes
    const counts = Object.fromEntries(r.series.map((s) => [s.name, s.events]));
    // 1441 light samples (0..24 h); the first comes before the first integration completes and is skipped.
    expect(counts['TSL2591 lux']).toBe(1440);
    expect(counts['running avg (5)']).toBe(1440);
    expect(counts['TMP102']).toBe(289);

    const led = r.device.board.led(r.device.pin.led);
    expect(levelAt(led.times, led.values, 3 * HOUR)).toBe(1);
    expect(levelAt(led.times, led.values, 12 * HOUR)).toBe(0);
    expect(levelAt(led.times, led.values, 23 * HOUR)).toBe(1);
    expect(r.leds[0].switchings).toBe(led.switchings);
    expect(led.switchings).toBeGreaterThanOrEqual(3);

    // The LED is exactly the hysteresis of the recorded running average.
    const avg = r.plot.values('running avg (5)')!;
    for (let i = 0; i < avg.times.length; i++) {
      const on = levelAt(led.times, led.values, avg.times[i]);
      if (avg.values[i] >= LUX_BRIGHT) expect(on).toBe(0);
      if (avg.values[i] <= LUX_DARK) expect(on).toBe(1);
    }
    // Running average of 5: each value is the mean of the last five light readings.
    const lux = r.plot.values('TSL2591 lux')!;
    for (let i = 4; i < lux.values.length; i += 97) {
      const mean = (lux.values[i] + lux.values[i - 1] + lux.values[i - 2] + lux.values[i - 3] + lux.values[i - 4]) / 5;
      expect(avg.values[i]).toBeCloseTo(mean, 6);
    }
  });

  test('injected faults are survived: skipped reads, a hung bus, and the day still completes', async () => {
    const r = await runSimulation(luxDemo, {
      durationMs: 24 * HOUR,
      faults: ['tsl2591:nack@12h-13h', 'tmp102:stuck@2h-4h', 'bus:hang@20h+10m', 'tsl2591:spike,p=0.01,x=50000'],
    });
    expect(r.fatalError).toBeUndefined();
    expect(r.wakes).toBe(1440);
    const lux = r.series.find((s) => s.name === 'TSL2591 lux')!;
    // 60 minutes of NACKs and 10 minutes of hung bus lose their light samples (plus the first).
    expect(lux.events).toBeLessThanOrEqual(1440 - 60 - 10);
    expect(lux.events).toBeGreaterThan(1300);
    const tsl = r.faults.find((f) => f.device === 'tsl2591')!;
    expect(tsl.counts.nack).toBe(60);
    expect(tsl.counts.spike).toBeGreaterThan(0);
    expect(r.busHangs).toBeGreaterThan(0);
    expect(r.i2c.errors).toBe(tsl.counts.nack + r.busHangs);
    const temp = r.plot.values('TMP102')!;
    const stuck = temp.values.filter((_, i) => temp.times[i] >= 2 * HOUR && temp.times[i] < 4 * HOUR);
    expect(new Set(stuck).size).toBe(1);
  });

  test('the same seed gives the same run; another seed gives other clouds', async () => {
    const a = await runSimulation(luxDemo, { durationMs: 6 * HOUR, seed: 7 });
    const b = await runSimulation(luxDemo, { durationMs: 6 * HOUR, seed: 7 });
    const c = await runSimulation(luxDemo, { durationMs: 6 * HOUR, seed: 8 });
    expect(a.plot.values('TSL2591 lux')!.values).toEqual(b.plot.values('TSL2591 lux')!.values);
    expect(a.svg).toBe(b.svg);
    expect(a.plot.values('TSL2591 lux')!.values).not.toEqual(c.plot.values('TSL2591 lux')!.values);
  });

  test('paced runs follow the speed against the (injected) real clock and yield to the host between steps', async () => {
    let real = 0;
    let sleeps = 0;
    const r = await runSimulation(luxDemo, {
      durationMs: 2 * HOUR,
      speed: 3600, // an hour of simulation per real second
      realNow: () => real,
      sleep: async (ms) => { sleeps++; real += ms; },
    });
    expect(r.wakes).toBe(120);
    expect(r.realMs).toBeGreaterThanOrEqual(2000);
    expect(r.realMs).toBeLessThan(2200);
    expect(sleeps).toBeGreaterThanOrEqual(20);
  });

  test('an app that throws a fatal error stops the run with the error reported', async () => {
    const { FatalError } = await import('../../runtime/core/errors');
    const { fromIterable } = await import('../../runtime/core/from-iterable');
    const { setErrorReporter } = await import('../../runtime/core/report-error');
    setErrorReporter(() => {});
    try {
      const r = await runSimulation(({ scheduler }) => {
        const src = fromIterable([1, 2, 3]);
        src.connect(() => { throw new FatalError('broken'); });
        scheduler.schedulePeriodic(src, 60);
      }, { durationMs: HOUR });
      expect(String(r.fatalError)).toMatch(/broken/);
    } finally {
      setErrorReporter(undefined);
    }
  });
});
