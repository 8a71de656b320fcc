import { SensorAsOutputThing, StopIteration, fromEcma419 } from '../../../runtime/core/sensor';
import { fromIterable } from '../../../runtime/core/from-iterable';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { Recorder } from '../../support/recorder';

function sequenceSensor(id: string, readings: Array<number | Error>) {
  let i = 0;
  return {
    sensorId: id,
    sample(): number {
      if (i >= readings.length) throw new StopIteration();
      const r = readings[i++];
      if (r instanceof Error) throw r;
      return r;
    },
  };
}

describe('SensorAsOutputThing', () => {
  test('emits {sensorId, ts, val} with the scheduler time in seconds', () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const rec = new Recorder();
    scheduler.scheduleSensor(sequenceSensor('lux-1', [10, 20, 30]), 60, rec);
    scheduler.run();
    clock.runUntilIdle();
    expect(rec.values).toEqual([
      { sensorId: 'lux-1', ts: 0, val: 10 },
      { sensorId: 'lux-1', ts: 60, val: 20 },
      { sensorId: 'lux-1', ts: 120, val: 30 },
    ]);
    expect(rec.completed).toBe(true); // StopIteration completes the stream
    expect(scheduler.pending).toBe(0);
    expect(scheduler.isRunning).toBe(false);
  });

  test('a failing read ends that stream with onError and deschedules it; other sensors go on', () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const broken = new Recorder();
    const healthy = new Recorder();
    scheduler.scheduleSensor(sequenceSensor('a', [1, new Error('I2C NACK'), 3]), 1, broken);
    scheduler.scheduleSensor(sequenceSensor('b', [1, 2, 3]), 1, healthy);
    scheduler.run();
    clock.runUntilIdle();
    expect(broken.log).toEqual([expect.stringContaining('"val":1'), 'error I2C NACK']);
    expect(healthy.values.map((e: any) => e.val)).toEqual([1, 2, 3]);
    expect(healthy.completed).toBe(true);
  });

  test("readErrors: 'skip' drops failed samples and counts them", () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const rec = new Recorder();
    const failures: unknown[] = [];
    const src = scheduler.scheduleSensorWith(sequenceSensor('t', [1, new Error('crc'), 3]), 1,
      { readErrors: 'skip', onReadError: (e) => failures.push(e) }, rec) as SensorAsOutputThing;
    scheduler.run();
    clock.runUntilIdle();
    expect(rec.values.map((e: any) => e.val)).toEqual([1, 3]);
    expect(rec.completed).toBe(true);
    expect(src.skippedReads).toBe(1);
    expect((failures[0] as Error).message).toBe('crc');
  });

  test('fromEcma419 picks one field of an ECMA-419 sample; a missing field is a read error', () => {
    const readings = [{ temperature: 21.5 }, undefined];
    let i = 0;
    const sensor = fromEcma419({ sample: () => readings[i++] }, 'temperature', 'tmp102');
    expect(sensor.sensorId).toBe('tmp102');
    expect(sensor.sample()).toBe(21.5);
    expect(() => sensor.sample()).toThrow(/no 'temperature'/);
  });
});

describe('fromIterable', () => {
  test('emits one value per sample, then completes; works for arrays and generators', () => {
    function* gen() { yield 'a'; yield 'b'; }
    for (const values of [['a', 'b'], gen()]) {
      const clock = new VirtualClock();
      const scheduler = new Scheduler(clock);
      const src = fromIterable(values as Iterable<string>);
      const rec = new Recorder<string>();
      src.connect(rec);
      scheduler.schedulePeriodic(src, 2);
      scheduler.run();
      clock.runUntilIdle();
      expect(rec.log).toEqual(['next "a"', 'next "b"', 'completed']);
      expect(clock.elapsed).toBe(4000);
    }
  });
});
