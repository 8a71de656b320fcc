/**
 * The same app as app-map-running-avg.ts, importing from the runtime's index
 * instead of the filter modules: shows what tree-shaking can drop through the
 * index (a filter module's fluent-method install is a side effect, so rollup
 * keeps every filter module the index imports).
 */
import { SensorAsOutputThing } from '../../runtime/index';

const THRESHOLD = 400;

export function buildLuxFlow(sensor: { sensorId: string; sample(): number }, led: (on: boolean) => void): SensorAsOutputThing<number> {
  const lux = new SensorAsOutputThing(sensor);
  lux.map((e) => e.val).runningAvg(5).map((v) => v > THRESHOLD).connect(led);
  return lux;
}
