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
import { PLAUSIBLE_EPOCH_MS } from '../../runtime/scheduler/clock';
import { WALL_CLOCKS, setWallClock, type ModdableClock } from './clock';

setWallClock(() => Date.now());

/**
 * The board's wall clock was set (hosts/moddable/setup-network.ts, at each SNTP answer): the app's clocks
 * take it, and the scheduler stamps events with it from its next wake: the time learnt (an app starts
 * without it when it starts before the network: `wifiWaitMs`), or set again (a re-sync: a board's crystal
 * drifts). Here, not in `./clock`: a board without a wall clock never learns one.
 */
export function wallClockWasSet(): void {
  const clocks = (globalThis as { [WALL_CLOCKS]?: ModdableClock[] })[WALL_CLOCKS];
  const wall = Date.now();
  if (clocks === undefined || wall < PLAUSIBLE_EPOCH_MS) return;
  for (let i = 0; i < clocks.length; i++) clocks[i].epochMs = wall - clocks[i].now();
}
