/**
 * The button toggle's entry on a board: examples/button-toggle.ts, given the
 * board's `device` (its button pin from `config.button` where the board has
 * none) and a scheduler on the board's clock by the Moddable host.
 * `thingflow-board/device` is the global `device` on boards
 * (manifests/boards.json).
 */
import buttonToggle from 'thingflow/examples/button-toggle';
import { runOnBoard } from 'thingflow/hosts/moddable/index';
import provider from 'thingflow-board/device';

export default function main(): void {
  runOnBoard(buttonToggle, {}, provider);
}
