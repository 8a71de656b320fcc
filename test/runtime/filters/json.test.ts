import { runThrough } from '../../support/recorder';
import { fromJson, toJson } from '../../../runtime/filters/json';

describe('toJson / fromJson', () => {
  test('round trip', () => {
    const events = [{ sensorId: 'a', ts: 1, val: 2 }];
    expect(runThrough(events, (s) => s.toJson()).values).toEqual(['{"sensorId":"a","ts":1,"val":2}']);
    expect(runThrough(events, (s) => fromJson()(toJson()(s))).values).toEqual(events);
  });
  test('ThingFlow-Python\'s event form is an array: a constructor rebuilds the event', () => {
    const out = runThrough(['["lux-1", 1466.5, 250]'], (s) => s.fromJson((sensorId, ts, val) => ({ sensorId, ts, val })));
    expect(out.values).toEqual([{ sensorId: 'lux-1', ts: 1466.5, val: 250 }]);
  });
  test('malformed JSON ends that branch with the parse error', () => {
    const out = runThrough(['1', '{oops', '2'], (s) => s.fromJson());
    expect(out.values).toEqual([1]);
    expect(out.error).toBeInstanceOf(SyntaxError);
  });
});
