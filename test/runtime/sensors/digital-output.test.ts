import { fromIterable } from '../../../runtime/core/from-iterable';
import { setErrorReporter } from '../../../runtime/core/report-error';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { DigitalOutput } from '../../../runtime/sensors/digital-output';
import { createSimDevice } from '../../../sim/device';

describe('DigitalOutput: an LED as an input thing', () => {
  test('drives the pin from truthy/falsy events and writes only changes', () => {
    const clock = new VirtualClock();
    const device = createSimDevice({ clock });
    const scheduler = new Scheduler(clock);
    const led = new DigitalOutput({ io: device.io.Digital, pin: device.pin.led });
    const src = fromIterable([true, true, false, 1, 0, 0, true]);
    src.connect(led);
    scheduler.schedulePeriodic(src, 1);
    scheduler.run();
    clock.runUntilIdle();
    const h = device.board.led(device.pin.led);
    expect(h.entries()).toEqual([
      { t: 0, value: 1 }, { t: 2000, value: 0 }, { t: 3000, value: 1 }, { t: 4000, value: 0 }, { t: 6000, value: 1 }, { t: 7000, value: 0 },
    ]);
    expect(led.switchings).toBe(6); // five changes, then off at onCompleted
  });

  test('inverted wiring, SensorEvents by their val, and a safe final state on error', () => {
    const device = createSimDevice();
    const reported: unknown[] = [];
    setErrorReporter((_m, e) => reported.push(e));
    try {
      const led = new DigitalOutput({ io: device.io.Digital, pin: 13, invert: true });
      led.onNext({ sensorId: 'x', ts: 0, val: 5 });
      expect(device.board.pins.outputValue(13)).toBe(0); // on = low
      led.onError(new Error('upstream failed'));
      expect(device.board.led(13).state).toBe(1); // off = high
      expect(reported).toHaveLength(1);
      expect(device.board.pins.isFree(13)).toBe(true);
      led.onNext(true); // after the end: ignored, nothing throws
    } finally {
      setErrorReporter(undefined);
    }
  });

  test('the level of each kind of input: a boolean as it is, an event by its val, anything else by its truth', () => {
    const device = createSimDevice();
    const led = new DigitalOutput({ io: device.io.Digital, pin: 13 });
    const levels: number[] = [];
    for (const x of [true, false, { sensorId: 'x', ts: 0, val: 1 }, { sensorId: 'x', ts: 0, val: 0 }, { other: 0 }, null, 2, 0, 'on', '', undefined]) {
      led.onNext(x);
      levels.push(led.value);
    }
    expect(levels).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0]);
  });
});

