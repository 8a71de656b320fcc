import { OutputThing } from '../core/output-thing';

/**
 * An output thing that never emits and never completes: scheduled, it keeps
 * the scheduler alive (ThingFlow's `Never`), e.g. for a device that only
 * reacts to network input.
 */
export class Never<T = never> extends OutputThing<T> {
  override observe(): void {}
}

export function never<T = never>(): OutputThing<T> {
  return new Never<T>();
}
