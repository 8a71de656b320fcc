/**
 * `--replay <part>=<file>`: a recorded trace stands in for what a part on the
 * simulated bus measures. The part's register-level model stays on the bus
 * (the app's driver talks to it as before) but reads the world from the
 * recording instead of the simulated environment, with no noise: at each
 * instant it sees the value the recording held then (the last event at or
 * before it). The driver reads back exactly the recorded numbers: for the
 * temperature parts the recorded value is already a multiple of the
 * register's 1/16 °C; for the TSL2591 the environment is given the light
 * whose channel counts the driver's lux equation turns into the recorded
 * number. The BH1750 is replayed through its own count rounding (within one
 * count, 0.83 lx at the default MTreg).
 *
 * It reads the recording as the clock goes and holds one event ahead, so a
 * long recording costs no memory.
 */
import type { SensorEvent } from '../runtime/core/input-thing';
import { csvFormat, type RecordFormat } from '../runtime/record/record-format';
import type { LineSource } from '../runtime/record/line-io';
import type { SimBoard } from './board';
import { Environment } from './environment';

/** What each replayable part measures. */
const QUANTITY: { readonly [part: string]: 'temperature' | 'lux' } = Object.freeze({
  tmp102: 'temperature',
  mcp9808: 'temperature',
  tsl2591: 'lux',
  bh1750: 'lux',
});

export const REPLAYABLE_PARTS = Object.freeze(Object.keys(QUANTITY));

/** The recording read forward in time, one event ahead. */
class RecordedTrace {
  /** The value in force and the board time of the event after it. */
  value = NaN;
  private nextAt = -Infinity;
  private nextValue = NaN;
  private ended = false;
  /** Events of this sensor read so far. */
  events = 0;

  constructor(
    private readonly lines: LineSource,
    private readonly format: RecordFormat<SensorEvent<unknown>>,
    private readonly sensorId: string | number | undefined,
    private readonly epochMs: number,
    private readonly name: string,
  ) {
    format.startReading();
    if (!this.readNext()) throw new RangeError(`${name}: the recording has no events${sensorId === undefined ? '' : ` of sensor '${String(sensorId)}'`}`);
    this.value = this.nextValue; // before the first event, the first value holds
  }

  /** The recorded value in force at board time `ms`. */
  at(ms: number): number {
    while (!this.ended && this.nextAt <= ms) {
      this.value = this.nextValue;
      if (!this.readNext()) break;
    }
    return this.value;
  }

  private readNext(): boolean {
    for (;;) {
      const line = this.lines.readLine();
      if (line === undefined) {
        this.ended = true;
        this.lines.close();
        return false;
      }
      const e = this.format.parse(line);
      if (e === undefined) continue;
      if (this.sensorId !== undefined && e.sensorId !== this.sensorId) continue;
      const v = Number(e.val);
      if (!Number.isFinite(v)) throw new RangeError(`${this.name}: recorded value ${String(e.val)} at ${e.ts} is not a number`);
      this.nextAt = Math.round(e.ts * 1000 - this.epochMs);
      this.nextValue = v;
      this.events++;
      return true;
    }
  }
}

/** What the TSL2591 model exposes of its state: enough to invert its counts. */
interface Tsl2591State {
  readonly integrationMs: number;
  readonly gain: number;
  readonly infraredRatio: number;
}

/** The datasheet's lux equation, as the runtime's TSL2591 driver computes it from the two channels. */
function tsl2591Lux(c0: number, c1: number, cpl: number): number {
  return c0 === 0 ? 0 : ((c0 - c1) * (1 - c1 / c0)) / cpl;
}

/**
 * The light to give the TSL2591 model so that its channel counts read back
 * as `lux` through the driver: find CH0 (CH1 follows from the infrared ratio)
 * whose lux is exactly the recorded one, and return the light that makes
 * exactly those counts. Falls back to `lux` when no count matches (a
 * recording from another gain).
 */
function tsl2591LightFor(lux: number, part: Tsl2591State): number {
  const cpl = (part.integrationMs * part.gain) / 408;
  const r = part.infraredRatio;
  const k = (1 - r) * (1 - r);
  const guess = Math.round((lux * cpl) / k);
  for (let d = 0; d <= 3; d++) {
    for (const c0 of d === 0 ? [guess] : [guess - d, guess + d]) {
      if (c0 < 0) continue;
      if (tsl2591Lux(c0, Math.round(c0 * r), cpl) === lux) return (c0 * k) / cpl;
    }
  }
  return lux;
}

/** The board's environment, except for the one quantity the recording gives. */
class ReplayEnvironment extends Environment {
  constructor(base: Environment, private readonly trace: RecordedTrace, private readonly quantity: 'temperature' | 'lux', private readonly tsl2591: Tsl2591State | undefined) {
    super(base);
  }
  override temperature(ms: number): number {
    return this.quantity === 'temperature' ? this.trace.at(ms) : super.temperature(ms);
  }
  override lux(ms: number): number {
    if (this.quantity !== 'lux') return super.lux(ms);
    const lux = this.trace.at(ms);
    return this.tsl2591 ? tsl2591LightFor(lux, this.tsl2591) : lux;
  }
}

export interface ReplayPartOptions {
  /** Which sensor's events to take from a recording of several (default: every event in the file). */
  sensorId?: string | number;
  /** The recording's format (default: ThingFlow CSV). */
  format?: RecordFormat<SensorEvent<unknown>>;
  /** Wall-clock milliseconds at board time 0: the simulator's `clock.epochMs`. */
  epochMs: number;
}

export interface ReplayedPart {
  readonly part: string;
  /** Recorded events taken so far. */
  readonly events: number;
}

/**
 * Make the part named `part` (`tmp102`, `mcp9808`, `tsl2591`, `bh1750`) on
 * `board`'s bus measure the recording in `lines` instead of the environment.
 */
export function replayPart(board: SimBoard, part: string, lines: LineSource, opts: ReplayPartOptions): ReplayedPart {
  const quantity = QUANTITY[part];
  if (!quantity) throw new RangeError(`cannot replay '${part}': replayable parts are ${REPLAYABLE_PARTS.join(', ')}`);
  const entry = board.i2c.entries().find((e) => e.model.name === part);
  if (!entry) throw new RangeError(`cannot replay '${part}': no such part on the bus (attached: ${board.i2c.entries().map((e) => e.model.name).join(', ') || 'none'})`);
  const format = opts.format ?? (csvFormat() as unknown as RecordFormat<SensorEvent<unknown>>);
  const trace = new RecordedTrace(lines, format, opts.sensorId, opts.epochMs, `replay ${part}`);
  const model = entry.model as typeof entry.model & { noise?: number };
  // The recording already holds the part's noise: add none. Draws from the board's random stay the same, so other parts' noise does not shift.
  if (typeof model.noise === 'number') model.noise = 0;
  model.bind({
    now: () => board.now(),
    env: new ReplayEnvironment(board.env, trace, quantity, part === 'tsl2591' ? (model as unknown as Tsl2591State) : undefined),
    faults: entry.faults,
    random: board.random,
    drivePin: (pin, level) => board.pins.drive(pin, level),
  });
  return {
    part,
    get events() {
      return trace.events;
    },
  };
}
