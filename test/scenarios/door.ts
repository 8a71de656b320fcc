/**
 * The exported door detector (examples/door-model.ts) in the board's flow, on
 * two engines. The model file has no imports, so test/xs/door.test.ts puts its
 * text in front of this file's and runs the whole on Node and on XS: the
 * `declare`d names below are the model's.
 *
 * Inputs: every threshold of the tree and its neighbours (both sides of each
 * split), then a synthetic day of a door swinging through every angle in
 * light from night to noon.
 */
import type { Out, ScenarioTable, ThingflowRuntime } from './scenario';

declare const FEATURE: readonly number[];
declare const THRESHOLD: readonly number[];
declare function doorOpen(lux: number, accelZ: number): boolean;

const G = 9.80665;
const LEFT_OPEN_MINUTES = 10;

/** Light and tilt rows that cross each of the tree's splits. */
function edgeRows(): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < FEATURE.length; i++) {
    if (FEATURE[i] < 0) continue;
    for (const v of [THRESHOLD[i] - 1e-9, THRESHOLD[i], THRESHOLD[i] + 1e-9]) {
      for (const other of [0.01, 50, 5000, -G, -G / 2, 0]) rows.push(FEATURE[i] === 0 ? [v, other] : [other, v]);
    }
  }
  return rows;
}

/** A day of minutes: the door opens through 0..90° and back, light from 0.01 lux to 10 klux. */
function dayRows(): number[][] {
  const rows: number[][] = [];
  for (let m = 0; m < 1440; m++) {
    const angle = m % 180 < 30 ? (m % 180) * 3 : m % 180 < 60 ? 90 : 0;
    const lux = Math.pow(10, -2 + 6 * Math.sin((Math.PI * m) / 1440));
    rows.push([lux, -G * Math.sin((angle * Math.PI) / 180)]);
  }
  return rows;
}

export const scenarios: ScenarioTable = {
  'door tree: both sides of every split'(tf: ThingflowRuntime, out: Out) {
    const rows = edgeRows();
    let line = '';
    for (const r of rows) line += doorOpen(r[0], r[1]) ? '1' : '0';
    out(`${rows.length} rows: ${line}`);
  },

  'door flow: a day of minutes, open and left open'(tf: ThingflowRuntime, out: Out) {
    const clock = new tf.VirtualClock();
    const scheduler = new tf.Scheduler(clock);
    const rows = dayRows();
    let lux = 0;
    const minutes = tf.fromIterable(rows);
    // As on the board: the latest light reading beside each tilt sample.
    const tilt = minutes.map((r: number[]) => { lux = r[0]; return r[1]; });
    const open = tilt.map((z: number) => doorOpen(lux, z));
    let openMinutes = 0;
    open.connect((o: boolean) => { if (o) openMinutes++; });
    open
      .scan((minutes: number, isOpen: boolean) => (isOpen ? minutes + 1 : 0), 0)
      .map((minutes: number) => minutes >= LEFT_OPEN_MINUTES)
      .distinctUntilChanged()
      .connect({
        onNext: (left: boolean) => out(`${clock.elapsed / 60_000} min: left open ${left}`),
        onCompleted: () => out(`done: ${openMinutes} of ${rows.length} minutes open`),
        onError: (e: any) => out(`error ${e && e.message}`),
      });
    scheduler.schedulePeriodic(minutes, 60);
    scheduler.run();
    clock.runUntilIdle();
  },
};
