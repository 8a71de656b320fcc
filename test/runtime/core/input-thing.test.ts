import { onCompletedName, onErrorName, onNextName } from '../../../runtime/core/input-thing';
import { InvalidPortError } from '../../../runtime/core/errors';
import { OutputThing } from '../../../runtime/core/output-thing';

describe('input port method names', () => {
  test('the default port is onNext; a named port\'s first letter is capitalised when it is ASCII a-z', () => {
    expect([onNextName('default'), onCompletedName('default'), onErrorName('default')]).toEqual(['onNext', 'onCompleted', 'onError']);
    expect([onNextName('left'), onCompletedName('left'), onErrorName('left')]).toEqual(['onLeftNext', 'onLeftCompleted', 'onLeftError']);
    expect(onNextName('x')).toBe('onXNext');
    expect(onNextName('z')).toBe('onZNext');
    expect(onNextName('a_b')).toBe('onA_bNext');
    expect(onNextName('Right')).toBe('onRightNext');
    expect(onNextName('2nd')).toBe('on2ndNext');
    expect(onNextName('')).toBe('onNext');
  });

  test('any other first letter is kept as it is: the same names on every host, without the engine\'s Unicode case tables', () => {
    expect(onNextName('über')).toBe('onüberNext');
    expect(onErrorName('échelle')).toBe('onéchelleError');
    expect(onNextName('😀x')).toBe('on😀xNext');
  });

  test('an input without the method for a non-ASCII port is told the rule', () => {
    const src = new OutputThing<number>();
    const upper = { onÜberNext() {}, onÜberCompleted() {}, onÜberError() {} };
    expect(() => src.connect(upper as never, { portMapping: ['default', 'über'] }))
      .toThrow(new InvalidPortError("input thing has no method 'onüberNext' for input port 'über' (a port's first letter is capitalised only when it is ASCII a-z)"));
    const kept = { onüberNext: jest.fn(), onüberCompleted() {}, onüberError() {} };
    src.connect(kept as never, { portMapping: ['default', 'über'] });
    src.dispatchNext(7);
    expect(kept.onüberNext).toHaveBeenCalledWith(7);
  });
});

test('an input without the method for an ASCII port gets the plain message', () => {
  const src = new OutputThing<number>();
  expect(() => src.connect({ onNext() {}, onCompleted() {}, onError() {} }, { portMapping: ['default', 'left'] }))
    .toThrow(new InvalidPortError("input thing has no method 'onLeftNext' for input port 'left'"));
});
