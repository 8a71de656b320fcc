import { onCompletedName, onErrorName, onNextName } from '../../../runtime/core/input-thing';

describe('input port method names', () => {
  test('the default port is onNext; a named port is capitalised, whatever its first letter', () => {
    expect([onNextName('default'), onCompletedName('default'), onErrorName('default')]).toEqual(['onNext', 'onCompleted', 'onError']);
    expect([onNextName('left'), onCompletedName('left'), onErrorName('left')]).toEqual(['onLeftNext', 'onLeftCompleted', 'onLeftError']);
    expect(onNextName('über')).toBe('onÜberNext');
    expect(onNextName('x')).toBe('onXNext');
    expect(onNextName('Right')).toBe('onRightNext');
    expect(onNextName('')).toBe('onNext');
  });
});
