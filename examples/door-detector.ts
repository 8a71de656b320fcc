/**
 * The exported door detector deployed: the board on the garage door samples
 * light and tilt once a minute, the tree from examples/door-model.ts (plain
 * numbers, no library) says open or shut, and the LED comes on when the door
 * has been open for LEFT_OPEN_MINUTES minutes in a row: "left open".
 *
 *   TSL2591 lux ─────────────┐ (latest reading)
 *   ADXL345 z ── map(doorOpen(lux, z)) ── scan(minutes open in a row) ── map(≥ 10) ── distinctUntilChanged ── LED
 *
 * Run it on the simulated board: `npx tsx sim/cli.ts sim examples/door-detector.ts --duration 7d`.
 */
import { DigitalOutput } from '../runtime/index';
import type { OutputThing } from '../runtime/core/output-thing';
import type { SimAppContext } from '../sim/run';
import { onDoor, type DoorStreams } from './door-sensors';
import { doorOpen } from './door-model';

export const LEFT_OPEN_MINUTES = 10;

export interface DoorDecisions {
  /** The tree's answer for each minute. */
  open: OutputThing<boolean>;
  /** True once the door has been open LEFT_OPEN_MINUTES minutes in a row, false when it shuts. */
  leftOpen: OutputThing<boolean>;
}

/** The board's flow: the same on the simulator and on a board. */
export function detectDoor(streams: DoorStreams): DoorDecisions {
  let lux = 0;
  streams.light.connect((e) => { lux = e.val; });
  const open = streams.tilt.map((e) => doorOpen(lux, e.val));
  const leftOpen = open
    .scan((minutes: number, isOpen: boolean) => (isOpen ? minutes + 1 : 0), 0)
    .map((minutes) => minutes >= LEFT_OPEN_MINUTES)
    .distinctUntilChanged();
  return { open, leftOpen };
}

/** The detector on the door of `seed`'s week, the LED on the board's LED pin. */
export function doorDetectorApp(seed: number, days: number, then: (ctx: SimAppContext, d: DoorDecisions) => void = () => {}) {
  return onDoor(seed, days, (ctx, streams) => {
    const decisions = detectDoor(streams);
    decisions.leftOpen.connect(new DigitalOutput({ io: ctx.device.io.Digital, pin: ctx.device.pin.led }));
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
