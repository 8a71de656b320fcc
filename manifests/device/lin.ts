/**
 * The lin simulator has no ECMA-419 GPIO or I2C, so an app there (the lux
 * demo, the fleet device) gets the simulated board of sim/ (TSL2591,
 * TMP102, ... on its I2C bus) as its device (`thingflow-board/device`): the same app and the same drivers, on Moddable's runtime, Timer
 * and Time.ticks. The simulated day moves on at `config.simulatedSpeed`
 * times real time; LED writes are traced.
 */
import config from 'mc/config';
import Timer from 'timer';
import { VirtualClock } from 'thingflow/runtime/scheduler/virtual-clock';
import { createSimDevice } from 'thingflow/sim/device';

const clock = new VirtualClock();
const sim = createSimDevice({ clock, parts: 'standard' });
const speed = (config as { simulatedSpeed?: number }).simulatedSpeed ?? 1;
Timer.repeat(() => clock.advance(100 * speed), 100);

class TracingDigital extends sim.io.Digital {
  override write(value: number): void {
    trace(`board(lin): LED ${value ? 'on' : 'off'} at simulated ${(clock.elapsed / 3600000).toFixed(2)} h\n`);
    super.write(value);
  }
}

class I2C extends sim.io.I2C {}
class SMBus extends sim.io.SMBus {}
// sim/io names its errors after `new.target.name`, and this XS build leaves class names undefined.
const named: [object, string][] = [[I2C, 'I2C'], [SMBus, 'SMBus'], [TracingDigital, 'Digital']];
for (let i = 0; i < named.length; i++) {
  if (typeof (named[i][0] as { name?: unknown }).name !== 'string') Object.defineProperty(named[i][0], 'name', { value: named[i][1] });
}

const provider = { io: { ...sim.io, Digital: TracingDigital, I2C, SMBus }, pin: { ...sim.pin }, I2C: { default: { data: sim.I2C.default.data, clock: sim.I2C.default.clock } } };
export default provider;
