/**
 * `--record`: every sensor's events, as the app's scheduler samples them,
 * into one recording. The app is not changed: each `SensorAsOutputThing` the
 * app schedules gets one more connection, a tap that hands its events to the
 * recording's writer (the writer sees `onCompleted` once, when the run ends,
 * not when the first sensor completes).
 */
import { SensorAsOutputThing } from '../runtime/core/sensor';
import type { InputThing, SensorEvent } from '../runtime/core/input-thing';
import type { Scheduler } from '../runtime/scheduler/scheduler';
import { watchScheduled } from './watch-scheduled';

/** One tap shared by every sensor: events go on, each sensor's end is only counted. */
class SensorTap implements InputThing<SensorEvent<unknown>> {
  events = 0;
  ended = 0;
  constructor(private readonly writer: InputThing<SensorEvent<unknown>>) {}
  onNext(x: SensorEvent<unknown>): void {
    this.events++;
    this.writer.onNext(x);
  }
  onCompleted(): void {
    this.ended++;
  }
  onError(): void {
    this.ended++;
  }
}

export interface SensorRecording {
  /** Events recorded so far. */
  readonly events: number;
  /** End the recording: the writer gets `onCompleted` (and closes its file). */
  close(): void;
}

/**
 * Tap every sensor `scheduler` is asked to schedule from now on (by
 * `schedulePeriodic` or `scheduleSensor`) into `writer`, e.g. a
 * `RecordWriter` on a file. Call before the app wires its flow.
 */
export function recordSensors(scheduler: Scheduler, writer: InputThing<SensorEvent<unknown>>): SensorRecording {
  const tap = new SensorTap(writer);
  let closed = false;
  watchScheduled(scheduler, (thing) => {
    if (thing instanceof SensorAsOutputThing && !closed) thing.connect(tap);
  });
  return {
    get events() {
      return tap.events;
    },
    close() {
      if (closed) return;
      closed = true;
      writer.onCompleted();
    },
  };
}
