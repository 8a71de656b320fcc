/**
 * A filter given something that is not a function where it calls one (a
 * mapping, a predicate, an accumulator, a printer, a transducer's `step`)
 * throws a TypeError that names the call and what it got, when it is made:
 * not "this.fn is not a function" at the first event, delivered to a sink as
 * `onError` after the flow was built and scheduled. It leaves its source as
 * it was (as a filter with refused options does): not connected, no event
 * lost by a later sink. The same holds for a sensor with no `sample`.
 */
import '../../../runtime/filters';
import { OutputThing } from '../../../runtime/core/output-thing';
import { SensorAsOutputThing, fromEcma419, type Sensor } from '../../../runtime/core/sensor';
import { ecma419Source } from '../../../runtime/sensors/ecma419-source';
import { expectRefusedLeavingSource } from './refused';

type Build = (source: OutputThing<number>) => unknown;
const notAFunction = 5 as unknown as (...args: any[]) => any;

/** [the call as written, what it builds, what its message must say] */
const REFUSED: [string, Build, RegExp][] = [
  ['map(5)', (s) => s.map(notAFunction), /^map\(5\): fn must be a function$/],
  ['select(undefined)', (s) => s.select(undefined as unknown as (x: number) => number), /^map\(undefined\): fn must be a function$/],
  ["where('x > 1')", (s) => s.where('x > 1' as unknown as (x: number) => boolean), /^where\(x > 1\): predicate must be a function$/],
  ['filter({})', (s) => s.filter({} as unknown as (x: number) => boolean), /^where\(\[object Object\]\): predicate must be a function$/],
  ['scan(5, 0)', (s) => s.scan(notAFunction, 0), /^scan\(5\): fn must be a function$/],
  ['reduce(null)', (s) => s.reduce(null as unknown as (a: number, x: number) => number), /^reduce\(null\): fn must be a function$/],
  ['some(5)', (s) => s.some(notAFunction), /^some\(5\): predicate must be a function or undefined$/],
  ['distinctUntilChanged(true)', (s) => s.distinctUntilChanged(true as unknown as (a: number, b: number) => boolean), /^distinctUntilChanged\(true\): equals must be a function or undefined$/],
  ['output(5)', (s) => s.output(notAFunction), /^output\(5\): print must be a function or undefined$/],
  ['outputCount(5)', (s) => s.outputCount(notAFunction), /^outputCount\(5\): print must be a function or undefined$/],
  ['fromJson(5)', (s) => (s as unknown as OutputThing<string>).fromJson(notAFunction), /^fromJson\(5\): construct must be a function or undefined$/],
  ['transduce({})', (s) => s.transduce({} as never), /^transduce\(\[object Object\]\): the transducer's step must be a function$/],
  ['transduce(undefined)', (s) => s.transduce(undefined as never), /^transduce\(undefined\): the transducer's step must be a function$/],
  ['dispatch([[5, "hot"]])', (s) => s.dispatch([[notAFunction, 'hot']]), /^dispatch\(5\): rule 0's predicate must be a function$/],
  ['dispatch([[f, 5]])', (s) => s.dispatch([[() => true, 5 as unknown as string]]), /^dispatch\(5\): rule 0's port must be a string$/],
];

describe('a filter given no function where it calls one', () => {
  test.each(REFUSED)('%s: a TypeError naming it, and the source left unconnected', (_call, build, message) => {
    expectRefusedLeavingSource(build, TypeError, message);
  });

  test('the optional ones may be left out, and a function is taken', () => {
    const source = new OutputThing<number>();
    const lines: string[] = [];
    expect(() => source.some()).not.toThrow();
    expect(() => source.distinctUntilChanged()).not.toThrow();
    expect(() => source.output((line) => lines.push(line))).not.toThrow();
    expect(() => source.map((x) => x + 1)).not.toThrow();
    source.dispatchNext(1);
    expect(lines).toEqual(['1']);
  });
});

describe('a sensor with no sample()', () => {
  test('SensorAsOutputThing refuses it when it is made', () => {
    expect(() => new SensorAsOutputThing({ sensorId: 'lux' } as unknown as Sensor<number>)).toThrow(TypeError);
    expect(() => new SensorAsOutputThing({ sensorId: 'lux' } as unknown as Sensor<number>)).toThrow(/^sensor lux: sample must be a function$/);
    expect(() => new SensorAsOutputThing(undefined as unknown as Sensor<number>)).toThrow(/^sensor undefined: sample must be a function$/);
  });

  test('an ECMA-419 driver without sample() is refused by fromEcma419 and ecma419Source, a factory that makes one at each sample too', () => {
    expect(() => fromEcma419({} as never, 'illuminance')).toThrow(/^sensor illuminance: the driver's sample must be a function$/);
    expect(() => ecma419Source({ sample: 5 } as never, 'temperature', { id: 'temp' })).toThrow(/^sensor temp: the driver's sample must be a function$/);
    // A factory's driver is made now; one without sample() is refused as the driver given.
    expect(() => fromEcma419(() => ({}) as never, 'illuminance')).toThrow(/^sensor illuminance: the driver's sample must be a function$/);
    // A factory that fails now is tried again at each sample: a driver without sample() made then is a read error, with why.
    let tries = 0;
    const later = fromEcma419(() => {
      if (tries++ === 0) throw new Error('no answer yet');
      return {} as never;
    }, 'illuminance');
    expect(() => later.sample()).toThrow(/^sensor illuminance: the driver's sample must be a function$/);
  });
});
