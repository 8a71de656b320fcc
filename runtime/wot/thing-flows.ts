/**
 * The joints between a Thing and a dataflow (runtime/core): a flow can drive a
 * property or raise an event, and a property's changes are a stream.
 */
import { OutputThing } from '../core/output-thing';
import { isFatal } from '../core/errors';
import type { InputThing } from '../core/input-thing';
import { reportError } from '../core/report-error';
import { Event } from './event';
import { checkValue } from './schema';
import type { Property } from './property';
import type { Thing } from './thing';

/** A `SensorEvent` gives its `val`; anything else is taken as it is. */
function valueOf(x: unknown): unknown {
  if (x !== null && typeof x === 'object' && 'val' in x && 'sensorId' in x) return (x as { val: unknown }).val;
  return x;
}

/** Input thing that sets a property from a flow, as a device reading. See `Thing.propertyInput`. */
export class PropertyInput implements InputThing<unknown> {
  constructor(readonly property: Property<any>) {}

  onNext(x: unknown): void {
    const v = valueOf(x);
    const wrong = checkValue(v, this.property.metadata, this.property.name, this.property.thing.maxValueDepth);
    if (wrong !== null) {
      reportError(`thingflow wot: flow value dropped for property '${this.property.name}':`, wrong);
      return;
    }
    this.property.value.notifyOfExternalUpdate(v);
  }

  onCompleted(): void {}

  onError(e: unknown): void {
    if (isFatal(e)) throw e;
    reportError(`thingflow wot: the flow into property '${this.property.name}' failed:`, e);
  }
}

/** Input thing that raises an event on a thing for each value. See `Thing.eventInput`. */
export class EventInput implements InputThing<unknown> {
  constructor(readonly thing: Thing, readonly name: string) {}

  onNext(x: unknown): void {
    this.thing.addEvent(new Event(this.thing, this.name, valueOf(x)));
  }

  onCompleted(): void {}

  onError(e: unknown): void {
    if (isFatal(e)) throw e;
    reportError(`thingflow wot: the flow into event '${this.name}' failed:`, e);
  }
}

/** Output thing emitting each new value of a property. See `Thing.propertyChanges`. */
export class PropertyChanges<T> extends OutputThing<T> {
  constructor(readonly property: Property<any>) {
    super();
    property.value.on('update', (v: T) => this.dispatchNext(v));
  }
}
