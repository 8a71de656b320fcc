/**
 * Tracing a flow (ThingFlow's `trace`, issue 13 item 5): turn it on for one
 * connection, for every connection out of a thing, or for the whole graph
 * reachable from some sources, and see what crosses each connection — counts,
 * the last value and when it came, errors, and whether the stream completed.
 *
 * Tracing splices a `ConnectionTap` into each traced connection
 * (`OutputThing.setTap`) and takes it out again on `stop()`. Nothing on the
 * event path asks whether tracing is on, so a flow that is not traced runs
 * exactly the code it runs without this module (bench:xs shows it on XS).
 *
 * ```ts
 * const trace = new FlowTrace({ now: () => clock.now() });
 * trace.traceGraph(light, temperature);     // every connection reachable from the sources
 * trace.label(light, 'TSL2591');
 * trace.graph();                            // { nodes, edges } with counts and states, JSON-ready
 * trace.stop();                             // the flow is back to untraced
 * ```
 */
import { classNameOf } from '../core/class-name';
import { DEFAULT_PORT } from '../core/input-thing';
import { OutputThing, type ConnectionView } from '../core/output-thing';
import { ConnectionTap, type TapState, type TraceListener } from './connection-tap';

export interface FlowTraceOptions {
  /** Time stamps for events (ms), e.g. the scheduler's clock; without it none are taken. */
  now?: () => number;
  /** Sees every traced event as it crosses (a console printer, a recording). */
  listener?: TraceListener;
}

/** A thing in the traced graph. */
export interface FlowNode {
  id: number;
  name: string;
  /** `source`: emits only; `filter`: receives and emits; `sink`: receives only. */
  kind: 'source' | 'filter' | 'sink';
  /** Every output port closed (an output thing only). */
  closed: boolean;
}

/** A traced connection. */
export interface FlowEdge {
  from: number;
  to: number;
  port: string;
  inPort: string;
  count: number;
  errors: number;
  /** The last event, shortened for display; undefined before the first. */
  last?: string;
  lastAtMs?: number;
  state: TapState;
  /** The message of the error that ended the stream. */
  error?: string;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

const MAX_TEXT = 48;

function shorten(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s;
}

/** A value as one short line: numbers to 4 significant digits, sensor events as `id: val`. */
export function describeValue(x: unknown): string {
  if (typeof x === 'number') return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
  if (typeof x === 'string') return shorten(JSON.stringify(x));
  if (x === null || typeof x !== 'object') return String(x);
  const o = x as { sensorId?: unknown; val?: unknown };
  if ('val' in o && o.sensorId !== undefined) return shorten(`${String(o.sensorId)}: ${describeValue(o.val)}`);
  try {
    return shorten(JSON.stringify(x) ?? String(x));
  } catch {
    return shorten(String(x));
  }
}

function errorText(e: unknown): string {
  return shorten(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
}

export class FlowTrace {
  private readonly taps: ConnectionTap[] = [];
  private readonly tapped = new Set<ConnectionView>();
  private readonly roots: OutputThing<unknown>[] = [];
  private readonly ids = new Map<object, number>();
  private readonly labels = new Map<object, string>();
  private readonly now: (() => number) | undefined;
  private readonly listener: TraceListener | undefined;

  constructor(opts: FlowTraceOptions = {}) {
    this.now = opts.now;
    this.listener = opts.listener;
  }

  /** Name a thing in the graph (default: its class name). */
  label(thing: object, name: string): this {
    this.labels.set(thing, name);
    this.idOf(thing);
    return this;
  }

  /** Trace the connection(s) from `from`'s `port` to `input`. Returns how many were newly traced. */
  traceConnection(from: OutputThing<any>, input: object, port: string = DEFAULT_PORT): number {
    let n = 0;
    const list = from.connectionsOn(port);
    for (let i = 0; i < list.length; i++) {
      if (list[i].input === input && this.tap(from, port, list[i])) n++;
    }
    return n;
  }

  /** Trace every connection out of `thing`'s open ports. Returns how many were newly traced. */
  traceThing(thing: OutputThing<any>): number {
    this.idOf(thing);
    let n = 0;
    const ports = thing.ports;
    for (let p = 0; p < ports.length; p++) {
      const list = thing.connectionsOn(ports[p]);
      for (let i = 0; i < list.length; i++) if (this.tap(thing, ports[p], list[i])) n++;
    }
    return n;
  }

  /**
   * Trace the whole graph reachable from `sources`, and remember them: `refresh()`
   * picks up connections made since. Returns how many connections were newly traced.
   */
  traceGraph(...sources: OutputThing<any>[]): number {
    for (let i = 0; i < sources.length; i++) if (this.roots.indexOf(sources[i]) < 0) this.roots.push(sources[i]);
    return this.refresh();
  }

  /** Trace connections made since `traceGraph` (a thing connected later, a new subscriber). */
  refresh(): number {
    let n = 0;
    const seen = new Set<object>();
    const queue: OutputThing<unknown>[] = this.roots.slice();
    while (queue.length > 0) {
      const thing = queue.shift()!;
      if (seen.has(thing)) continue;
      seen.add(thing);
      n += this.traceThing(thing);
      const ports = thing.ports;
      for (let p = 0; p < ports.length; p++) {
        const list = thing.connectionsOn(ports[p]);
        for (let i = 0; i < list.length; i++) if (list[i].input instanceof OutputThing) queue.push(list[i].input as OutputThing<unknown>);
      }
    }
    return n;
  }

  /** The taps in place (and those whose stream ended), in the order they were made. */
  get connections(): readonly ConnectionTap[] {
    return this.taps;
  }

  /** Take every tap out: the flow runs untraced again, and this trace starts over empty. */
  stop(): void {
    for (let i = 0; i < this.taps.length; i++) {
      const t = this.taps[i];
      t.from.setTap(t.port, t.connection, undefined);
    }
    this.taps.length = 0;
    this.tapped.clear();
    this.roots.length = 0;
    this.ids.clear();
  }

  /** The name a thing has in this trace's graph: its label, its own `traceName`, or its class name. */
  nameOf(thing: object): string {
    const own = (thing as { traceName?: unknown }).traceName;
    return this.labels.get(thing) ?? (typeof own === 'string' ? own : classNameOf(thing, 'thing'));
  }

  /** The traced graph now, ready for JSON. */
  graph(): FlowGraph {
    const nodes: FlowNode[] = [];
    const edges: FlowEdge[] = [];
    for (let i = 0; i < this.taps.length; i++) {
      const t = this.taps[i];
      if (t.state === 'open' && t.from.connectionsOn(t.port).indexOf(t.connection) < 0) t.state = 'disconnected';
      const edge: FlowEdge = {
        from: this.idOf(t.from), to: this.idOf(t.to as object), port: t.port, inPort: t.connection.inPort,
        count: t.count, errors: t.errors, state: t.state,
      };
      if (t.count > 0) edge.last = describeValue(t.last);
      if (t.count > 0 && !Number.isNaN(t.lastAtMs)) edge.lastAtMs = t.lastAtMs;
      if (t.error !== undefined) edge.error = errorText(t.error);
      edges.push(edge);
    }
    for (const [thing, id] of this.ids) nodes.push(this.node(thing, id));
    return { nodes, edges };
  }

  private node(thing: object, id: number): FlowNode {
    const emits = thing instanceof OutputThing;
    const receives = typeof (thing as { onNext?: unknown }).onNext === 'function';
    return {
      id,
      name: this.nameOf(thing),
      kind: emits ? (receives ? 'filter' : 'source') : 'sink',
      closed: emits ? (thing as OutputThing<unknown>).closed : false,
    };
  }

  private idOf(thing: object): number {
    let id = this.ids.get(thing);
    if (id === undefined) this.ids.set(thing, (id = this.ids.size));
    return id;
  }

  private tap(from: OutputThing<any>, port: string, connection: ConnectionView): boolean {
    if (this.tapped.has(connection)) return false;
    const tap = new ConnectionTap(from, port, connection, this.now, this.listener);
    if (!from.setTap(port, connection, tap)) return false;
    this.tapped.add(connection);
    this.taps.push(tap);
    this.idOf(from);
    this.idOf(connection.input as object);
    return true;
  }
}
