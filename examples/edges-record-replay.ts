/**
 * Record and replay: run the lux demo on the simulated board for an
 * afternoon and evening with every sensor recorded to CSV, then run the very
 * same app with its light and temperature parts reading the recording
 * instead of the simulated world (on another seed, so the world differs).
 * The LED switches at the same instants. Finally replay the recording
 * straight into a flow with `ReplaySource`, on a VirtualClock.
 * Run it: `npx tsx examples/edges-record-replay.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import luxDemo from './lux-demo';
import { csvFormat, ReplaySource, Scheduler, VirtualClock, type SensorEvent } from '../runtime/index';
import { fileLineSource } from '../hosts/node/line-file';
import { runSimulation } from '../sim/run';
import { recordingApp, replayingApp, parseReplaySpec } from '../sim/record-replay-app';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'edges-example-'));
const file = join(dir, 'afternoon.csv');

function switchings(r: Awaited<ReturnType<typeof runSimulation>>): string {
  const led = r.device.board.led(r.device.pin.led);
  return led.times.map((t, i) => `${(12 + t / HOUR).toFixed(2)}h ${led.values[i] ? 'on' : 'off'}`).join(', ');
}

async function main(): Promise<void> {
  const opts = { durationMs: 12 * HOUR, startHour: 12 };
  const live = await runSimulation(recordingApp(luxDemo, file), { ...opts, seed: 1 });
  console.log(`live (seed 1):     LED ${switchings(live)}`);

  const app = replayingApp(replayingApp(luxDemo, parseReplaySpec(`tsl2591:lux=${file}`)), parseReplaySpec(`tmp102:temp=${file}`));
  const replayed = await runSimulation(app, { ...opts, seed: 7 });
  console.log(`replayed (seed 7): LED ${switchings(replayed)}`);
  const other = await runSimulation(luxDemo, { ...opts, seed: 7 });
  console.log(`live (seed 7):     LED ${switchings(other)}`);

  // The recording as a stream: the darkest minute of the evening.
  const clock = new VirtualClock();
  const scheduler = new Scheduler(clock);
  const replay = new ReplaySource(fileLineSource(file), csvFormat(), scheduler);
  let darkest: SensorEvent<number> | undefined;
  replay.where((e) => e.sensorId === 'lux').connect({
    onNext: (e) => { if (!darkest || e.val < darkest.val) darkest = e; },
    onCompleted: () => console.log(`replayed ${replay.emitted} events in ${clock.wakes} wakes; darkest: ${darkest!.val.toFixed(2)} lux at ${new Date(darkest!.ts * 1000).toISOString().slice(11, 16)} UTC`),
    onError: (e) => console.log(`replay failed: ${String(e)}`),
  });
  scheduler.run();
  clock.runUntilIdle();
  rmSync(dir, { recursive: true, force: true });
}

void main();
