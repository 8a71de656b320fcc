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
