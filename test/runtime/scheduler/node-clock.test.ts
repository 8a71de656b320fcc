/**
 * NodeClock with waits longer than setTimeout allows (issue 11, item 4):
 * Node turns a delay over 2^31 − 1 ms into 1 ms, so a 30-day interval became
 * a busy loop. Real timers, real time (a few hundred ms of it).
 */
import { NodeClock, NODE_MAX_TIMEOUT_MS } from '../../../hosts/node/clock';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { SensorAsOutputThing } from '../../../runtime/core/sensor';

const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects the process warnings emitted while `body` runs. */
async function warningsDuring(body: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error) => seen.push(w.name);
  process.on('warning', onWarning);
  try {
    await body();
    await sleep(20); // warnings are emitted on a later tick
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

describe('NodeClock: waits longer than setTimeout allows', () => {
  test('a scheduler with a 30-day interval samples once at run() and then sleeps (no 1 ms busy loop)', async () => {
    const clock = new NodeClock();
    const scheduler = new Scheduler(clock);
    let samples = 0;
    const monthly = new SensorAsOutputThing({ sensorId: 'monthly', sample: () => ++samples });
    monthly.connect(() => {});
    scheduler.schedulePeriodic(monthly, 30 * 86400);
    const warnings = await warningsDuring(async () => {
      scheduler.run();
      await sleep(300);
    });
    scheduler.stop();
    expect(samples).toBe(1);
    expect(scheduler.wakeCount).toBe(0);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });

  test('a 30-day wake does not call back early and warns nothing; cancel drops it', async () => {
    const clock = new NodeClock();
    let called = 0;
    const warnings = await warningsDuring(async () => {
      clock.wake(30 * DAY_MS, () => { called++; });
      await sleep(200);
    });
    clock.cancel();
    expect(called).toBe(0);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });

  test('a long wait is slept in legs and calls back once, after the whole wait', async () => {
    const clock = new NodeClock({ maxLegMs: 40 });
    const started = clock.now();
    let calledAt = -1;
    let calls = 0;
    clock.wake(130, () => { calls++; calledAt = clock.now() - started; });
    await sleep(400);
    expect(calls).toBe(1);
    expect(clock.legs).toBe(3); // 40 + 40 + 40 + 10
    expect(calledAt).toBeGreaterThanOrEqual(129); // setTimeout may round down by under 1 ms
  });

  test('the leg length is bounded by what setTimeout honours', () => {
    expect(() => new NodeClock({ maxLegMs: NODE_MAX_TIMEOUT_MS + 1 })).toThrow(RangeError);
    expect(() => new NodeClock({ maxLegMs: 0 })).toThrow(RangeError);
  });
});

/**
 * A machine whose system clock is stepped while the app runs: a Raspberry Pi has no RTC and boots with the time it
 * saved at shutdown, then NTP steps it, often after the app started. The clock's epoch was `performance.timeOrigin`,
 * taken once at the process's start, so every event stamped after the step was off by it for good. The wall clock
 * is read through `wallMs` (Date.now unless given): here one that steps, on real timers.
 */
describe('NodeClock: the system clock stepped while it runs', () => {
  const HOUR_MS = 3_600_000;

  async function stampsAcrossAStep(stepMs: number): Promise<{ before: number[]; after: number[] }> {
    let step = 0;
    const clock = new NodeClock({ wallMs: () => Date.now() + step });
    const scheduler = new Scheduler(clock);
    const stamps: { ts: number; wall: number }[] = [];
    const sensor = new SensorAsOutputThing({ sensorId: 'tick', sample: () => 1 });
    sensor.connect((e) => stamps.push({ ts: e.ts * 1000, wall: Date.now() + step }));
    scheduler.schedulePeriodic(sensor, 0.05);
    scheduler.run();
    await sleep(200);
    step = stepMs;
    const stepAt = stamps.length;
    await sleep(200);
    scheduler.stop();
    // Each event's time less the (stepped) wall clock's when it arrived.
    const offsets = stamps.map((s) => s.ts - s.wall);
    return { before: offsets.slice(0, stepAt), after: offsets.slice(stepAt + 1) };
  }

  test('stepped forward an hour (NTP after a boot without the time): the events after carry the new time', async () => {
    const { before, after } = await stampsAcrossAStep(HOUR_MS);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(after.length).toBeGreaterThanOrEqual(2);
    for (const offset of [...before, ...after]) expect(Math.abs(offset)).toBeLessThan(50);
  });

  test('stepped back a day: the same', async () => {
    const { before, after } = await stampsAcrossAStep(-24 * HOUR_MS);
    expect(after.length).toBeGreaterThanOrEqual(2);
    for (const offset of [...before, ...after]) expect(Math.abs(offset)).toBeLessThan(50);
  });

  test('without a step the epoch stays put: the wall clock and the monotonic one read a moment apart do not move it', () => {
    const clock = new NodeClock();
    const first = clock.epochMs;
    for (let i = 0; i < 1000; i++) expect(clock.epochMs).toBe(first);
    expect(Math.abs(first - (Date.now() - performance.now()))).toBeLessThan(50);
  });
});
