/**
 * The smallest real app, for the tree-shaking measurement of `npm run bench:xs`:
 * the lux flow using only `map` and `runningAvg`, importing each module it
 * needs directly (a filter's module installs its fluent method when imported).
 * Its bundle must not contain any other filter.
 */
import { SensorAsOutputThing } from '../../runtime/core/sensor';
import '../../runtime/filters/map';
import '../../runtime/filters/running-avg';

const THRESHOLD = 400;

/** Build the lux flow around `sensor`; the LED gets `true` when the 5-sample mean is above the threshold. */
export function buildLuxFlow(sensor: { sensorId: string; sample(): number }, led: (on: boolean) => void): SensorAsOutputThing<number> {
  const lux = new SensorAsOutputThing(sensor);
  lux.map((e) => e.val).runningAvg(5).map((v) => v > THRESHOLD).connect(led);
  return lux;
}
