/** Retry timing shared by the async edges and the store writer. */
export interface BackoffOptions {
  /** Delay before the first retry, ms (default 100). */
  minMs?: number;
  /** The longest delay, ms (default 30 000). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
}

/**
 * Delay before retry number `attempt` (1 for the first retry): exponential,
 * capped, without jitter so a run on a virtual clock repeats exactly.
 */
export function backoffDelayMs(attempt: number, opts: BackoffOptions = {}): number {
  const min = opts.minMs ?? 100;
  const max = opts.maxMs ?? 30_000;
  const factor = opts.factor ?? 2;
  const d = min * Math.pow(factor, attempt - 1);
  return d > max ? max : d;
}
