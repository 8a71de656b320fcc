/**
 * Parse `24h`, `90m`, `30s`, `1500ms`, `1d`, `1h30m` into milliseconds. A bare
 * number is seconds, unless `requireUnit` (the command line) refuses it: is
 * `90` ninety seconds or ninety minutes? Only `0` needs no unit then.
 */
export function parseDuration(text: string, opts: { requireUnit?: boolean } = {}): number {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) {
    if (opts.requireUnit && Number(s) !== 0) throw new RangeError(`duration '${text}' has no unit: write ${s}s, ${s}m, ${s}h or ${s}d`);
    return Number(s) * 1000;
  }
  const re = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/gy;
  let total = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const n = Number(m[1]);
    total += n * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 86_400_000);
    end = re.lastIndex;
  }
  if (end === 0 || end !== s.length) throw new RangeError(`bad duration '${text}' (use e.g. 24h, 90m, 30s, 1500ms, 1h30m)`);
  return total;
}

/**
 * `3725000` → `1h02m05s`, `1500` → `1.5s`, for progress lines, summaries and errors. Rounded to the
 * millisecond, never floored: an LED high for 1,999.7 ms was high for `2s`, and `1500ms` and `1200ms`
 * must not both read `1s`. What it prints, `parseDuration` reads back.
 */
export function formatDuration(ms: number): string {
  const totalMs = Math.round(ms);
  const total = Math.floor(totalMs / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const fraction = totalMs % 1000 === 0 ? '' : `.${String(totalMs % 1000).padStart(3, '0').replace(/0+$/, '')}`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const s = total % 60;
  return h > 0 ? `${h}h${pad(m)}m${pad(s)}${fraction}s` : m > 0 ? `${m}m${pad(s)}${fraction}s` : `${s}${fraction}s`;
}

/** Milliseconds since the start of the simulated day → `HH:MM`. */
export function formatClock(ms: number): string {
  const minutes = Math.floor(ms / 60_000) % 1440;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
