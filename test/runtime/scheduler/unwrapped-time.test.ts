/**
 * UnwrappedTime, the one place raw ticks are compared: milliseconds that keep
 * counting across the clock's wrap, and the same answer whether a step is in
 * range as it is or needs the remainder (a tick a whole period off, a wrap).
 */
import type { Clock } from '../../../runtime/scheduler/clock';
import { UnwrappedTime } from '../../../runtime/scheduler/unwrapped-time';

/** A clock that reports whatever tick the test sets. */
function settableClock(period?: number): Clock & { tick: number } {
  return { tick: 0, period, now() { return this.tick; }, wake() {} };
}

describe('UnwrappedTime', () => {
  test('counts on across a wrap, forwards and (a clock read early) backwards', () => {
    const clock = settableClock(2 ** 16);
    clock.tick = 2 ** 16 - 300;
    const time = new UnwrappedTime(clock);
    clock.tick = 2 ** 16 - 100;
    expect(time.read()).toBe(200);
    clock.tick = 400; // wrapped
    expect(time.read()).toBe(700);
    clock.tick = 2 ** 16 - 50; // 450 back, across the wrap again
    expect(time.read()).toBe(250);
    expect(time.lastTick).toBe(2 ** 16 - 50);
  });

  test('a step of almost half a period either way is taken as it is; at half a period it counts back', () => {
    const period = 2 ** 16;
    const clock = settableClock(period);
    const time = new UnwrappedTime(clock);
    clock.tick = period / 2 - 1;
    expect(time.read()).toBe(period / 2 - 1);
    clock.tick = 0;
    expect(time.read()).toBe(0);
    clock.tick = period / 2; // exactly half: [-period/2, period/2), so backwards
    expect(time.read()).toBe(-period / 2);
  });

  test('a tick outside [0, period), a whole number of periods off, reads as the tick it stands for', () => {
    const period = 2 ** 32;
    const clock = settableClock(period);
    clock.tick = 1000;
    const time = new UnwrappedTime(clock);
    clock.tick = 1000 + 60_000 + 3 * period;
    expect(time.read()).toBe(60_000);
    clock.tick = 1000 + 120_000 - 2 * period;
    expect(time.read()).toBe(120_000);
  });

  test('a clock without a period is never wrapped and sleeps are unbounded', () => {
    const clock = settableClock();
    const time = new UnwrappedTime(clock);
    clock.tick = 2 ** 40;
    expect(time.read()).toBe(2 ** 40);
    expect(time.maxSleepMs).toBe(Infinity);
  });
});
