/**
 * The lux example on the simulated board (`npm start`):
 *
 *   TSL2591 light sensor → map → runningAvg(5) → hysteresis threshold → LED
 *   TMP102 temperature sensor, sampled alongside
 *
 * The LED comes on when it gets dark (the averaged light falls to LUX_DARK)
 * and goes off when it is bright again (LUX_BRIGHT). The code below is what
 * runs on a real board too: only `device` differs.
 */
import { DigitalOutput, ecma419Source, TMP102, TSL2591 } from '../runtime/index';
import type { SimAppContext } from '../sim/run';

export const LUX_DARK = 80;
export const LUX_BRIGHT = 200;
export const LIGHT_INTERVAL_SEC = 60;
export const TEMPERATURE_INTERVAL_SEC = 300;

export default function luxDemo({ device, scheduler, plot, log }: SimAppContext) {
  const bus = { ...device.I2C.default, io: device.io.SMBus };

  // Light: a failed or saturated read is skipped (and counted), never the end of the stream.
  const light = ecma419Source(new TSL2591({ sensor: bus }), 'illuminance', { id: 'lux', readErrors: 'skip' });
  const average = light.map((e) => e.val).runningAvg(5);
  const dark = average.hysteresis({ low: LUX_DARK, high: LUX_BRIGHT }).map((bright) => !bright);
  const led = new DigitalOutput({ io: device.io.Digital, pin: device.pin.led });
  dark.connect(led);
  scheduler.schedulePeriodic(light, LIGHT_INTERVAL_SEC);

  const temperature = ecma419Source(new TMP102({ sensor: bus }), 'temperature', { id: 'temp', readErrors: 'skip' });
  scheduler.schedulePeriodic(temperature, TEMPERATURE_INTERVAL_SEC);

  plot.track(light, { name: 'TSL2591 lux', panel: 'Light', unit: 'lux, log scale', style: 'dots', log: true, color: '#7f7f7f' });
  plot.track(average, { name: 'running avg (5)', panel: 'Light', color: '#1f77b4' });
  plot.threshold('Light', LUX_BRIGHT, `LED off above ${LUX_BRIGHT} lux`);
  plot.threshold('Light', LUX_DARK, `LED on below ${LUX_DARK} lux`);
  plot.track(temperature, { name: 'TMP102', panel: 'Temperature', unit: '°C', color: '#d62728' });

  log(`lux demo: light every ${LIGHT_INTERVAL_SEC} s → runningAvg(5) → hysteresis(${LUX_DARK}..${LUX_BRIGHT} lux) → LED on pin ${device.pin.led}; temperature every ${TEMPERATURE_INTERVAL_SEC} s`);
  return () => {
    log(`skipped reads: light ${light.skippedReads}, temperature ${temperature.skippedReads}`);
  };
}
