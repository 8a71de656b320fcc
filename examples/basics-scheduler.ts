/**
 * How the scheduler saves power: related intervals share wakes, and the
 * scheduler stops when every stream has completed.
 * Run it: `npx tsx examples/basics-scheduler.ts`.
 */
import { fromIterable, Scheduler, VirtualClock, type Clock } from '../runtime/index';

/** A clock that prints every sleep the scheduler asks for. */
class TalkativeClock extends VirtualClock implements Clock {
  override wake(ms: number, fn: () => void): void {
    console.log(`  sleep ${ms / 1000} s`);
    super.wake(ms, () => {
      console.log(`wake at ${this.elapsed / 1000} s`);
      fn();
    });
  }
}

const clock = new TalkativeClock();
const scheduler = new Scheduler(clock);
const every2 = fromIterable(['a1', 'a2', 'a3', 'a4']);
const every4 = fromIterable(['b1', 'b2']);
every2.connect((x) => console.log(`  sampled ${x}`));
every4.connect((x) => console.log(`  sampled ${x}`));
scheduler.schedulePeriodic(every2, 2);
scheduler.schedulePeriodic(every4, 4); // 4 is a multiple of 2: b wakes together with a
console.log('run');
scheduler.run();
clock.runUntilIdle();
console.log(`done after ${clock.wakes} wakes; scheduler running: ${scheduler.isRunning}`);
