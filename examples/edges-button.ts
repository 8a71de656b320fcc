/**
 * A push source: a button on the simulated board's pin 0 (to ground, with
 * the pin's pull-up) as a debounced stream of presses, through the ECMA-419
 * Digital `onReadable` callback: no polling. Each press toggles the LED.
 * The contacts bounce for a few milliseconds on every press and release.
 * On a board the same code takes `device.io.Digital` from Moddable.
 * Run it: `npx tsx examples/edges-button.ts`.
 */
import { DigitalEdgeSource, DigitalOutput, fromIterable, Scheduler, VirtualClock } from '../runtime/index';
import { createSimDevice } from '../sim/device';
import { SimButton } from '../sim/push-button';

const clock = new VirtualClock();
const device = createSimDevice({ clock });
const scheduler = new Scheduler(clock);
// The app's periodic work, here a heartbeat; the button needs no sampling (nor a scheduled task:
// its debounce timer runs a scheduler that had nothing left).
scheduler.schedulePeriodic(fromIterable(new Array(60).fill(0)), 1);

const button = new DigitalEdgeSource({ io: device.io.Digital, pin: device.pin.button, invert: true, edges: 'rising', debounceMs: 20, scheduler, sensorId: 'button' });
const led = new DigitalOutput({ io: device.io.Digital, pin: device.pin.led });
button.scan((on: boolean) => !on, false).connect(led);
button.connect((e) => console.log(`press at ${(e.ts * 1000).toFixed(0)} ms`));

scheduler.run();
const pushButton = new SimButton(device.board, device.pin.button);
for (const at of [1000, 2500, 4000]) {
  clock.advance(at - clock.elapsed);
  pushButton.press(5, 1); // 10 ms of contact bounce
  clock.advance(300);
  pushButton.release(3, 1);
}
clock.advance(1000);
const history = device.board.led(device.pin.led);
console.log(`${button.emitted} presses, ${button.bounces} bounces ignored`);
console.log(`LED: ${history.values.slice(1).map((v, i) => `${v ? 'on' : 'off'} at ${history.times[i + 1]} ms`).join(', ')}`);
