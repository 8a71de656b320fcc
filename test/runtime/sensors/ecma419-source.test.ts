import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { ecma419Source } from '../../../runtime/sensors/ecma419-source';
import { TMP102 } from '../../../runtime/sensors/tmp102';
import { createSimDevice } from '../../../sim/device';
import { Tmp102Model } from '../../../sim/models/tmp102';

function setup() {
  const clock = new VirtualClock();
  const device = createSimDevice({ clock });
  device.board.attach(new Tmp102Model(device.board.env));
  const driver = new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } });
  return { clock, device, driver, scheduler: new Scheduler(clock) };
}

describe('ecma419Source: an ECMA-419 driver as a ThingFlow sensor', () => {
  test('emits SensorEvents of the chosen field', () => {
    const { clock, driver, scheduler } = setup();
    const got: { sensorId: string | number; ts: number; val: number }[] = [];
    const src = ecma419Source(driver, 'temperature', { id: 'temp' });
    src.connect((e) => got.push(e));
    scheduler.schedulePeriodic(src, 60);
    scheduler.run();
    clock.advance(180_000);
    expect(got.map((e) => [e.sensorId, e.ts])).toEqual([['temp', 0], ['temp', 60], ['temp', 120], ['temp', 180]]);
    expect(got.every((e) => typeof e.val === 'number' && e.val > -40 && e.val < 60)).toBe(true);
  });

  test('a NACK ends only that stream with onError; the scheduler and other streams carry on', () => {
    const { clock, device, driver, scheduler } = setup();
    const errors: unknown[] = [];
    const src = ecma419Source(driver, 'temperature');
    src.connect({ onNext() {}, onCompleted() {}, onError: (e) => errors.push(e) });
    const ticks: number[] = [];
    const other = ecma419Source({ sample: () => ({ v: 1 }) }, 'v');
    other.connect((e) => ticks.push(e.ts));
    scheduler.schedulePeriodic(src, 60);
    scheduler.schedulePeriodic(other, 60);
    device.board.fault('tmp102', 'nack@2m');
    scheduler.run();
    clock.advance(300_000);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/NACK/);
    expect(src.closed).toBe(true);
    expect(ticks).toEqual([0, 60, 120, 180, 240, 300]);
    expect(scheduler.pending).toBe(1);
  });

  test('with readErrors: "skip" a failing window is skipped and counted, and readings resume', () => {
    const { clock, device, driver, scheduler } = setup();
    const seen: number[] = [];
    const failures: unknown[] = [];
    const src = ecma419Source(driver, 'temperature', { readErrors: 'skip', onReadError: (e) => failures.push(e) });
    src.connect((e) => seen.push(e.ts));
    scheduler.schedulePeriodic(src, 60);
    device.board.fault('tmp102', 'nack@2m-4m');
    scheduler.run();
    clock.advance(360_000);
    expect(seen).toEqual([0, 60, 240, 300, 360]);
    expect(src.skippedReads).toBe(2);
    expect(failures).toHaveLength(2);
  });

  test('a driver returning undefined (no reading) is a read error too', () => {
    const { clock, scheduler } = setup();
    const errors: unknown[] = [];
    const src = ecma419Source({ sample: () => undefined }, 'illuminance');
    src.connect({ onNext() {}, onCompleted() {}, onError: (e) => errors.push(e) });
    scheduler.schedulePeriodic(src, 1);
    scheduler.run();
    clock.advance(1000);
    expect(String(errors[0])).toMatch(/no 'illuminance' in sample/);
  });

  test('a reading whose field is null is a read error, skipped with readErrors: skip; a zero is a value', () => {
    const { clock, scheduler } = setup();
    const readings = [{ illuminance: 0 }, { illuminance: null }, { illuminance: 5 }, { other: 1 }];
    const seen: number[] = [];
    const src = ecma419Source({ sample: () => readings.shift() }, 'illuminance', { readErrors: 'skip' });
    src.connect({ onNext: (e) => seen.push(e.val), onCompleted() {}, onError() {} });
    scheduler.schedulePeriodic(src, 1);
    scheduler.run();
    clock.advance(3000);
    expect(seen).toEqual([0, 5]);
    expect(src.skippedReads).toBe(2);
  });
});

describe('ecma419Source of a driver made at its first sample (a factory): a part that fails at boot is not the end of the app', () => {
  function board() {
    const clock = new VirtualClock();
    const device = createSimDevice({ clock });
    device.board.attach(new Tmp102Model(device.board.env));
    return { clock, device, scheduler: new Scheduler(clock), sensor: { ...device.I2C.default, io: device.io.SMBus } };
  }

  test('the part NACKing at boot: with readErrors "skip" each sample tries to make the driver again, skipped and counted, until it answers; then it is kept', () => {
    const { clock, device, scheduler, sensor } = board();
    device.board.fault('tmp102', 'nack@0s-2m'); // the constructor's first write is refused until 2 min
    const made: number[] = [];
    const failures: string[] = [];
    const src = ecma419Source(() => { made.push(clock.elapsed); return new TMP102({ sensor }); }, 'temperature', { id: 'temp', readErrors: 'skip', onReadError: (e) => failures.push(String(e)) });
    const seen: number[] = [];
    src.connect((e) => seen.push(e.ts));
    scheduler.schedulePeriodic(src, 60);
    scheduler.run(); // no throw: the app goes on
    clock.advance(300_000);
    expect(made).toEqual([0, 0, 60_000, 120_000]); // at once (refused), at run()'s sample and each one after until it answered, then never again
    expect(seen).toEqual([120, 180, 240, 300]);
    expect(src.skippedReads).toBe(2);
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/NACK/);
  });

  test('the part missing: without "skip" the first failed making ends that stream with onError, as any read error', () => {
    const { clock, scheduler } = board();
    const errors: unknown[] = [];
    const src = ecma419Source(() => { throw new Error('not a TSL2591'); }, 'illuminance');
    src.connect({ onNext() {}, onCompleted() {}, onError: (e) => errors.push(e) });
    scheduler.schedulePeriodic(src, 60);
    scheduler.run();
    clock.advance(120_000);
    expect(errors.map(String)).toEqual(['Error: not a TSL2591']);
    expect(src.closed).toBe(true);
  });

  test('a driver given as itself is sampled as it is: an object with sample() is a driver, a function a factory', () => {
    const { clock, scheduler } = board();
    let calls = 0;
    const got: number[] = [];
    const src = ecma419Source({ sample: () => ({ v: ++calls }) }, 'v');
    src.connect((e) => got.push(e.val));
    scheduler.schedulePeriodic(src, 1);
    scheduler.run();
    clock.advance(2000);
    expect(got).toEqual([1, 2, 3]);
  });
});

describe('ecma419Source of a factory when the part answers', () => {
  test('the driver is made at once, as `new` would (its part configured before the scheduler runs), and only once', () => {
    const clock = new VirtualClock();
    const device = createSimDevice({ clock });
    device.board.attach(new Tmp102Model(device.board.env));
    let made = 0;
    const src = ecma419Source(() => { made++; return new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } }); }, 'temperature');
    expect(made).toBe(1);
    const scheduler = new Scheduler(clock);
    const got: number[] = [];
    src.connect((e) => got.push(e.ts));
    scheduler.schedulePeriodic(src, 60);
    scheduler.run();
    clock.advance(120_000);
    expect(got).toEqual([0, 60, 120]);
    expect(made).toBe(1);
  });
});
