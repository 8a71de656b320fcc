/**
 * A button on the simulated board's ECMA-419 Digital pin, as a push source:
 * each press and release arrives through onReadable (nothing polls), contact
 * bounce is absorbed, and a press shorter than the debounce window is still
 * seen once the window closes.
 */
import { DigitalEdgeSource } from '../../../runtime/edges/digital-edge-source';
import type { SensorEvent } from '../../../runtime/core/input-thing';
import { fromIterable } from '../../../runtime/core/from-iterable';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { createSimDevice } from '../../../sim/device';
import { SimButton } from '../../../sim/push-button';
import { Recorder } from '../../support/recorder';

function setup(opts: Partial<ConstructorParameters<typeof DigitalEdgeSource>[0]> = {}, periodic = true) {
  const clock = new VirtualClock({ epochMs: Date.UTC(2026, 0, 1) });
  const device = createSimDevice({ clock });
  const scheduler = new Scheduler(clock);
  // Something periodic besides the button, as in most apps (the last test has nothing else).
  if (periodic) scheduler.schedulePeriodic(fromIterable(new Array(100_000).fill(0)), 60);
  const source = new DigitalEdgeSource({ io: device.io.Digital, pin: device.pin.button, invert: true, scheduler, sensorId: 'button', ...opts });
  const out = new Recorder<SensorEvent<number>>();
  source.connect(out);
  const button = new SimButton(device.board, device.pin.button);
  scheduler.run();
  const at = (e: SensorEvent<number>) => `${e.val}@${Math.round(e.ts * 1000 - Date.UTC(2026, 0, 1))}`;
  return { clock, device, scheduler, source, out, button, at };
}

describe('DigitalEdgeSource on the simulated board', () => {
  test('with nothing scheduled but the button (a button-only app), a tap shorter than the debounce still settles: the next press counts', () => {
    const { clock, scheduler, out, button, at } = setup({}, false);
    clock.advance(1000);
    button.press();
    clock.advance(5);
    button.release(); // a tap: inside the window, settled by the source's timer at 1020
    clock.advance(1000);
    button.press(3, 1);
    clock.advance(300);
    button.release();
    clock.advance(1000);
    expect(out.values.map(at)).toEqual(['1@1000', '0@1020', '1@2005', '0@2311']);
    // Between edges nothing is pending: the scheduler sleeps until an edge needs its timer.
    expect(clock.nextWakeIn).toBeUndefined();
    expect(scheduler.isRunning).toBe(false);
  });

  test('a bouncing press and release give one event each, at the first edge', () => {
    const { clock, source, out, button, at } = setup();
    expect(source.value).toBe(0);
    clock.advance(1000);
    button.press(4, 1); // chatters for 8 ms
    clock.advance(500);
    button.release(3, 2);
    clock.advance(500);
    expect(out.values.map(at)).toEqual(['1@1000', '0@1508']);
    expect(source.bounces).toBe(8 + 6);
    expect(out.values[0]).toEqual({ sensorId: 'button', ts: (Date.UTC(2026, 0, 1) + 1000) / 1000, val: 1 });
  });

  test('a press shorter than the debounce window is still reported, when the window closes', () => {
    const { clock, out, button, at } = setup({ debounceMs: 20 });
    clock.advance(100);
    button.press();
    clock.advance(5);
    button.release(); // inside the window: a bounce for now
    clock.advance(100);
    expect(out.values.map(at)).toEqual(['1@100', '0@120']);
  });

  test('edges: rising emits presses only; close releases the pin and completes', () => {
    const { clock, device, source, out, button, at } = setup({ edges: 'rising' });
    for (let i = 0; i < 3; i++) {
      clock.advance(100);
      button.press(2);
      clock.advance(100);
      button.release(2);
    }
    expect(out.values.map(at)).toEqual(['1@100', '1@308', '1@516']);
    source.close();
    expect(out.completed).toBe(true);
    expect(device.board.pins.isFree(device.pin.button)).toBe(true);
  });

  test('a bad edges option is a clear error', () => {
    expect(() => setup({ edges: 'up' as 'rising' })).toThrow(/edges must be rising, falling or both/);
  });
});

/**
 * The button's events and the scheduler's samples on one time line: an edge is stamped as the scheduler stamps
 * a sample (`Scheduler.timestampNow`), where it was stamped with the clock's epoch plus its raw tick.
 */
describe('DigitalEdgeSource stamps on the scheduler\'s time', () => {
  const EPOCH = Date.UTC(2026, 0, 1);

  function withSamples(clockOpts: { period?: number; start?: number }) {
    const clock = new VirtualClock({ epochMs: EPOCH, ...clockOpts });
    const device = createSimDevice({ clock });
    const scheduler = new Scheduler(clock);
    const events = new Recorder<SensorEvent<number>>();
    scheduler.scheduleSensor({ sensorId: 'lux', sample: () => 1 }, 1, events);
    const source = new DigitalEdgeSource({ io: device.io.Digital, pin: device.pin.button, invert: true, scheduler, sensorId: 'button' });
    source.connect(events);
    scheduler.run();
    return { clock, events, button: new SimButton(device.board, device.pin.button) };
  }

  test('after the clock\'s tick count wraps (a board\'s 32-bit ms count, after 49.7 days): the date kept, not a period back', () => {
    const period = 2 ** 16;
    const { clock, events, button } = withSamples({ period, start: period - 1_500 });
    clock.advance(2_500); // wrapped at 1.5 s
    button.press();
    clock.advance(100);
    const press = events.values.find((e) => e.sensorId === 'button')!;
    expect(press.ts * 1000 - EPOCH).toBeCloseTo(period - 1_500 + 2_500, 6);
  });

  test('while the scheduler slews a re-sync of the clock back by 0.3 s: a press just after a sample is stamped after it, on the slewed time', () => {
    const { clock, events, button } = withSamples({});
    clock.advance(10_500);
    (clock as { epochMs: number }).epochMs = EPOCH - 300; // the board was 0.3 s ahead
    clock.advance(501); // the sample at 11 s starts the slew (0.5 ms of it)
    button.press();
    clock.advance(100);
    const sample = events.values.filter((e) => e.sensorId === 'lux').at(-1)!;
    const press = events.values.find((e) => e.sensorId === 'button')!;
    expect(sample.ts * 1000 - EPOCH).toBeCloseTo(11_000 - 0.5, 6);
    expect(press.ts).toBeGreaterThan(sample.ts);
    expect(press.ts * 1000 - EPOCH).toBeCloseTo(11_001 - 0.5, 2);
  });
});
