/**
 * The garage door detector, exported by examples/door-analysis.ts: do not edit,
 * re-run `npx tsx examples/door-week.ts`. Fitted on days 1-6 of the simulated week (seed 1); 100.00 % of the minutes of day 7 right.
 *
 * A decision tree (ml-cart) as plain numbers, so it runs on XS with no
 * library: node i is a leaf when FEATURE[i] < 0 (OPEN[i] is its answer);
 * otherwise go to LEFT[i] when the feature's value is below THRESHOLD[i],
 * RIGHT[i] when not. Features: 0 is light in lux (TSL2591), 1 is the
 * ADXL345's z axis in m/s².
 */
export const FEATURE: readonly number[] = [1, -1, -1];
export const THRESHOLD: readonly number[] = [-2.0877438476562498, 0, 0];
export const LEFT: readonly number[] = [1, -1, -1];
export const RIGHT: readonly number[] = [2, -1, -1];
export const OPEN: readonly number[] = [0, 1, 0];

/** Is the door open, judging by one minute's light and tilt? */
export function doorOpen(lux: number, accelZ: number): boolean {
  let i = 0;
  while (FEATURE[i] >= 0) i = (FEATURE[i] === 0 ? lux : accelZ) < THRESHOLD[i] ? LEFT[i] : RIGHT[i];
  return OPEN[i] === 1;
}
