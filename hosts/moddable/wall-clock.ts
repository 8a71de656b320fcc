/**
 * Event timestamps in wall-clock time, for a board that knows it: importing
 * this module lets `ModdableClock` read `Date.now()` when it is made.
 *
 * A module of its own because naming `Date` links XS's whole Date built-in
 * (parse, merge, toString: 6.7 KB of C on a pico with Moddable's default
 * strip, docs/performance.md), and a board without network time has no wall
 * clock to read: its `Date.now()` counts from 1970 at reset, and its event
 * timestamps count from boot either way. Network targets get it from
 * `./network` (manifests/thingflow-net.json); a board that sets its time
 * another way (an RTC, GPS) preloads this module in its manifest. Preloaded,
 * so the registration runs at link time (a module `let` assigned only at run
 * time is made const by the XS linker).
 */
import Time from 'time';
import { PLAUSIBLE_EPOCH_MS } from '../../runtime/scheduler/clock';
import { MODDABLE_TICKS_PERIOD, WALL_CLOCKS, setWallClock, type ModdableClock } from './clock';

/**
 * The global where the time last set to the millisecond is kept (`wallClockWasSet(epochMs)`), for the clocks
 * made after it (an app that starts once the board has the time): `Date.now()` has only what `Time.set` could
 * take, whole seconds over the board's own milliseconds. A global, as `WALL_CLOCKS` is: a preloaded module's
 * own variables cannot change at run time.
 */
const WALL_EPOCH = 'thingflowWallEpoch';

interface WallEpoch {
  /** The Unix ms at `Time.ticks >>> 0` = 0 in the count of the set. */
  epochMs: number;
  /** `Time.ticks >>> 0` at the set. */
  atTicks: number;
}

setWallClock(() => {
  const set = (globalThis as { [WALL_EPOCH]?: WallEpoch })[WALL_EPOCH];
  if (set === undefined) return Date.now();
  const ticks = Time.ticks >>> 0;
  // The count wrapped since the set (49.7 days; a re-sync comes every 6 h): its epoch is a period later.
  return set.epochMs + ticks + (ticks < set.atTicks ? MODDABLE_TICKS_PERIOD : 0);
});

/**
 * The board's wall clock was set (hosts/moddable/setup-network.ts, at each SNTP answer): the app's clocks
 * take it, and the scheduler stamps events with it from its next wake: the time learnt (an app starts
 * without it when it starts before the network: `wifiWaitMs`), or set again (a re-sync: a board's crystal
 * drifts). `epochMs`, where the setter knows the time to the millisecond (`./sntp-client`), is the Unix ms
 * at the start of the board's current 2^32 ms count (`Time.ticks >>> 0` = 0), and the clocks made later take
 * it too; without it, `Date.now()`. Here, not in `./clock`: a board without a wall clock never learns one.
 */
export function wallClockWasSet(epochMs?: number): void {
  // Set another way (`Date`'s own), a time kept from an earlier SNTP answer is no longer the board's.
  (globalThis as { [WALL_EPOCH]?: WallEpoch })[WALL_EPOCH] = epochMs === undefined ? undefined : { epochMs, atTicks: Time.ticks >>> 0 };
  const clocks = (globalThis as { [WALL_CLOCKS]?: ModdableClock[] })[WALL_CLOCKS];
  if (clocks === undefined) return;
  for (let i = 0; i < clocks.length; i++) {
    const epoch = epochMs === undefined ? Date.now() - clocks[i].now() : epochMs;
    if (epoch + clocks[i].now() >= PLAUSIBLE_EPOCH_MS) clocks[i].epochMs = epoch;
  }
}
