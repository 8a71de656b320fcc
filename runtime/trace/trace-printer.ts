/**
 * A trace listener that prints one line per event crossing a traced
 * connection, as ThingFlow's trace does: time, `from.port → to.inPort`, value.
 *
 * ```ts
 * const printer = new TracePrinter((line) => console.log(line));
 * const trace = new FlowTrace({ now: () => clock.now(), listener: printer });
 * printer.names = trace;   // lines then use the trace's labels
 * trace.traceGraph(source);
 * ```
 */
import { classNameOf } from '../core/class-name';
import type { ConnectionTap, TraceKind, TraceListener } from './connection-tap';
import { describeValue } from './flow-trace';

/** Names things in printed lines (a `FlowTrace` does). */
export interface ThingNamer {
  nameOf(thing: object): string;
}

export class TracePrinter implements TraceListener {
  constructor(private readonly print: (line: string) => void, public names?: ThingNamer) {}

  traced(tap: ConnectionTap, kind: TraceKind, value: unknown): void {
    const from = this.names ? this.names.nameOf(tap.from) : classNameOf(tap.from, 'thing');
    const to = this.names ? this.names.nameOf(tap.to as object) : classNameOf(tap.to as object, 'thing');
    const at = Number.isNaN(tap.lastAtMs) ? '' : `${(tap.lastAtMs / 1000).toFixed(3)}s `;
    const what = kind === 'next' ? describeValue(value) : kind === 'error' ? `error ${String(value)}` : 'completed';
    this.print(`${at}${from}.${tap.port} → ${to}.${tap.connection.inPort}: ${what}`);
  }
}
