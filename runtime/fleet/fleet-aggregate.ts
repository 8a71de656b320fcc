/**
 * A flow over a fleet's readings: every device's latest value, aggregated. Connect it to the
 * devices' streams (an `MqttReader` on `fleet/+/lux` whose events carry the device as `sensorId`)
 * and schedule it: each time the scheduler samples it, it emits a `FleetSnapshot` — how many
 * devices it knows, how many reported within `missingAfterSec`, which are missing, and the mean,
 * min and max of the latest values of those reporting.
 *
 * ```ts
 * const summary = new FleetAggregate(new MqttReader(client, 'fleet/+/lux'), { missingAfterSec: 180 });
 * scheduler.schedulePeriodic(summary, 60);
 * summary.connect(fleetThing.propertyInput('reporting'))...
 * ```
 */
import { Filter } from '../core/filter';
import type { SensorEvent } from '../core/input-thing';
import type { OutputThing } from '../core/output-thing';

export interface FleetSnapshot {
  /** Scheduler time of the snapshot, seconds. */
  ts: number;
  devices: number;
  reporting: number;
  missing: number;
  /** The first `listMissing` missing devices, in the order they were first seen. */
  missingIds: (string | number)[];
  mean: number | null;
  min: number | null;
  max: number | null;
}

export interface FleetAggregateOptions {
  /** A device whose latest reading is older than this (scheduler seconds) is missing. Default 180. */
  missingAfterSec?: number;
  /** How many missing ids a snapshot lists. Default 10. */
  listMissing?: number;
  /** Devices tracked at most; readings from more are counted in `overLimit` and ignored. Default 10,000. */
  maxDevices?: number;
}

interface DeviceState { val: number; seenSec: number }

export class FleetAggregate extends Filter<SensorEvent<number>, FleetSnapshot> {
  /** Readings ignored because `maxDevices` were already tracked, or whose value was not a finite number. */
  overLimit = 0;
  rejected = 0;
  private readonly missingAfterSec: number;
  private readonly listMissing: number;
  private readonly maxDevices: number;
  private readonly devices = new Map<string | number, DeviceState>();
  /** The scheduler's time at the latest snapshot: readings are stamped with it (they carry device time, not ours). */
  private nowSec = 0;

  constructor(previous: OutputThing<SensorEvent<number>>, opts: FleetAggregateOptions = {}) {
    super(previous);
    this.missingAfterSec = opts.missingAfterSec ?? 180;
    this.listMissing = opts.listMissing ?? 10;
    this.maxDevices = opts.maxDevices ?? 10_000;
  }

  override onNext(e: SensorEvent<number>): void {
    if (typeof e.val !== 'number' || !Number.isFinite(e.val)) {
      this.rejected++;
      return;
    }
    const known = this.devices.get(e.sensorId);
    if (known !== undefined) {
      known.val = e.val;
      known.seenSec = this.nowSec;
    } else if (this.devices.size < this.maxDevices) {
      this.devices.set(e.sensorId, { val: e.val, seenSec: this.nowSec });
    } else {
      this.overLimit++;
    }
  }

  override observe(timestampSec: number): void {
    this.nowSec = timestampSec;
    let reporting = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    const missingIds: (string | number)[] = [];
    for (const [id, d] of this.devices) {
      if (timestampSec - d.seenSec > this.missingAfterSec) {
        if (missingIds.length < this.listMissing) missingIds.push(id);
        continue;
      }
      reporting++;
      sum += d.val;
      if (d.val < min) min = d.val;
      if (d.val > max) max = d.val;
    }
    this.dispatchNext({
      ts: timestampSec,
      devices: this.devices.size,
      reporting,
      missing: this.devices.size - reporting,
      missingIds,
      mean: reporting > 0 ? sum / reporting : null,
      min: reporting > 0 ? min : null,
      max: reporting > 0 ? max : null,
    });
  }
}
