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
import { setWallClock } from './clock';

setWallClock(() => Date.now());
