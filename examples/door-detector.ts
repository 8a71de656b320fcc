/**
 * The exported door detector deployed: the board on the garage door samples
 * light and tilt once a minute, the tree from examples/door-model.ts (plain
 * numbers, no library) says open or shut, and the LED comes on when the door
 * has been open for LEFT_OPEN_MINUTES minutes in a row: "left open".
 *
 *   TSL2591 lux ─────────────┐ (latest reading)
 *   ADXL345 z ── map(doorOpen(lux, z)) ── scan(minutes open in a row) ── map(≥ 10) ── distinctUntilChanged ── LED
 *
 * The flow is examples/door-detector-flow.ts, which a board runs as it is
 * (manifests/door-detector); here the simulated board is mounted on the door
 * of a seeded week first, and the plot tracks the tilt and the tree's answers.
 *
 * Run it on the simulated board: `npx tsx sim/cli.ts sim examples/door-detector.ts --duration 7d`.
 */
import type { SimAppContext } from '../sim/run';
import { onDoor } from './door-sensors';
import { doorDetectorOnStreams, type DoorDecisions } from './door-detector-flow';

export { LEFT_OPEN_MINUTES, detectDoor, type DoorDecisions } from './door-detector-flow';

/** The detector on the door of `seed`'s week, the LED on the board's LED pin. */
export function doorDetectorApp(seed: number, days: number, then: (ctx: SimAppContext, d: DoorDecisions) => void = () => {}) {
  return onDoor(seed, days, (ctx, streams) => {
    const decisions = doorDetectorOnStreams(ctx, streams);
    ctx.plot.track(streams.tilt, { name: 'ADXL345 z', panel: 'Tilt', unit: 'm/s²', color: '#2ca02c' });
    ctx.plot.track(decisions.open, { name: 'tree: open', panel: 'Door', style: 'step', color: '#9467bd' });
    then(ctx, decisions);
  });
}

export default function doorDetector(ctx: SimAppContext): void {
  const days = Math.max(1, Math.ceil(ctx.durationMs / 86_400_000));
  // The door's week follows the run's seed (`--seed`), as the weather does.
  return doorDetectorApp(ctx.board.env.seed, days)(ctx) as void;
}
