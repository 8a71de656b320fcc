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

/** One change a finger makes on the button's pin: 0 pulled to ground, undefined released (the pull decides). */
export interface ButtonEdge {
  at: number;
  level: 0 | undefined;
}

/**
 * The edges of presses at the given times (ms of board time, as `--press`
 * gives them): each held PRESS_HOLD_MS, the contacts chattering
 * PRESS_BOUNCES times 1 ms each way as they close and as they open, in
 * order of time. What `ScriptedPresses` does on the simulator, and what the
 * emulated Pico's GPIO sees (sim/emulate.ts).
 */
export function pressEdges(pressAt: readonly number[]): ButtonEdge[] {
  const edges: ButtonEdge[] = [];
  const chatter = (at: number, level: 0 | undefined) => {
    const other = level === undefined ? 0 : undefined;
    for (let i = 0; i < PRESS_BOUNCES; i++) edges.push({ at: at + 2 * i, level }, { at: at + 2 * i + 1, level: other });
    edges.push({ at: at + 2 * PRESS_BOUNCES, level });
  };
  for (const at of pressAt) {
    chatter(at, 0);
    chatter(at + PRESS_HOLD_MS, undefined);
  }
  return edges.sort((a, b) => a.at - b.at); // stable: a press's own edges keep their order
}

/**
 * A finger that presses a button (to ground, on its pull-up) at given times,
 * as `pressEdges` says. The run's loop advances the clock to `nextAt`, then
 * calls `act`.
 */
export class ScriptedPresses {
  private readonly edges: ButtonEdge[];
  private next = 0;

  constructor(private readonly board: SimBoard, private readonly pin: number, pressAt: readonly number[]) {
    this.edges = pressEdges(pressAt);
    // The button is on the pin only when there are presses to make; released, the pin's pull decides.
    if (this.edges.length > 0) board.pins.drive(pin, undefined);
  }

  /** Board time of the next edge; Infinity when none is left. */
  get nextAt(): number {
    return this.next < this.edges.length ? this.edges[this.next].at : Infinity;
  }

  /** Make every edge due at board time `now`. */
  act(now: number): void {
    while (this.next < this.edges.length && this.edges[this.next].at <= now) this.board.pins.drive(this.pin, this.edges[this.next++].level);
  }
}
