/**
 * The mission's example, on a virtual clock: a light sensor sampled every
 * minute, averaged over five samples, compared with a threshold, driving an
 * LED. Run it: `npx tsx examples/basics-lux.ts`.
 */
import { Scheduler, SensorAsOutputThing, StopIteration, VirtualClock, type InputThing, type Sensor } from '../runtime/index';

const THRESHOLD = 100; // lux: below this it is dark enough for the light to come on

/** A pretend light sensor: an evening getting darker, then a passing car's headlights. */
class LuxSensor implements Sensor<number> {
  readonly sensorId = 'lux-1';
  private readings = [420, 380, 300, 210, 150, 90, 60, 40, 30, 400, 20, 15, 10, 10];
  private i = 0;
  sample(): number {
    if (this.i === this.readings.length) throw new StopIteration(); // ends the stream
    return this.readings[this.i++];
  }
}

/** The LED is an input thing: it receives `true`/`false` and says when it switches. */
class Led implements InputThing<boolean> {
  private on: boolean | undefined;
  constructor(private readonly clock: VirtualClock) {}
  onNext(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    console.log(`${this.clock.elapsed / 60_000} min: LED ${on ? 'on' : 'off'}`);
  }
  onCompleted(): void {
    console.log('sensor stream completed');
  }
  onError(e: unknown): void {
    console.log(`sensor failed: ${String(e)}`);
  }
}

const clock = new VirtualClock();
const scheduler = new Scheduler(clock);
const led = new Led(clock);

const lux = new SensorAsOutputThing(new LuxSensor());
lux.map((e) => e.val).runningAvg(5).map((v) => v < THRESHOLD).connect(led);
scheduler.schedulePeriodic(lux, 60);
scheduler.run();

clock.runUntilIdle(); // fourteen minutes, in no time
console.log(`${clock.wakes} wakes; scheduler running: ${scheduler.isRunning}`);
