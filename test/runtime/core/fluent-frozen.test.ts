/**
 * A Moddable preload freezes OutputThing.prototype; a filter module evaluated
 * after that (at run time, because no preloaded module imported it) cannot
 * add its fluent method. Found on Moddable's lin simulator, where the bare
 * `throw!` of a failed defineProperty said nothing of why: the error now
 * names the method and what to preload. Its own file: the prototype stays
 * frozen for the rest of this file.
 */
import { addFluentMethod } from '../../../runtime/core/fluent';
import { OutputThing } from '../../../runtime/core/output-thing';
import '../../../runtime/filters/map';

describe('addFluentMethod after the prototype is frozen (a preload)', () => {
  beforeAll(() => Object.freeze(OutputThing.prototype));

  test('a new method is refused with an error that names it and says to preload its module', () => {
    expect(() => addFluentMethod('median', function median() { return this; })).toThrow(
      /cannot add \.median\(\) to OutputThing at run time: its prototype is frozen \(preloaded\); preload the module that defines median/,
    );
    expect((OutputThing.prototype as unknown as Record<string, unknown>).median).toBeUndefined();
  });

  test('methods installed before the freeze keep working', () => {
    const src = new OutputThing<number>();
    const seen: number[] = [];
    src.map((x) => x * 2).connect((x) => seen.push(x));
    src.dispatchNext(21);
    expect(seen).toEqual([42]);
  });
});
