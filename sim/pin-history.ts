/**
 * The level of an output pin over simulated time: what an LED showed. Only
 * changes are stored, so a day of a steady LED is one entry.
 */
export class PinHistory {
  readonly times: number[] = [];
  readonly values: number[] = [];

  constructor(readonly pin: number) {}

  /** Level now (0 before anything was written). */
  get state(): number {
    return this.values.length ? this.values[this.values.length - 1] : 0;
  }

  /** Times the level changed after it was first set. */
  get switchings(): number {
    return Math.max(0, this.values.length - 1);
  }

  record(timeMs: number, value: number): void {
    if (this.values.length && this.values[this.values.length - 1] === value) return;
    if (this.times.length && this.times[this.times.length - 1] === timeMs) {
      // Two writes at the same instant: the last one is what was seen.
      this.values[this.values.length - 1] = value;
      if (this.values.length > 1 && this.values[this.values.length - 2] === value) {
        this.values.pop();
        this.times.pop();
      }
      return;
    }
    this.times.push(timeMs);
    this.values.push(value);
  }

  /** Milliseconds spent at a non-zero level between the first change and `untilMs`. */
  onTime(untilMs: number): number {
    let total = 0;
    for (let i = 0; i < this.times.length; i++) {
      const end = i + 1 < this.times.length ? this.times[i + 1] : untilMs;
      if (this.values[i] !== 0 && end > this.times[i]) total += end - this.times[i];
    }
    return total;
  }

  /** `{ t, value }` pairs, for tests and plots. */
  entries(): { t: number; value: number }[] {
    return this.times.map((t, i) => ({ t, value: this.values[i] }));
  }
}
