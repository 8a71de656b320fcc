/**
 * The door detector's entry on a board: the flow the simulator runs
 * (examples/door-detector-flow.ts, which examples/door-detector.ts runs on a
 * simulated board mounted on a door), given the board's `device` and a
 * scheduler on the board's clock by the Moddable host. `thingflow-board/device`
 * is the global `device` on boards (manifests/boards.json).
 */
import doorDetector from 'thingflow/examples/door-detector-flow';
import { runOnBoard } from 'thingflow/hosts/moddable/index';
import provider from 'thingflow-board/device';

export default function main(): void {
  runOnBoard(doorDetector, {}, provider);
}
