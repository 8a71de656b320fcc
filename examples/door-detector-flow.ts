/**
 * The garage door detector as a board runs it (manifests/door-detector), and
 * the simulator too (examples/door-sensors.ts and examples/door-detector.ts
 * mount the simulated board on the door first): the TSL2591's light and the
 * ADXL345's tilt once a minute, the exported tree (examples/door-model.ts)
 * says open or shut, and the LED comes on once the door has been open
 * LEFT_OPEN_MINUTES minutes in a row: "left open".
 *
 *   TSL2591 lux ─────────────┐ (latest reading)
 *   ADXL345 z ── map(doorOpen(lux, z)) ── scan(minutes open in a row) ── map(≥ 10) ── distinctUntilChanged ── LED
 *
 * Only `device` differs between the simulator and a board. Synchronous and
 * importing its runtime modules one by one, as examples/lux-demo-flow.ts does,
 * so a board's firmware carries only these (tools/app-modules.ts).
 */
import type { SensorEvent } from '../runtime/core/input-thing';
import type { OutputThing } from '../runtime/core/output-thing';
import '../runtime/filters/map';
import '../runtime/filters/scan';
import '../runtime/filters/distinct-until-changed';
import { ADXL345 } from '../runtime/sensors/adxl345';
import { DigitalOutput } from '../runtime/sensors/digital-output';
import { ecma419Source } from '../runtime/sensors/ecma419-source';
import { TSL2591 } from '../runtime/sensors/tsl2591';
import type { SimAppContext } from '../sim/run';
import { doorOpen } from './door-model';

export const DOOR_SAMPLE_SEC = 60;
export const LEFT_OPEN_MINUTES = 10;

export interface DoorStreams {
  /** Illuminance in the garage, lux (sensorId `lux`). */
  light: OutputThing<SensorEvent<number>>;
  /** Acceleration along the board's z axis, m/s² (sensorId `accel_z`): 0 shut, −9.8 wide open. */
  tilt: OutputThing<SensorEvent<number>>;
}

export interface DoorDecisions {
  /** The tree's answer for each minute. */
  open: OutputThing<boolean>;
  /** True once the door has been open LEFT_OPEN_MINUTES minutes in a row, false when it shuts. */
  leftOpen: OutputThing<boolean>;
}

/** Sample the door's sensors: light first, then tilt, at the same instants. */
export function doorSensors(ctx: SimAppContext): DoorStreams {
  const bus = { ...ctx.device.I2C.default, io: ctx.device.io.SMBus };
  // The sources make the drivers: a part that does not answer at boot is tried again at each sample (skipped reads), not the end of the app.
  const light = ecma419Source<number>(() => new TSL2591({ sensor: bus }), 'illuminance', { id: 'lux', readErrors: 'skip' });
  const tilt = ecma419Source<number>(() => new ADXL345({ sensor: bus }), 'z', { id: 'accel_z', readErrors: 'skip' });
  ctx.scheduler.schedulePeriodic(light, DOOR_SAMPLE_SEC);
  ctx.scheduler.schedulePeriodic(tilt, DOOR_SAMPLE_SEC);
  return { light, tilt };
}

/** The detector's flow on the door's streams. */
export function detectDoor(streams: DoorStreams): DoorDecisions {
  let lux = 0;
  streams.light.connect((e) => { lux = e.val; });
  const open = streams.tilt.map((e) => doorOpen(lux, e.val));
  const leftOpen = open
    .scan((minutes: number, isOpen: boolean) => (isOpen ? minutes + 1 : 0), 0)
    .map((minutes) => minutes >= LEFT_OPEN_MINUTES)
    .distinctUntilChanged();
  return { open, leftOpen };
}

/** Detect on the door's streams and drive the board's LED: on while the door is left open. */
export function doorDetectorOnStreams(ctx: SimAppContext, streams: DoorStreams): DoorDecisions {
  const decisions = detectDoor(streams);
  decisions.leftOpen.connect(new DigitalOutput({ io: ctx.device.io.Digital, pin: ctx.device.pin.led }));
  return decisions;
}

/** The detector as a board runs it: the board is on the door already. */
export default function doorDetectorOnBoard(ctx: SimAppContext): void {
  doorDetectorOnStreams(ctx, doorSensors(ctx));
  ctx.log(`door detector: light and tilt every ${DOOR_SAMPLE_SEC} s → tree → LED on pin ${ctx.device.pin.led} after ${LEFT_OPEN_MINUTES} open minutes in a row`);
}
