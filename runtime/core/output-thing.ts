/**
 * The heart of the model, after ThingFlow's `base.py`.
 *
 * A *thing* is a unit of computation in a dataflow graph. An `OutputThing`
 * emits events on one or more named output ports (`'default'` unless told
 * otherwise); an `InputThing` receives them through `onNext`, `onCompleted`
 * and `onError`; a `Filter` is both. Things are wired with `connect`, which
 * returns a function that undoes the connection.
 *
 * Rules every thing follows:
 * - `onCompleted` and `onError` are terminal: after either, the port is
 *   closed and dispatching on it again is a `PortAlreadyClosed` fatal error.
 * - An error stays in its branch: if an input thing throws from `onNext`,
 *   that one connection is removed and its input thing gets `onError` with
 *   what was thrown; its siblings on the same port carry on.
 * - A `FatalError` is never caught here: it unwinds to the scheduler, which stops.
 * - When every port of an output thing has closed, the thing is `closed`
 *   and the scheduler deschedules it.
 *
 * The per-event path allocates nothing. Connections live in arrays that are
 * replaced, never mutated, so a thing may disconnect itself while an event is
 * being dispatched. Filters emit on their default port through `this.out`:
 * the sole downstream thing itself when there is exactly one, or else a
 * fan-out that loops over the connections with per-connection error
 * isolation. `this.out.onNext` is unguarded and is used only inside `onNext`:
 * an ordinary error thrown anywhere down a single-connection chain unwinds to
 * the nearest guard, the fan-out loop or the source's own `try` (sources call
 * `dispatchNext`, or guard `this.out.onNext` themselves and call `outFailed`).
 * That guard cuts its connection and sends `onError` down the chain, so the
 * failing thing and everything below it see the error, the branch ends, and
 * siblings at the fan-out carry on. On XS a `try` costs about 21 computrons
 * and a method hop about 16: one guard per event instead of one per stage.
 */
import {
  InvalidPortError, PortAlreadyClosed, UnknownPortError, ExcInDispatch, isFatal,
} from './errors';
import { classNameOf } from './class-name';
import { indexIn, withRemoved } from './list-copy';
import { CAPITALIZE_RULE, DEFAULT_PORT, onCompletedName, onErrorName, onNextName, type InputThing } from './input-thing';
import { reportError } from './report-error';

/**
 * One input thing on one output port, with its method names resolved once at connect time.
 * `target` and the names are what events are delivered to: the input thing itself, or a
 * tap that tracing spliced in (see `OutputThing.setTap`); `input` is always what was connected.
 */
class Connection {
  /** True when the receiving port is `default`: the per-event call is then a plain `onNext`. */
  direct: boolean;
  target: any;
  nextName: string;
  completedName: string;
  errorName: string;
  constructor(
    readonly input: any,
    readonly inPort: string,
    names: readonly [string, string, string],
  ) {
    this.target = input;
    this.nextName = names[0];
    this.completedName = names[1];
    this.errorName = names[2];
    this.direct = inPort === DEFAULT_PORT;
  }
}

/** A connection as tracing sees it: what was connected, on which input port. */
export interface ConnectionView {
  readonly input: unknown;
  readonly inPort: string;
}

type ConnectionList = readonly Connection[];
const NO_CONNECTIONS: ConnectionList = Object.freeze([]);
/** Marks a port that has seen `onCompleted` or `onError`. */
const CLOSED_PORT: ConnectionList = Object.freeze([]);

/** Wraps a plain function as an input thing's default port; a throwing function is cut off and reported. */
class CallbackInputThing<T> implements InputThing<T> {
  constructor(private readonly fn: (x: T) => void) {}
  /** Its name in a traced graph (runtime/trace). */
  get traceName(): string {
    return this.fn.name ? `callback ${this.fn.name}` : 'callback';
  }
  onNext(x: T): void {
    this.fn(x); // unguarded: the nearest dispatch's guard cuts it off and reports (onError below)
  }
  onCompleted(): void {}
  onError(e: unknown): void {
    if (isFatal(e)) throw e;
    reportError('thingflow: unhandled onError reached a callback sink:', e);
  }
}

/** Where `out` points while nothing is connected. */
const NOBODY: InputThing<unknown> = { onNext() {}, onCompleted() {}, onError() {} };

/** Where `out` points when events must go through `dispatchNext` (several connections, a guard, a closed port). */
class FanOut<T> implements InputThing<T> {
  constructor(private readonly owner: OutputThing<T>) {}
  onNext(x: T): void {
    this.owner.dispatchNext(x);
  }
  onCompleted(): void {
    this.owner.dispatchCompleted();
  }
  onError(e: unknown): void {
    this.owner.dispatchError(e);
  }
}

/** An output thing's ports and connections: what connecting, disconnecting and dispatching need, and the per-event path does not. */
class PortWiring<T> {
  fanOut: FanOut<T> | undefined;
  /** The default port's only connection, when there is exactly one to a default input: `out` is its target. */
  soleConnection: Connection | undefined;
  /**
   * Connections per declared port; a closed port holds `CLOSED_PORT`. No prototype, so a port named
   * `toString` is a port like any other. A `__proto__: null` literal, not `Object.create(null)`: XS
   * compiles the literal to an object made with that prototype, where `create` would make every
   * board app carry the built-in.
   */
  readonly portTable: { [port: string]: ConnectionList } = { __proto__: null } as unknown as { [port: string]: ConnectionList };
  /** The default port's list, kept apart so the common case needs no lookup. */
  defaultConnections: ConnectionList | undefined;
  openPorts = 0;
  /** Connections on open ports, and whether there ever was one: a source nobody listens to any more need not be sampled. */
  connectionCount = 0;
  everConnected = false;
}

export interface ConnectOptions {
  /** `[outputPort, inputPort]`; both default to `'default'`. */
  portMapping?: [string, string];
}

export class OutputThing<T> {
  /**
   * The default port's receiver, for emitting from a filter's hot path:
   * `this.out.onNext(y)` is `this.dispatchNext(y)` without the loop.
   */
  protected out: InputThing<T> = NOBODY as InputThing<T>;
  /**
   * `closed || abandoned`, kept up to date as a field: the scheduler asks it
   * before and after every sample, and on XS a field read is a few bytecodes
   * where two getter calls are ~50 computrons (docs/performance.md, firmware).
   */
  readonly retired: boolean = false;
  /**
   * Everything else about the ports, in one object of its own. XS finds an own property by walking
   * the instance's list in order, and a method by walking all of it first: three fields here keep a
   * subclass's per-event fields, and every method, near the front (docs/performance.md, firmware).
   */
  private readonly wiring = new PortWiring<T>();

  /** @param ports the output ports this thing emits on; `['default']` when omitted. */
  constructor(ports?: readonly string[]) {
    const names = ports ?? [DEFAULT_PORT];
    const w = this.wiring;
    for (let i = 0; i < names.length; i++) {
      if (w.portTable[names[i]] === undefined) {
        w.portTable[names[i]] = NO_CONNECTIONS;
        w.openPorts++;
      }
    }
    w.defaultConnections = w.portTable[DEFAULT_PORT];
    this.updateRetired();
  }

  private updateRetired(): void {
    (this as { retired: boolean }).retired = this.closed || this.abandoned;
  }

  /** True once every output port has closed (completed or errored). */
  get closed(): boolean {
    return this.wiring.openPorts === 0;
  }

  /**
   * True once every connection this thing had has gone (disconnected, or cut
   * off by an error) while it was never connected again: the scheduler
   * deschedules such a source, as sampling it would waste power.
   */
  get abandoned(): boolean {
    const w = this.wiring;
    return w.everConnected && w.connectionCount === 0;
  }

  /** The output ports that are still open. */
  get ports(): string[] {
    const open: string[] = [];
    const table = this.wiring.portTable;
    // `for...in` over the null-prototype table, not `Object.keys`: a built-in every board app would link for this.
    for (const port in table) if (table[port] !== CLOSED_PORT) open.push(port);
    return open;
  }

  /**
   * Connect an input thing (or a plain function, which receives `onNext` only)
   * to an output port. Returns a function that removes this connection.
   *
   * ```ts
   * const stop = sensor.connect((e) => console.log(e.val));
   * sensor.connect(joiner, { portMapping: ['default', 'left'] }); // joiner.onLeftNext
   * ```
   */
  connect(input: InputThing<T> | ((x: T) => void), opts?: ConnectOptions): () => void {
    const [outPort, inPort] = opts?.portMapping ?? [DEFAULT_PORT, DEFAULT_PORT];
    const w = this.wiring;
    const current = w.portTable[outPort];
    if (current === undefined) {
      const declared: string[] = [];
      for (const port in w.portTable) declared.push(port);
      throw new InvalidPortError(`invalid output port '${outPort}'; this thing has ports: ${declared.join(', ')}`);
    }
    if (current === CLOSED_PORT) {
      throw new InvalidPortError(`output port '${outPort}' is already closed (it completed or errored)`);
    }
    const target: any = typeof input === 'function' && inPort === DEFAULT_PORT && typeof (input as any).onNext !== 'function'
      ? new CallbackInputThing(input as (x: T) => void)
      : input;
    const names = [onNextName(inPort), onCompletedName(inPort), onErrorName(inPort)] as const;
    for (const name of names) {
      if (typeof target?.[name] !== 'function') {
        const why = inPort.length > 0 && inPort[0] > '\u007f' ? ` (${CAPITALIZE_RULE})` : ''; // a non-ASCII first letter
        throw new InvalidPortError(`input thing has no method '${name}' for input port '${inPort}'${why}`);
      }
    }
    const connection = new Connection(target, inPort, names);
    this.setConnections(outPort, [...current, connection]);
    w.connectionCount++;
    w.everConnected = true;
    this.updateRetired();
    return () => this.removeConnection(outPort, connection);
  }

  /**
   * The connections of an open output port, as tracing sees them (runtime/trace);
   * empty when the port is closed or unknown. Not for the event path.
   */
  connectionsOn(port: string): readonly ConnectionView[] {
    const list = this.wiring.portTable[port];
    return list === undefined ? NO_CONNECTIONS : list;
  }

  /**
   * Deliver a connection's events to `tap` (an input thing on its default port that
   * passes them on to `connection.input`), or again straight to the input thing when
   * `tap` is undefined. This is how tracing observes a connection: nothing on the event
   * path checks whether it is on. Returns false when the connection is gone.
   */
  setTap(port: string, connection: ConnectionView, tap: InputThing<unknown> | undefined): boolean {
    const list = this.wiring.portTable[port];
    if (list === undefined || indexIn(list, connection as Connection) < 0) return false;
    const c = connection as Connection;
    const inPort = tap === undefined ? c.inPort : DEFAULT_PORT;
    c.target = tap ?? c.input;
    c.nextName = onNextName(inPort);
    c.completedName = onCompletedName(inPort);
    c.errorName = onErrorName(inPort);
    c.direct = inPort === DEFAULT_PORT;
    this.setConnections(port, list); // `out` and the sole connection follow the new receiver
    return true;
  }

  /** Send `x` to every input thing connected to `port`. */
  dispatchNext(x: T, port?: string): void {
    const w = this.wiring;
    const sole = w.soleConnection;
    if (sole !== undefined && port === undefined) {
      // The guard for the whole chain below: filters call `out` unguarded, so their errors unwind to here.
      try {
        sole.target.onNext(x);
      } catch (e) {
        this.failConnection(DEFAULT_PORT, sole, e);
      }
      return;
    }
    const list = port === undefined || port === DEFAULT_PORT ? w.defaultConnections : w.portTable[port];
    if (list === undefined || list === CLOSED_PORT) this.throwBadPort(port ?? DEFAULT_PORT);
    for (let i = 0; i < list!.length; i++) {
      const c = list![i];
      try {
        if (c.direct) c.target.onNext(x);
        else c.target[c.nextName](x);
      } catch (e) {
        this.failConnection(port ?? DEFAULT_PORT, c, e);
      }
    }
  }

  /** Tell every input thing on `port` that the stream is over, then close the port. */
  dispatchCompleted(port: string = DEFAULT_PORT): void {
    const list = this.openList(port);
    this.closePort(port);
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      this.deliverTerminal(c, c.completedName, undefined, port);
    }
  }

  /** Tell every input thing on `port` that the stream failed with `e`, then close the port. */
  dispatchError(e: unknown, port: string = DEFAULT_PORT): void {
    const list = this.openList(port);
    this.closePort(port);
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      this.deliverTerminal(c, c.errorName, e, port);
    }
  }

  /**
   * Called by the scheduler when it is this thing's turn to produce an event.
   * @param timestampSec the scheduler's time in seconds, for events that carry one.
   */
  observe(timestampSec: number): void {
    void timestampSec;
    throw new InvalidPortError(`${classNameOf(this, 'this OutputThing')} cannot be scheduled: it has no observe()`);
  }

  /** Called once when the last open port closes; subclasses release resources here. */
  protected onClose(): void {}

  /**
   * Called when the last connection is removed (disconnected or cut off by an
   * error). A filter then lets go of its upstream, so a chain whose end has
   * gone releases its source and the scheduler stops sampling it.
   */
  protected onAbandoned(): void {}

  private openList(port: string): ConnectionList {
    const list = this.wiring.portTable[port];
    if (list === undefined || list === CLOSED_PORT) this.throwBadPort(port);
    return list!;
  }

  private throwBadPort(port: string): never {
    if (this.wiring.portTable[port] === CLOSED_PORT) {
      throw new PortAlreadyClosed(`port '${port}' of ${classNameOf(this, 'an OutputThing')} already had onCompleted or onError`);
    }
    throw new UnknownPortError(`unknown port '${port}' of ${classNameOf(this, 'an OutputThing')}`);
  }

  private setConnections(port: string, list: ConnectionList): void {
    const w = this.wiring;
    w.portTable[port] = list;
    if (port !== DEFAULT_PORT) return;
    w.defaultConnections = list;
    w.soleConnection = list.length === 1 && list[0].direct ? list[0] : undefined;
    if (list === NO_CONNECTIONS || (list.length === 0 && list !== CLOSED_PORT)) {
      this.out = NOBODY as InputThing<T>;
    } else if (list.length === 1 && list[0].direct) {
      this.out = list[0].target;
    } else {
      this.out = w.fanOut ??= new FanOut(this);
    }
  }

  private removeConnection(port: string, connection: Connection): void {
    const w = this.wiring;
    const list = w.portTable[port];
    if (list === undefined || list === CLOSED_PORT) return;
    const i = indexIn(list, connection);
    if (i < 0) return;
    this.setConnections(port, withRemoved(list, i));
    w.connectionCount--;
    this.updateRetired();
    if (w.connectionCount === 0) this.onAbandoned();
  }

  private closePort(port: string): void {
    const w = this.wiring;
    w.connectionCount -= w.portTable[port].length;
    this.setConnections(port, CLOSED_PORT);
    w.openPorts--;
    this.updateRetired();
    if (w.openPorts === 0) this.onClose();
  }

  /**
   * A source caught `e` around its own `this.out.onNext(...)`: isolate it the
   * way `dispatchNext` does (the sole connection is cut and gets `onError`).
   */
  protected outFailed(e: unknown): void {
    if (isFatal(e)) throw e;
    const sole = this.wiring.soleConnection;
    if (sole !== undefined) this.failConnection(DEFAULT_PORT, sole, e);
    else reportError(`thingflow: ${String(this)}: an error escaped its dispatch`, e);
  }

  /** An input thing threw from onNext: cut it off and give it the error, keeping its siblings. */
  private failConnection(port: string, c: Connection, e: unknown): void {
    if (isFatal(e)) throw e;
    this.removeConnection(port, c);
    this.deliverTerminal(c, c.errorName, e, port);
  }

  private deliverTerminal(c: Connection, method: string, e: unknown, port: string): void {
    try {
      c.target[method](e);
    } catch (inner) {
      if (isFatal(inner)) throw inner;
      throw new ExcInDispatch(`${method} of an input thing on port '${port}' threw: ${String(inner)}`);
    }
  }
}
