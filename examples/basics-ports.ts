/**
 * Ports, dispatch and errors that stay in their branch.
 * Run it: `npx tsx examples/basics-ports.ts`.
 */
import { fromIterable, Scheduler, VirtualClock } from '../runtime/index';

const clock = new VirtualClock();
const scheduler = new Scheduler(clock);
const temperatures = fromIterable([21, 35, 4, 22, 38]);

// dispatch routes each event to the port of the first rule that matches, the rest to 'default'.
const router = temperatures.dispatch([
  [(t: number) => t > 30, 'hot'],
  [(t: number) => t < 5, 'cold'],
]);
router.connect((t) => console.log(`hot: ${t}`), { portMapping: ['hot', 'default'] });
router.connect((t) => console.log(`cold: ${t}`), { portMapping: ['cold', 'default'] });

// A branch whose function fails ends with onError; the other branches carry on.
router
  .map((t: number) => {
    if (t > 21) throw new Error(`cannot log ${t}`);
    return `ok: ${t}`;
  })
  .connect({
    onNext: (line: string) => console.log(line),
    onCompleted: () => console.log('ok-branch completed'),
    onError: (e) => console.log(`ok-branch failed: ${(e as Error).message}`),
  });

scheduler.schedulePeriodic(temperatures, 1);
scheduler.run();
clock.runUntilIdle();
