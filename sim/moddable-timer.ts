import type { SimBoard } from './board';

let current: SimBoard | undefined;

/** @internal the board `Timer.delay` waits on: the most recently created device's. */
export function setTimerBoard(board: SimBoard): void {
  current = board;
}

/**
 * The part of Moddable's `timer` module that drivers use, for running their
 * code unchanged on the simulator: `Timer.delay(ms)` blocks, so simulated time
 * moves on by `ms` on the most recently created board.
 */
export default class Timer {
  static delay(ms: number): void {
    if (!current) throw new Error('Timer.delay: no simulated board (call createSimDevice first)');
    current.delay(ms);
  }
}
