/**
 * A grow light for seedlings on a windowsill, as a board runs it (`npm run
 * firmware -- pico examples/grow-light.ts`) and the simulator too (`npx
 * thingflow-xs sim examples/grow-light.ts`): the light (the board's LED)
 * tops up the day when it gets dim, but only while the sill is warm enough
 * for the seedlings to grow; below that a lamp only stretches them.
 *
 *   BH1750 lux ── map ── runningAvg(4) ── hysteresis(DIM..BRIGHT) ──┐
 *   MCP9808 °C ── (latest reading: warm enough?) ────────────────── map(dim and warm) ── LED
 *
 * The BH1750 has no registers: its driver talks plain I2C (`device.io.I2C`),
 * the MCP9808 SMBus. Synchronous, importing its runtime modules one by one,
 * as examples/lux-demo-flow.ts does, so a board's firmware carries only these.
 */
import '../runtime/filters/map';
import '../runtime/filters/running-avg';
import '../runtime/filters/hysteresis';
import { BH1750 } from '../runtime/sensors/bh1750';
import { DigitalOutput } from '../runtime/sensors/digital-output';
import { ecma419Source } from '../runtime/sensors/ecma419-source';
import { MCP9808 } from '../runtime/sensors/mcp9808';
import type { SimAppContext } from '../sim/run';

/** The averaged light at or below which the day is dim, and at or above which it is bright again (lux). */
export const DIM_LUX = 400;
export const BRIGHT_LUX = 800;
/** The sill's temperature below which the seedlings do not grow (°C). */
export const MIN_GROW_C = 19;
export const LIGHT_INTERVAL_SEC = 30;
export const TEMPERATURE_INTERVAL_SEC = 60;

export default function growLight(ctx: SimAppContext): void {
  const { device, scheduler, plot, log } = ctx;
  // The sources make the drivers: a part that does not answer at boot is tried again at each sample (skipped reads), not the end of the app.
  const light = ecma419Source<number>(() => new BH1750({ sensor: { ...device.I2C.default, io: device.io.I2C } }), 'illuminance', { id: 'lux', readErrors: 'skip' });
  const temperature = ecma419Source<number>(() => new MCP9808({ sensor: { ...device.I2C.default, io: device.io.SMBus } }), 'temperature', { id: 'sill', readErrors: 'skip' });
  // Until the first reading the sill counts as too cold: the lamp stays off rather than guess.
  let warm = false;
  temperature.connect((e) => { warm = e.val >= MIN_GROW_C; });
  const average = light.map((e) => e.val).runningAvg(4);
  average
    .hysteresis({ low: DIM_LUX, high: BRIGHT_LUX })
    .map((bright) => !bright && warm)
    .connect(new DigitalOutput({ io: device.io.Digital, pin: device.pin.led }));
  scheduler.schedulePeriodic(light, LIGHT_INTERVAL_SEC);
  scheduler.schedulePeriodic(temperature, TEMPERATURE_INTERVAL_SEC);

  plot.track(light, { name: 'BH1750 lux', panel: 'Light', unit: 'lux, log scale', style: 'dots', log: true, color: '#7f7f7f' });
  plot.track(average, { name: 'runningAvg(4)', panel: 'Light', color: '#1f77b4' });
  plot.threshold('Light', DIM_LUX, `dim at ${DIM_LUX} lux`);
  plot.track(temperature, { name: 'MCP9808', panel: 'Temperature', unit: '°C', color: '#d62728' });
  plot.threshold('Temperature', MIN_GROW_C, `grows above ${MIN_GROW_C} °C`);
  log(`grow light: light every ${LIGHT_INTERVAL_SEC} s → runningAvg(4) → dim below ${DIM_LUX} lux, and the sill at ${MIN_GROW_C} °C or more → LED on pin ${device.pin.led}`);
}
