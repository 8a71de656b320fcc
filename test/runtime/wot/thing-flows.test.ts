import { fromIterable, Scheduler, VirtualClock, OutputThing, type InputThing } from '../../../runtime/index';
import { Thing, Property, Value, type ThingSubscriber } from '../../../runtime/wot/index';
import { setErrorReporter } from '../../../runtime/core/report-error';

function sensorThing(): Thing {
  const t = new Thing('urn:t', 'Board', ['TemperatureSensor']);
  t.addProperty(new Property(t, 'temperature', new Value(0), { type: 'number', readOnly: true, maximum: 150 }));
  t.addProperty(new Property(t, 'on', new Value(false), { type: 'boolean' }));
  t.addAvailableEvent('overheated', { type: 'number' });
  return t;
}

class Sink<T> implements InputThing<T> {
  values: T[] = [];
  completed = false;
  onNext(x: T) { this.values.push(x); }
  onCompleted() { this.completed = true; }
  onError(e: unknown) { throw e; }
}

describe('flows in and out of a Thing', () => {
  afterEach(() => setErrorReporter(undefined));

  test('a scheduled flow drives a read-only property; WebSocket subscribers see each reading', () => {
    const thing = sensorThing();
    const seen: unknown[] = [];
    const sub: ThingSubscriber = { updateProperty: (_p, m) => seen.push(JSON.parse(m).data.temperature) };
    thing.addSubscriber(sub);
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const readings = fromIterable([20.5, 21, 21, 22.25]);
    readings.connect(thing.propertyInput('temperature'));
    scheduler.schedulePeriodic(readings, 1);
    scheduler.run();
    clock.runUntilIdle(10_000);
    expect(thing.getProperty('temperature')).toBe(22.25);
    expect(seen).toEqual([20.5, 21, 22.25]); // the repeated 21 is not a change
  });

  test('SensorEvents give their val; values that break the schema are reported and dropped', () => {
    const thing = sensorThing();
    const reported: string[] = [];
    setErrorReporter((m) => reported.push(m));
    const input = thing.propertyInput('temperature');
    input.onNext({ sensorId: 'tmp102', ts: 1, val: 30 });
    input.onNext(999);
    input.onNext('hot');
    expect(thing.getProperty('temperature')).toBe(30);
    expect(reported).toHaveLength(2);
    expect(() => thing.propertyInput('nope')).toThrow(/no property 'nope'/);
  });

  test('eventInput raises events with the flow value as data', () => {
    const thing = sensorThing();
    const src = new OutputThing<number>();
    src.connect(thing.eventInput('overheated'));
    src.dispatchNext(102);
    src.dispatchNext(104);
    expect(thing.getEventDescriptions('overheated').map((d: any) => d.overheated.data)).toEqual([102, 104]);
    expect(() => thing.eventInput('nope')).toThrow(/no event 'nope'/);
  });

  test('propertyChanges emits client writes to a flow (the LED follows "on"), but not syncs', () => {
    const thing = sensorThing();
    const led = new Sink<boolean>();
    thing.propertyChanges<boolean>('on').connect(led);
    expect(thing.propertyChanges('on')).toBe(thing.propertyChanges('on'));
    thing.setProperty('on', true);
    thing.syncProperty('on', false);
    thing.setProperty('on', true);
    expect(led.values).toEqual([true, true]);
  });

  test('propertyChanges through a filter chain', () => {
    const thing = sensorThing();
    const out: string[] = [];
    thing.propertyChanges<boolean>('on').connect((v) => out.push(v ? 'LED=1' : 'LED=0'));
    thing.setProperty('on', true);
    thing.setProperty('on', false);
    expect(out).toEqual(['LED=1', 'LED=0']);
  });
});
