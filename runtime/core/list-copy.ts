/**
 * Copy-on-write edits of the small lists the runtime replaces instead of
 * mutating (a thing's connections, a scheduler's tasks, groups and timers),
 * so a loop over the old list is never disturbed.
 *
 * Plain loops rather than `concat`/`filter`/`sort`/`indexOf`: with Moddable's default
 * `"strip": "*"` the XS linker keeps a built-in only when some linked code
 * names it, and each such name keeps Array's, TypedArray's and Iterator's
 * method of that name: 8.8 KB of C in a pico lux demo for these cold paths
 * (docs/performance.md, firmware).
 */

/** A copy of `list` with `item` inserted at index `at` (`list.length` appends). */
export function withInserted<T>(list: readonly T[], at: number, item: T): T[] {
  const out: T[] = [];
  for (let i = 0; i < at; i++) out.push(list[i]);
  out.push(item);
  for (let i = at; i < list.length; i++) out.push(list[i]);
  return out;
}

/** A copy of `list` without the item at index `at`. */
export function withRemoved<T>(list: readonly T[], at: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) if (i !== at) out.push(list[i]);
  return out;
}

/** Where `item` is in `list` (by identity), or -1: `indexOf`, which would link three built-ins (Array's, TypedArray's, String's). */
export function indexIn<T>(list: readonly T[], item: T): number {
  for (let i = 0; i < list.length; i++) if (list[i] === item) return i;
  return -1;
}
