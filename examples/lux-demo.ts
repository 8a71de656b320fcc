/**
 * The lux example on the simulated board (`npm start`):
 *
 *   TSL2591 light sensor → map → runningAvg(5) → hysteresis threshold → LED
 *   TMP102 temperature sensor, sampled alongside
 *
 * The LED comes on when it gets dark (the averaged light falls to LUX_DARK)
 * and goes off when it is bright again (LUX_BRIGHT). The flow is what runs on
 * a real board too: only `device` differs.
 *
 * Options (after `npm start --`):
 *   --mqtt embedded | mqtt://host:port   publish lux, temperature and LED state (ThingFlow JSON events)
 *   --wot-port <n>                       serve the board as a Web Thing on http://127.0.0.1:<n>/
 * With either, the simulator paces the day (600x unless --speed/--realtime is given);
 * with --wot-port and no --duration it serves until Ctrl-C. A broker never reached
 * makes the run fail (ctx.fail): the summary says so and the CLI exits 1.
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

export default async function luxDemo(ctx: SimAppContext) {
  const { device, scheduler, clock, plot, options, log, fail } = ctx;
  const bus = { ...device.I2C.default, io: device.io.SMBus };

  // Light: a failed or saturated read is skipped (and counted, with why), never the end of the stream.
  // Time since the start, from the clock a board has too (the demo runs on one: no `board` here).
  const started = clock.now();
  const sinceStart = () => ticksDiff(clock.now(), started, clock.period);
  const lightSkips = new SkippedReads(sinceStart, { ms: 1000, note: 'before its first conversion was done' });
  const lightSensor = new TSL2591({ sensor: bus, onError: (why: string) => lightSkips.because(`TSL2591: ${why}`) });
  const light = ecma419Source(lightSensor, 'illuminance', { id: 'lux', readErrors: 'skip', onReadError: (e) => lightSkips.skipped(e) });
  const luxValues = light.map((e) => e.val);
  const average = luxValues.runningAvg(5);
  const bright = average.hysteresis({ low: LUX_DARK, high: LUX_BRIGHT });
  const dark = bright.map((isBright) => !isBright);
  const led = new DigitalOutput({ io: device.io.Digital, pin: device.pin.led });
  scheduler.schedulePeriodic(light, LIGHT_INTERVAL_SEC);

  const temperatureSkips = new SkippedReads(sinceStart);
  const temperature = ecma419Source(new TMP102({ sensor: bus }), 'temperature', { id: 'temp', readErrors: 'skip', onReadError: (e) => temperatureSkips.skipped(e) });
  scheduler.schedulePeriodic(temperature, TEMPERATURE_INTERVAL_SEC);

  plot.track(light, { name: 'TSL2591 lux', panel: 'Light', unit: 'lux, log scale', style: 'dots', log: true, color: '#7f7f7f' });
  plot.track(average, { name: 'running avg (5)', panel: 'Light', color: '#1f77b4' });
  plot.threshold('Light', LUX_BRIGHT, `LED off above ${LUX_BRIGHT} lux`);
  plot.threshold('Light', LUX_DARK, `LED on below ${LUX_DARK} lux`);
  plot.track(temperature, { name: 'TMP102', panel: 'Temperature', unit: '°C', color: '#d62728' });

  log(`lux demo: light every ${LIGHT_INTERVAL_SEC} s → runningAvg(5) → hysteresis(${LUX_DARK}..${LUX_BRIGHT} lux) → LED on pin ${device.pin.led}; temperature every ${TEMPERATURE_INTERVAL_SEC} s`);

  const streams: DemoStreams = { light, average, temperature, dark };
  // Names of the things in the live page's flow graph.
  const names: [object, string][] = [
    [light, 'TSL2591 light'], [luxValues, 'map e → e.val'], [average, 'runningAvg(5)'],
    [bright, `hysteresis ${LUX_DARK}..${LUX_BRIGHT}`], [dark, 'map → dark'], [temperature, 'TMP102 temperature'], [led, `LED (pin ${device.pin.led})`],
  ];
  const closers: (() => Promise<void>)[] = [];
  // The network options are the simulator's (Node): loaded only when asked for, never part of a board's firmware.
  const network = options.mqtt || options['wot-port'] !== undefined ? await import('./lux-demo-network') : undefined;
  if (network !== undefined && options.mqtt) closers.push(await network.publishOverMqtt(String(options.mqtt === true ? 'embedded' : options.mqtt), streams, log, fail));
  if (network !== undefined && options['wot-port'] !== undefined) {
    // As a Web Thing the LED is a writable property: the flow and clients both set it, the last write wins.
    closers.push(await network.serveWebThing(Number(options['wot-port']), streams, led, log, { ctx, names }));
  } else {
    dark.connect(led);
  }

  return async () => {
    log(`skipped reads: light ${lightSkips.describe(light.skippedReads)}, temperature ${temperatureSkips.describe(temperature.skippedReads)}`);
    for (const close of closers) await close();
  };
}

/**
 * Why reads were skipped: the reason the driver gave (its `onError`) or else the
 * read's error, how often, and when first. `startupNote` explains a driver's
 * reason that comes within `startupMs` of the start: the TSL2591's first sample,
 * at t=0, comes before its first conversion (100 ms) is done.
 */
class SkippedReads {
  private driverReason: string | undefined;
  private readonly reasons = new Map<string, { count: number; firstAtMs: number; fromDriver: boolean }>();
  constructor(private readonly now: () => number, private readonly startup?: { ms: number; note: string }) {}

  /** The driver says why its next sample has no value. */
  because(reason: string): void {
    this.driverReason = reason;
  }

  skipped(e: unknown): void {
    const fromDriver = this.driverReason !== undefined;
    const reason = this.driverReason ?? (e instanceof Error ? e.message : String(e));
    this.driverReason = undefined;
    const seen = this.reasons.get(reason);
    if (seen) seen.count++;
    else this.reasons.set(reason, { count: 1, firstAtMs: this.now(), fromDriver });
  }

  describe(count: number): string {
    const why = [...this.reasons].map(([reason, { count: n, firstAtMs, fromDriver }]) => {
      const when = fromDriver && this.startup && firstAtMs < this.startup.ms ? `at t=0, ${this.startup.note}` : `first after ${hoursAndMinutes(firstAtMs)}`;
      return `${this.reasons.size > 1 ? `${n} ` : ''}${reason}, ${when}`;
    });
    return why.length ? `${count} (${why.join('; ')})` : String(count);
  }
}

/** `3_600_000` → `1h00m` (the demo runs on a board too, so it does not import the simulator's formatter). */
function hoursAndMinutes(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
