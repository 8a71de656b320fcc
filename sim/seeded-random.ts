/**
 * Deterministic randomness for the simulator: the same seed gives the same
 * day, so a plot or a failing test can be reproduced exactly.
 */

/** A small, fast PRNG (mulberry32): `next()` is uniform in [0, 1). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Approximately normal noise with standard deviation `sd` (sum of four uniforms). */
  gaussian(sd: number): number {
    const s = this.next() + this.next() + this.next() + this.next() - 2;
    return s * sd * 1.7320508; // variance of the sum is 4/12; scale to 1
  }
}

/** A stateless hash of (seed, k) into [0, 1): value noise that depends only on time, not on who asks. */
export function hashUnit(seed: number, k: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(k | 0, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
