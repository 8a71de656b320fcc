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
import { CLOCKS_LEARNING_TIME, setWallClock, type ModdableClock } from './clock';

setWallClock(() => Date.now());

/**
 * The board's wall clock was set (hosts/moddable/setup-network.ts, at an SNTP answer): the clocks
 * made before, their `epochMs` still 0, take it, and the scheduler stamps events with it from its
 * next wake. (The app starts without the time when it starts before the network: `wifiWaitMs`.)
 * Here, not in `./clock`: a board without a wall clock never learns one.
 */
export function wallClockWasSet(): void {
  const g = globalThis as { [CLOCKS_LEARNING_TIME]?: ModdableClock[] };
  const learning = g[CLOCKS_LEARNING_TIME];
  const wall = Date.now();
  if (learning === undefined || wall < PLAUSIBLE_EPOCH_MS) return;
  for (let i = 0; i < learning.length; i++) learning[i].epochMs = wall - learning[i].now();
  g[CLOCKS_LEARNING_TIME] = undefined;
}
