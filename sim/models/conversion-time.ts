/**
 * The time of the conversion a sensor's data registers hold at `now`: the
 * latest multiple of its conversion period on the board's clock. A sensor
 * converts on its own clock and a read returns its latest conversion, not
 * the world at the instant of the read; so a reading depends on which
 * conversion it is, not on the millisecond its read happened to come. The
 * simulator on Node reads at the scheduler's exact instants, firmware on the
 * emulated Pico a few milliseconds later (its own code runs first): both see
 * the same conversion, and the same bytes.
 */
export function conversionTime(now: number, periodMs: number): number {
  return now - (now % periodMs);
}
