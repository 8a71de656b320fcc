/**
 * What a refused filter must leave: its source as it was. Shared by the
 * refused-options and refused-functions tests.
 */
import { OutputThing } from '../../../runtime/core/output-thing';

/**
 * `build` on a fresh source throws `errorClass` with `message`, and the source is left unconnected
 * (a filter never made would keep it sampled and never descheduled): what connects next gets every
 * event and the end.
 */
export function expectRefusedLeavingSource(build: (source: OutputThing<number>) => unknown, errorClass: new (...args: any[]) => Error, message: RegExp): void {
  const source = new OutputThing<number>();
  expect(() => build(source)).toThrow(errorClass);
  expect(() => build(source)).toThrow(message);
  expect(source.connectionsOn('default')).toHaveLength(0);
  const got: unknown[] = [];
  source.connect({ onNext: (x: number) => got.push(x), onCompleted: () => got.push('completed'), onError: (e: unknown) => got.push(e) });
  source.dispatchNext(1);
  source.dispatchCompleted();
  expect(got).toEqual([1, 'completed']);
}
