/**
 * What the simulator's `--trace` does, as a wrapper around an app (like `--record`): every thing the
 * app schedules is a source, and once the app has wired its flow, every connection reachable from
 * those sources is traced (runtime/trace): each event crossing it is printed with its simulated time
 * and ports, as ThingFlow's trace does, to the console or to a file. Nothing is spliced in without
 * `--trace`, so an untraced run costs nothing per event.
 */
import { createWriteStream } from 'node:fs';
import type { OutputThing } from '../runtime/core/output-thing';
import { FlowTrace } from '../runtime/trace/flow-trace';
import { TracePrinter } from '../runtime/trace/trace-printer';
import type { SimApp, SimAppContext } from './run';
import { watchScheduled } from './watch-scheduled';

type Teardown = void | (() => void | Promise<void>);

/** `app`, traced; `target` is `-` (the console) or a file to write the lines to. */
export function tracingApp(app: SimApp, target: string): SimApp {
  return async (ctx: SimAppContext) => {
    const sources: OutputThing<any>[] = [];
    watchScheduled(ctx.scheduler, (thing) => {
      if (!sources.includes(thing)) sources.push(thing);
    });
    const file = target === '-' ? undefined : createWriteStream(target);
    let lines = 0;
    const print = (line: string) => {
      lines++;
      if (file) file.write(`${line}\n`);
      else ctx.log(`trace ${line}`);
    };
    const printer = new TracePrinter(print);
    const teardown = (await app(ctx)) as Teardown;
    const traced = new FlowTrace({ now: () => ctx.board.now(), listener: printer });
    printer.names = traced;
    const connections = traced.traceGraph(...sources);
    ctx.log(`trace: ${connections} connection${connections === 1 ? '' : 's'} from ${sources.length} scheduled source${sources.length === 1 ? '' : 's'}${file ? `, to ${target}` : ''}`);
    return async () => {
      traced.stop();
      if (typeof teardown === 'function') await teardown();
      if (file) await new Promise<void>((resolve) => file.end(resolve));
      ctx.log(`trace: ${lines} event${lines === 1 ? '' : 's'} traced`);
    };
  };
}
