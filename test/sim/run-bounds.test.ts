/**
 * The checks behind the CLI, as the API gives them: run bounds, fault specs,
 * a run ended early by its signal, failures an app reports.
 */
import { createSimDevice } from '../../sim/device';
import { checkFaultSpec, checkFaultWithin, parseFault } from '../../sim/faults';
import { runSimulation } from '../../sim/run';
import { checkRunBounds, formatSpan, MAX_RUN_MS, SimOptionsError } from '../../sim/run-bounds';
import { fromIterable } from '../../runtime/core/from-iterable';

const H = 3_600_000;

describe('run bounds', () => {
  test.each([
    [0, Infinity, /longer than 0/],
    [MAX_RUN_MS + 1, Infinity, /longer than the longest run, 31 days/],
    [H, 1e-300, /speed must be from 0\.01 to 1000000/],
    [H, 2e6, /speed must be from/],
    [H, NaN, /speed must be from/],
    [24 * H, 0.01, /would take about 100 days of real time/],
  ])('duration %d ms at speed %d is refused', (durationMs, speed, message) => {
    expect(() => checkRunBounds(durationMs, speed)).toThrow(SimOptionsError);
    expect(() => checkRunBounds(durationMs, speed)).toThrow(message);
  });

  test('the longest run is allowed, at max speed and in real time', () => {
    expect(() => checkRunBounds(MAX_RUN_MS, Infinity)).not.toThrow();
    expect(() => checkRunBounds(MAX_RUN_MS, 1)).not.toThrow();
  });

  test('runSimulation refuses the same, before the app runs', async () => {
    let ran = false;
    await expect(runSimulation(() => { ran = true; }, { speed: 1e-300 })).rejects.toThrow(SimOptionsError);
    await expect(runSimulation(() => { ran = true; }, { durationMs: 2 * H, faults: ['tmp102:nack@3h'] })).rejects.toThrow(/would never strike/);
    await expect(runSimulation(() => { ran = true; }, { faults: ['sht31:nack'] })).rejects.toThrow(SimOptionsError);
    expect(ran).toBe(false);
  });

  test('spans for people', () => {
    expect(formatSpan(144_000)).toBe('2m24s');
    expect(formatSpan(MAX_RUN_MS)).toBe('31 days');
    expect(formatSpan(1e6 * 86_400_000)).toBe('2700 years');
  });
});

describe('fault checks', () => {
  test.each([
    [{ kind: 'nack', fromMs: 2 * H, toMs: H }, /ends before it starts \(2h00m00s to 1h00m00s\)/],
    [{ kind: 'nack', fromMs: H, toMs: H }, /is empty/],
    [{ kind: 'nack', fromMs: -1 }, /give a time from 0 on/],
    [{ kind: 'dropout', probability: 1.5 }, /chance must be in 0\.\.1/],
    [{ kind: 'spike', magnitude: Infinity }, /size must be a finite number/],
    [{ kind: 'melt' }, /bad fault kind 'melt'/],
  ])('%j is refused, in code as on the command line', (spec, message) => {
    expect(() => checkFaultSpec(spec as never)).toThrow(message);
    const { board } = createSimDevice({ parts: 'standard' });
    expect(() => board.fault('tmp102', spec as never)).toThrow(message);
  });

  test('a fault after the run would never strike', () => {
    expect(() => checkFaultWithin(parseFault('tmp102:nack@25h').spec, 24 * H, 'tmp102:nack@25h')).toThrow(/starts at 25h00m00s, when the run \(24h00m00s\) is over/);
    expect(() => checkFaultWithin(parseFault('tmp102:nack@23h-25h').spec, 24 * H)).not.toThrow();
  });

  test('the command line wants units; code keeps bare seconds', () => {
    expect(() => parseFault('tmp102:nack@6-7', { requireUnit: true })).toThrow(/duration '6' has no unit/);
    expect(parseFault('tmp102:nack@6-7').spec).toEqual({ kind: 'nack', fromMs: 6000, toMs: 7000 });
    expect(parseFault('tmp102:nack@0-1h', { requireUnit: true }).spec).toEqual({ kind: 'nack', fromMs: 0, toMs: H }); // 0 needs no unit
  });
});

describe('a run ended early, and failures an app reports', () => {
  test('a signal ends the run where it got to; the plot covers what ran', async () => {
    const signal = { aborted: false };
    let samples = 0;
    const r = await runSimulation(({ scheduler, plot }) => {
      const src = fromIterable(Array.from({ length: 1000 }, (_, i) => i));
      src.connect({ onNext: () => { if (++samples === 30) signal.aborted = true; }, onCompleted() {}, onError() {} });
      plot.track(src, { name: 'n' });
      scheduler.schedulePeriodic(src, 60);
    }, { durationMs: 24 * H, speed: 1e6, signal });
    expect(r.interrupted).toBe(true);
    expect(r.plannedMs).toBe(24 * H);
    expect(r.durationMs).toBeLessThan(24 * H);
    expect(r.durationMs).toBeGreaterThanOrEqual(29 * 60_000);
    expect(r.svg).not.toMatch(/24 h simulated/);
  });

  test('ctx.fail is listed in the result; the run still goes to its end', async () => {
    const r = await runSimulation(({ fail }) => () => fail('the broker never answered'), { durationMs: H });
    expect(r.failures).toEqual(['the broker never answered']);
    expect(r.interrupted).toBe(false);
    expect(r.durationMs).toBe(H);
  });
});
