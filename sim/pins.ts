import { PinHistory } from './pin-history';

/** Something listening for level changes on an input pin (a Digital with an edge). */
export interface PinListener {
  levelChanged(level: 0 | 1, previous: 0 | 1): void;
}

class Pin {
  owner: object | undefined;
  /** Level the outside world drives onto the pin (a button), or undefined when floating. */
  external: 0 | 1 | undefined;
  /** Level of the internal pull resistor, or undefined for none. */
  pull: 0 | 1 | undefined;
  /** Level this board drives when the pin is an output, or undefined when an input. */
  output: number | undefined;
  listener: PinListener | undefined;
  readonly history: PinHistory;
  constructor(n: number) {
    this.history = new PinHistory(n);
  }
}

/** The board's GPIO pins: who owns each, what level it sits at, and what each output showed over time. */
export class PinBank {
  private readonly pins = new Map<number, Pin>();

  constructor(private readonly now: () => number, readonly count = 40) {}

  private get(n: number): Pin {
    if (!Number.isInteger(n) || n < 0 || n >= this.count) throw new RangeError(`invalid pin ${String(n)}`);
    let p = this.pins.get(n);
    if (!p) this.pins.set(n, (p = new Pin(n)));
    return p;
  }

  /** Take a pin for an IO instance; a pin belongs to one instance at a time (ECMA-419 "in use"). */
  claim(n: number, owner: object): void {
    const p = this.get(n);
    if (p.owner && p.owner !== owner) throw new Error(`pin ${n} is already in use`);
    p.owner = owner;
  }

  release(n: number, owner: object): void {
    const p = this.get(n);
    if (p.owner !== owner) return;
    p.owner = undefined;
    p.pull = undefined;
    p.output = undefined;
    p.listener = undefined;
  }

  isFree(n: number): boolean {
    return this.get(n).owner === undefined;
  }

  configureInput(n: number, pull: 0 | 1 | undefined, listener: PinListener | undefined): void {
    const p = this.get(n);
    p.pull = pull;
    p.output = undefined;
    p.listener = listener;
  }

  /** Level an input reads: what is driven from outside, else the pull, else 0 (a floating pin reads low here). */
  level(n: number): 0 | 1 {
    const p = this.get(n);
    if (p.output !== undefined) return p.output ? 1 : 0;
    return p.external ?? p.pull ?? 0;
  }

  /** Drive a level from outside the board (a button, another chip's alert line). Edges reach listeners. */
  drive(n: number, level: 0 | 1 | undefined): void {
    const p = this.get(n);
    const before = this.level(n);
    p.external = level;
    const after = this.level(n);
    if (after !== before && p.listener) p.listener.levelChanged(after, before);
  }

  /** The board drives an output: 0/1 for a digital pin, a duty fraction for PWM. */
  setOutput(n: number, value: number): void {
    const p = this.get(n);
    p.output = value;
    p.history.record(this.now(), value);
  }

  outputValue(n: number): number | undefined {
    return this.get(n).output;
  }

  history(n: number): PinHistory {
    return this.get(n).history;
  }

  /** Pins whose output ever changed, in pin order. */
  usedOutputs(): PinHistory[] {
    return [...this.pins.entries()].filter(([, p]) => p.history.values.length > 0).sort((a, b) => a[0] - b[0]).map(([, p]) => p.history);
  }
}
