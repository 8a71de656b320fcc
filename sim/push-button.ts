import type { SimBoard } from './board';

export interface SimButtonOptions {
  /** The button pulls the pin to ground when pressed (default true; use the pin's pull-up). */
  activeLow?: boolean;
}

/**
 * A push button on a board pin, with contact bounce: `press(3)` makes the
 * contacts chatter three times, `bounceMs` apart on the virtual clock, before
 * they settle closed. Edges reach the pin's ECMA-419 `onReadable` as on a
 * board. Time moves on during the bounce (the clock delivers its wakes).
 */
export class SimButton {
  /** Times pressed. */
  presses = 0;
  private readonly down: 0 | 1;

  constructor(private readonly board: SimBoard, readonly pin: number, opts: SimButtonOptions = {}) {
    this.down = opts.activeLow === false ? 1 : 0;
    board.pins.drive(pin, undefined); // released: the pin's pull decides
  }

  press(bounces = 0, bounceMs = 1): void {
    this.presses++;
    this.chatter(this.down, bounces, bounceMs);
  }

  release(bounces = 0, bounceMs = 1): void {
    this.chatter(undefined, bounces, bounceMs);
  }

  /** Drive `level` (undefined: released), bouncing back `bounces` times first. */
  private chatter(level: 0 | 1 | undefined, bounces: number, bounceMs: number): void {
    const other = level === undefined ? this.down : undefined;
    for (let i = 0; i < bounces; i++) {
      this.board.pins.drive(this.pin, level);
      this.board.clock.advance(bounceMs);
      this.board.pins.drive(this.pin, other);
      this.board.clock.advance(bounceMs);
    }
    this.board.pins.drive(this.pin, level);
  }
}
