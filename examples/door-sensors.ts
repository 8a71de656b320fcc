/**
 * The garage door's board (sim/scenarios/door.ts), as an app: the TSL2591's
 * light and the ADXL345's z axis, both sampled once a minute. Recorded, this
 * is the week the analysis learns from (examples/door-analysis.ts); deployed,
 * the same streams feed the exported detector (examples/door-detector.ts).
 * The sensors' part is examples/door-detector-flow.ts, which a board runs;
 * this module mounts the simulated board on the door first.
 */
import { doorWeek, mountOnDoor } from '../sim/scenarios/door';
import type { SimApp, SimAppContext } from '../sim/run';
import { doorSensors, type DoorStreams } from './door-detector-flow';

export { DOOR_SAMPLE_SEC, doorSensors, type DoorStreams } from './door-detector-flow';

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
