/**
 * The lux demo's entry on a board: the same app module the simulator runs
 * (examples/lux-demo.ts), given the board's `device` and a scheduler on the
 * board's clock by the Moddable host.
 */
import luxDemo from 'thingflow/examples/lux-demo';
import { runOnBoard } from 'thingflow/hosts/moddable/index';

export default function main(): void {
  runOnBoard(luxDemo);
}
