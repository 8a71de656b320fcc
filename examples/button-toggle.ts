/**
 * A push button toggles the LED: the board's button (to ground, read with
 * the pin's pull-up) as a debounced stream of presses through the ECMA-419
 * Digital `onReadable` callback, nothing polled and nothing scheduled, each
 * press flipping the LED. The same module runs on the simulated board and,
 * as firmware, on a board (manifests/button-toggle).
 *
 *   button (DigitalEdgeSource, rising, debounced 20 ms) ── scan(toggle) ── LED
 */
import '../runtime/filters/scan';
import { DigitalEdgeSource } from '../runtime/edges/digital-edge-source';
import { DigitalOutput } from '../runtime/sensors/digital-output';
import type { SimAppContext } from '../sim/run';

export const DEBOUNCE_MS = 20;

/** The button's presses, and the LED they toggle. Returns the button, whose `emitted` counts presses. */
export default function buttonToggle(ctx: SimAppContext): DigitalEdgeSource {
  const { device, scheduler } = ctx;
  const button = new DigitalEdgeSource({ io: device.io.Digital, pin: device.pin.button, invert: true, edges: 'rising', debounceMs: DEBOUNCE_MS, scheduler, sensorId: 'button' });
  const led = new DigitalOutput({ io: device.io.Digital, pin: device.pin.led });
  button.scan((on: boolean) => !on, false).connect(led);
  ctx.log(`button toggle: a press on pin ${device.pin.button} toggles the LED on pin ${device.pin.led} (debounced ${DEBOUNCE_MS} ms)`);
  return button;
}
