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

/** How long a scripted press (`--press`) holds the button. */
export const PRESS_HOLD_MS = 150;
/** Contact bounces of a scripted press and release, 1 ms each way: what a debounce must absorb. */
const PRESS_BOUNCES = 3;

/**
 * A finger that presses a button at given times (ms of board time, as
 * `--press` gives them), holding each PRESS_HOLD_MS, with contact bounce.
 * The run's loop advances the clock to `nextAt`, then calls `act`.
 */
export class ScriptedPresses {
  private readonly events: { at: number; down: boolean }[] = [];
  private next = 0;
  /** The button, on the pin only when there are presses to make. */
  private readonly button: SimButton | undefined;

  constructor(board: SimBoard, pin: number, pressAt: readonly number[]) {
    for (const at of pressAt) this.events.push({ at, down: true }, { at: at + PRESS_HOLD_MS, down: false });
    this.events.sort((a, b) => a.at - b.at);
    this.button = pressAt.length > 0 ? new SimButton(board, pin) : undefined;
  }

  /** Board time of the next press or release; Infinity when none is left. */
  get nextAt(): number {
    return this.next < this.events.length ? this.events[this.next].at : Infinity;
  }

  /** Press or release whatever is due at board time `now`. */
  act(now: number): void {
    while (this.next < this.events.length && this.events[this.next].at <= now) {
      if (this.events[this.next++].down) this.button!.press(PRESS_BOUNCES, 1);
      else this.button!.release(PRESS_BOUNCES, 1);
    }
  }
}
