/**
 * The garage door's board (sim/scenarios/door.ts), as an app: the TSL2591's
 * light and the ADXL345's z axis, both sampled once a minute. Recorded, this
 * is the week the analysis learns from (examples/door-analysis.ts); deployed,
 * the same streams feed the exported detector (examples/door-detector.ts).
 */
import type { SensorEvent } from '../runtime/core/input-thing';
import type { OutputThing } from '../runtime/core/output-thing';
import { ADXL345, ecma419Source, TSL2591 } from '../runtime/index';
import { doorWeek, mountOnDoor } from '../sim/scenarios/door';
import type { SimApp, SimAppContext } from '../sim/run';

export const DOOR_SAMPLE_SEC = 60;

export interface DoorStreams {
  /** Illuminance in the garage, lux (sensorId `lux`). */
  light: OutputThing<SensorEvent<number>>;
  /** Acceleration along the board's z axis, m/s² (sensorId `accel_z`): 0 shut, −9.8 wide open. */
  tilt: OutputThing<SensorEvent<number>>;
}

/** Sample the door's sensors: light first, then tilt, at the same instants. */
export function doorSensors(ctx: SimAppContext): DoorStreams {
  const bus = { ...ctx.device.I2C.default, io: ctx.device.io.SMBus };
  const light = ecma419Source<number>(new TSL2591({ sensor: bus }), 'illuminance', { id: 'lux', readErrors: 'skip' });
  const tilt = ecma419Source<number>(new ADXL345({ sensor: bus }), 'z', { id: 'accel_z', readErrors: 'skip' });
  ctx.scheduler.schedulePeriodic(light, DOOR_SAMPLE_SEC);
  ctx.scheduler.schedulePeriodic(tilt, DOOR_SAMPLE_SEC);
  return { light, tilt };
}

/** A door app for `seed`'s week: mount the board on the door, then run `then` on its streams. */
export function onDoor(seed: number, days: number, then: (ctx: SimAppContext, s: DoorStreams) => void = () => {}): SimApp {
  return (ctx) => {
    mountOnDoor(ctx.board, doorWeek(seed, days));
    then(ctx, doorSensors(ctx));
  };
}

/** The door's sensors alone, for `thingflow-xs sim examples/door-sensors.ts --duration 7d --record week.csv`. */
export default function doorSensorsApp(ctx: SimAppContext): void {
  const days = Math.max(1, Math.ceil(ctx.durationMs / 86_400_000));
  // The door's week follows the run's seed (`--seed`), as the weather does.
  onDoor(ctx.board.env.seed, days)(ctx);
}
