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
});
