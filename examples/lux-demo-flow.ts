/**
 * The lux demo's flow, as a board runs it (manifests/lux-demo) and the
 * simulator too (examples/lux-demo.ts adds its Node-only network options):
 *
 *   TSL2591 light sensor → map → runningAvg(5) → hysteresis threshold → LED
 *   TMP102 temperature sensor, sampled alongside
 *
 * The LED comes on when it gets dark (the averaged light falls to LUX_DARK)
 * and goes off when it is bright again (LUX_BRIGHT). Only `device` differs
 * between the simulator and a board. Synchronous, with no `async` and no
 * `import()`: on a board those would link XS's Promise and module loader
 * (~10 KB of flash, docs/performance.md).
 */
// The modules it uses, one by one: on a board the firmware carries only these (tools/app-modules.ts).
import type { SensorEvent } from '../runtime/core/input-thing';
import type { OutputThing } from '../runtime/core/output-thing';
import '../runtime/filters/map';
import '../runtime/filters/running-avg';
import '../runtime/filters/hysteresis';
import { ticksDiff } from '../runtime/scheduler/clock';
import { DigitalOutput } from '../runtime/sensors/digital-output';
import { ecma419Source } from '../runtime/sensors/ecma419-source';
import { TMP102 } from '../runtime/sensors/tmp102';
import { TSL2591 } from '../runtime/sensors/tsl2591';
import type { SimAppContext } from '../sim/run';

export const LUX_DARK = 80;
export const LUX_BRIGHT = 200;
export const LIGHT_INTERVAL_SEC = 60;
export const TEMPERATURE_INTERVAL_SEC = 300;

/** The streams of the demo a network binding may publish. */
export interface DemoStreams {
  light: OutputThing<SensorEvent<number>>;
  average: OutputThing<number>;
  temperature: OutputThing<SensorEvent<number>>;
  dark: OutputThing<boolean>;
}

/** The demo's flow and its LED, not yet connected: a board connects them; the simulator's Web Thing may drive the LED instead. */
export interface LuxDemoFlow {
  streams: DemoStreams;
  led: DigitalOutput;
  /** Names of the things in the live page's flow graph. */
  names: [object, string][];
  /** The skipped reads so far, and why. */
  skippedReads(): string;
}

/** Build the demo's sensors, flow and LED on `ctx`'s board and schedule the sensors. */
export function luxDemoFlow(ctx: SimAppContext): LuxDemoFlow {
  const { device, scheduler, clock, plot, log } = ctx;
  const bus = { ...device.I2C.default, io: device.io.SMBus };

  // Light: a failed or saturated read is skipped (and counted, with why), never the end of the stream.
  // Time since the start, from the clock a board has too (the demo runs on one: no `board` here).
  const started = clock.now();
  const sinceStart = () => ticksDiff(clock.now(), started, clock.period);
  const lightSkips = new SkippedReads(sinceStart, { ms: 1000, note: 'before its first conversion was done' });
  // Each source makes its driver (now, and if its part does not answer, at each sample until it does): a part missing or glitching at boot is skipped reads, not a demo that fails to start.
  const light = ecma419Source(() => new TSL2591({ sensor: bus, onError: (why: string) => lightSkips.because(`TSL2591: ${why}`) }), 'illuminance', { id: 'lux', readErrors: 'skip', onReadError: (e) => lightSkips.skipped(e) });
  const luxValues = light.map((e) => e.val);
  const average = luxValues.runningAvg(5);
  const bright = average.hysteresis({ low: LUX_DARK, high: LUX_BRIGHT });
  const dark = bright.map((isBright) => !isBright);
  const led = new DigitalOutput({ io: device.io.Digital, pin: device.pin.led });
  scheduler.schedulePeriodic(light, LIGHT_INTERVAL_SEC);

  const temperatureSkips = new SkippedReads(sinceStart);
  const temperature = ecma419Source(() => new TMP102({ sensor: bus }), 'temperature', { id: 'temp', readErrors: 'skip', onReadError: (e) => temperatureSkips.skipped(e) });
  scheduler.schedulePeriodic(temperature, TEMPERATURE_INTERVAL_SEC);

  plot.track(light, { name: 'TSL2591 lux', panel: 'Light', unit: 'lux, log scale', style: 'dots', log: true, color: '#7f7f7f' });
  plot.track(average, { name: 'running avg (5)', panel: 'Light', color: '#1f77b4' });
  plot.threshold('Light', LUX_BRIGHT, `LED off above ${LUX_BRIGHT} lux`);
  plot.threshold('Light', LUX_DARK, `LED on below ${LUX_DARK} lux`);
  plot.track(temperature, { name: 'TMP102', panel: 'Temperature', unit: '°C', color: '#d62728' });

  log(`lux demo: light every ${LIGHT_INTERVAL_SEC} s → runningAvg(5) → hysteresis(${LUX_DARK}..${LUX_BRIGHT} lux) → LED on pin ${device.pin.led}; temperature every ${TEMPERATURE_INTERVAL_SEC} s`);

  return {
    streams: { light, average, temperature, dark },
    led,
    names: [
      [light, 'TSL2591 light'], [luxValues, 'map e → e.val'], [average, 'runningAvg(5)'],
      [bright, `hysteresis ${LUX_DARK}..${LUX_BRIGHT}`], [dark, 'map → dark'], [temperature, 'TMP102 temperature'], [led, `LED (pin ${device.pin.led})`],
    ],
    skippedReads: () => `skipped reads: light ${lightSkips.describe(light.skippedReads)}, temperature ${temperatureSkips.describe(temperature.skippedReads)}`,
  };
}

/** The demo as a board runs it: the flow drives the LED. Returns what reports the skipped reads at the end. */
export default function luxDemoOnBoard(ctx: SimAppContext): () => void {
  const flow = luxDemoFlow(ctx);
  flow.streams.dark.connect(flow.led);
  return () => ctx.log(flow.skippedReads());
}

/**
 * Why reads were skipped: the reason the driver gave (its `onError`) or else the
 * read's error, how often, and when first. `startupNote` explains a driver's
 * reason that comes within `startupMs` of the start: the TSL2591's first sample,
 * at t=0, comes before its first conversion (100 ms) is done.
 */
class SkippedReads {
  private driverReason: string | undefined;
  /** A few reasons at most: a list, not a Map, which a board would link for this report alone (~2 KB of flash). */
  private readonly reasons: { reason: string; count: number; firstAtMs: number; fromDriver: boolean }[] = [];
  constructor(private readonly now: () => number, private readonly startup?: { ms: number; note: string }) {}

  /** The driver says why its next sample has no value. */
  because(reason: string): void {
    this.driverReason = reason;
  }

  skipped(e: unknown): void {
    const fromDriver = this.driverReason !== undefined;
    const reason = this.driverReason ?? (e instanceof Error ? e.message : String(e));
    this.driverReason = undefined;
    for (const seen of this.reasons) {
      if (seen.reason === reason) {
        seen.count++;
        return;
      }
    }
    this.reasons.push({ reason, count: 1, firstAtMs: this.now(), fromDriver });
  }

  describe(count: number): string {
    const why = this.reasons.map(({ reason, count: n, firstAtMs, fromDriver }) => {
      const when = fromDriver && this.startup && firstAtMs < this.startup.ms ? `at t=0, ${this.startup.note}` : `first after ${hoursAndMinutes(firstAtMs)}`;
      return `${this.reasons.length > 1 ? `${n} ` : ''}${reason}, ${when}`;
    });
    return why.length ? `${count} (${why.join('; ')})` : String(count);
  }
}

/** `3_600_000` → `1h00m` (the demo runs on a board too, so it does not import the simulator's formatter). */
function hoursAndMinutes(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const m = minutes % 60;
  return `${Math.floor(minutes / 60)}h${m < 10 ? '0' : ''}${m}m`;
}
