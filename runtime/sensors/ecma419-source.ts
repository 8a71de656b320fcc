import { SensorAsOutputThing, fromEcma419, type Ecma419Sensor, type SensorOptions } from '../core/sensor';

export interface Ecma419SourceOptions extends SensorOptions {
  /** The events' `sensorId` (default: the field name). */
  id?: string | number;
}

/**
 * Make one field of an ECMA-419 sensor driver a ThingFlow output thing to
 * schedule. A read that throws (a NACK, a hung bus) or returns no value
 * becomes `onError` on this stream only, or, with `readErrors: 'skip'`, a
 * skipped sample counted in `skippedReads` and passed to `onReadError`.
 *
 * ```ts
 * const temp = ecma419Source(new TMP102({ sensor }), 'temperature', { id: 'temp', readErrors: 'skip' });
 * scheduler.schedulePeriodic(temp, 60);
 * ```
 * Given a function that makes the driver, the source makes it at once and,
 * if that throws, again at each sample until it works (`fromEcma419`): a part
 * missing or glitching at boot is then skipped reads, not an app that fails
 * to start. A board app should make its drivers that way.
 */
export function ecma419Source<T = number>(driver: Ecma419Sensor | (() => Ecma419Sensor), field: string, opts: Ecma419SourceOptions = {}): SensorAsOutputThing<T> {
  return new SensorAsOutputThing<T>(fromEcma419<T>(driver, field, opts.id ?? field), opts);
}
