/**
 * The lux demo's entry on a board: the flow the simulator runs
 * (examples/lux-demo-flow.ts, which examples/lux-demo.ts wraps with its
 * Node-only network options), given the board's `device` and a scheduler on
 * the board's clock by the Moddable host. `thingflow-board/device` is the
 * global `device` on boards and the simulated board on lin (manifest.json).
 */
import luxDemo from 'thingflow/examples/lux-demo-flow';
import { runOnBoard } from 'thingflow/hosts/moddable/index';
import provider from 'thingflow-board/device';

export default function main(): void {
  runOnBoard(luxDemo, {}, provider);
}
