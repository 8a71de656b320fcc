/**
 * A board's wall clock is often set after its app started: its SNTP answer comes once it joins a
 * network, and an app starts without one after `wifiWaitMs` (hosts/moddable/setup-network.ts).
 * The scheduler took the clock's epoch once, at `run()`, so such a board stamped every event with
 * seconds since boot for good (a fleet gateway saw readings from 1970). The scheduler now reads the
 * clock's `epochMs` again at each wake and takes a new one: the time learnt, or set again (a board
 * re-syncs its clock by SNTP, its crystal drifting seconds a day); the events after carry it.
 */
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import type { Clock } from '../../../runtime/scheduler/clock';
import { Recorder } from '../../support/recorder';

const WALL_AT_TICK_0 = 1_796_650_000_000; // 2026-12-07

/**
 * A virtual clock whose wall time (WALL_AT_TICK_0 plus its unwrapped ms) is unknown until `setWallClock()`, as a
 * board's before its SNTP answer; `setWallClock(correctionMs)` sets it again that much later (a re-sync).
 * Counts the reads of `epochMs`.
 */
function boardClock(opts: { period?: number; start?: number } = {}) {
  const virtual = new VirtualClock({ period: opts.period, start: opts.start });
  let known = false;
  let correction = 0;
  let reads = 0;
  const clock: Clock & { epochReads(): number; setWallClock(correctionMs?: number): void; advance(ms: number): void } = {
    period: virtual.period,
    // As a board's clock: the wall time at tick 0 worked out when asked (wall now less the ticks now), so
    // after the counter wraps it is a period on.
    get epochMs() {
      reads++;
      return known ? WALL_AT_TICK_0 + correction + virtual.elapsed - virtual.now() : 0;
    },
    now: () => virtual.now(),
    wake: (ms, fn) => virtual.wake(ms, fn),
    cancel: () => virtual.cancel(),
    epochReads: () => reads,
    setWallClock: (correctionMs = 0) => { known = true; correction += correctionMs; },
    advance: (ms) => virtual.advance(ms),
  };
  return clock;
}

function run(clock: ReturnType<typeof boardClock>) {
  const s = new Scheduler(clock);
  const rec = new Recorder<any>();
  s.scheduleSensor({ sensorId: 'lux', sample: () => 1 }, 60, rec);
  s.run();
  return rec;
}

test('events after the clock learns the wall time carry it; those before count from the run', () => {
  const clock = boardClock();
  const rec = run(clock);
  clock.advance(125_000); // samples at 0, 60 and 120 s
  clock.setWallClock(); // SNTP answers at 125 s
  clock.advance(120_000); // samples at 180 and 240 s
  expect(rec.values.map((e) => e.ts)).toEqual([0, 60, 120, WALL_AT_TICK_0 / 1000 + 180, WALL_AT_TICK_0 / 1000 + 240]);
});

test('learned across a tick counter\'s wrap: the time is the wall clock\'s, not off by a period', () => {
  const period = 2 ** 16;
  const clock = boardClock({ period, start: period - 30_000 });
  const rec = run(clock);
  clock.advance(65_000); // the counter wraps at 30 s
  clock.setWallClock();
  clock.advance(60_000);
  // Before, seconds since the counter's 0, as any event of a board without the time; then the wall time, not a period off.
  expect(rec.values.map((e) => e.ts)).toEqual([(period - 30_000) / 1000, (period + 30_000) / 1000, (WALL_AT_TICK_0 + period - 30_000 + 120_000) / 1000]);
});

test('a clock set again (a re-sync: the board\'s crystal ran slow, or fast) moves the events after by the correction, those before as they were', () => {
  const clock = boardClock();
  clock.setWallClock();
  const rec = run(clock);
  clock.advance(125_000); // samples at 0, 60 and 120 s
  clock.setWallClock(2_500); // the time server says the board is 2.5 s behind
  clock.advance(60_000); // the sample at 180 s
  clock.setWallClock(-4_000); // and then 4 s ahead
  clock.advance(60_000); // at 240 s
  const sinceWall = rec.values.map((e) => Math.round(e.ts * 1000 - WALL_AT_TICK_0));
  expect(sinceWall).toEqual([0, 60_000, 120_000, 182_500, 238_500]);
});

test('a clock that knows it at run is read when the scheduler is made (for stamps before run), once at run and at each wake (a plain property read); one that never learns it (a board without network time) stamps every event from its tick 0', () => {
  const known = boardClock();
  known.setWallClock();
  const rec = run(known);
  known.advance(600_000);
  expect(rec.values.map((e) => e.ts)).toEqual(Array.from({ length: 11 }, (_, i) => WALL_AT_TICK_0 / 1000 + 60 * i));
  expect(known.epochReads()).toBe(2 + 11);
  const never = boardClock();
  const counted = run(never);
  never.advance(600_000);
  expect(counted.values.map((e) => e.ts)).toEqual(Array.from({ length: 11 }, (_, i) => 60 * i));
});

/** A sensor sampled every second, its stamps as ms since WALL_AT_TICK_0. */
function everySecond(clock: ReturnType<typeof boardClock>) {
  const s = new Scheduler(clock);
  const rec = new Recorder<any>();
  s.scheduleSensor({ sensorId: 'lux', sample: () => 1 }, 1, rec);
  s.run();
  return () => rec.values.map((e) => e.ts * 1000 - WALL_AT_TICK_0);
}

describe('a clock set again by a second or less (a crystal\'s drift between re-syncs: an RP2040\'s in 6 h is 0.65 s at most)', () => {
  test.each([
    ['behind (the board ran fast)', -300],
    ['ahead (the board ran slow)', 300],
  ])('the server %s: slewed at 500 ppm, not stepped, so the stamps never go back; on the new time once the correction is spent', (_what, correctionMs) => {
    const clock = boardClock();
    clock.setWallClock();
    const stamps = everySecond(clock);
    clock.advance(10_000);
    clock.setWallClock(correctionMs); // at 10 s
    clock.advance(700_000);
    const ts = stamps();
    const steps = ts.slice(1).map((t, i) => t - ts[i]);
    // No step: each second's stamp moves by its second, give or take 500 ppm of it.
    expect(steps.filter((d) => Math.abs(d - 1000) > 0.5 + 1e-6)).toEqual([]);
    expect(ts.slice(0, 11)).toEqual(Array.from({ length: 11 }, (_, i) => i * 1000));
    // 300 ms at 0.5 ms a second: 600 s. From then on, the server's time.
    const spentAt = 10 + Math.abs(correctionMs) / 0.5;
    expect(ts[spentAt - 1]).not.toBeCloseTo((spentAt - 1) * 1000 + correctionMs, 3);
    for (let i = spentAt; i < ts.length; i++) expect(ts[i]).toBeCloseTo(i * 1000 + correctionMs, 3);
  });

  test('set again while slewing: the slew heads for the newest time', () => {
    const clock = boardClock();
    clock.setWallClock();
    const stamps = everySecond(clock);
    clock.advance(10_000);
    clock.setWallClock(-300);
    clock.advance(200_000); // 100 ms of it spent
    clock.setWallClock(400); // now +100 from where the slew began
    clock.advance(600_000);
    const ts = stamps();
    const steps = ts.slice(1).map((t, i) => t - ts[i]);
    expect(steps.filter((d) => Math.abs(d - 1000) > 0.5 + 1e-6)).toEqual([]);
    expect(ts[ts.length - 1]).toBeCloseTo((ts.length - 1) * 1000 + 100, 3);
  });

  test('a correction of more than a second is stepped (a clock that far off is wrong, not drifting), as is the time first learnt', () => {
    const clock = boardClock();
    const stamps = everySecond(clock);
    clock.advance(3_000);
    clock.setWallClock(); // learnt at 3 s
    clock.advance(2_000);
    clock.setWallClock(-1_001);
    clock.advance(2_000);
    const beforeTheTime = [0, 1_000, 2_000, 3_000].map((t) => t - WALL_AT_TICK_0); // ms since tick 0
    expect(stamps()).toEqual([...beforeTheTime, 4_000, 5_000, 6_000 - 1_001, 7_000 - 1_001]);
  });
});
