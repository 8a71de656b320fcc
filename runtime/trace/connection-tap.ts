/**
 * The input thing tracing splices into one connection (ThingFlow's trace, for
 * one edge of the graph): it counts what crosses, keeps the last value and the
 * end of the stream, tells an optional listener, and passes everything on to
 * the input thing the connection was made to. It exists only while tracing is
 * on, so an untraced connection pays nothing.
 */
import { isFatal } from '../core/errors';
import { onCompletedName, onErrorName, onNextName, type InputThing } from '../core/input-thing';
import type { ConnectionView, OutputThing } from '../core/output-thing';

/** Where a traced stream stands: still open, ended, failed, or disconnected. */
export type TapState = 'open' | 'completed' | 'error' | 'disconnected';

/** What a tap tells a trace listener; `value` is the event, or the error for `'error'`. */
export type TraceKind = 'next' | 'completed' | 'error';

/** Sees every event crossing a traced connection (e.g. a console or a recording). */
export interface TraceListener {
  traced(tap: ConnectionTap, kind: TraceKind, value: unknown): void;
}

export class ConnectionTap implements InputThing<unknown> {
  /** Events passed on. */
  count = 0;
  /** `onError` seen (the stream's end, or a downstream thing that threw and was cut off). */
  errors = 0;
  /** The last event (held by reference: nothing is copied per event). */
  last: unknown = undefined;
  /** Time of the last event (the trace's clock), NaN before the first. */
  lastAtMs = NaN;
  state: TapState = 'open';
  /** The error that ended the stream, if it ended with one. */
  error: unknown = undefined;
  private readonly nextName: string;
  private readonly completedName: string;
  private readonly errorName: string;

  constructor(
    readonly from: OutputThing<unknown>,
    readonly port: string,
    readonly connection: ConnectionView,
    private readonly now: (() => number) | undefined,
    private readonly listener: TraceListener | undefined,
  ) {
    this.nextName = onNextName(connection.inPort);
    this.completedName = onCompletedName(connection.inPort);
    this.errorName = onErrorName(connection.inPort);
  }

  /** The input thing at the far end. */
  get to(): unknown {
    return this.connection.input;
  }

  onNext(x: unknown): void {
    this.count++;
    this.last = x;
    if (this.now !== undefined) this.lastAtMs = this.now();
    if (this.listener !== undefined) this.listener.traced(this, 'next', x);
    (this.connection.input as any)[this.nextName](x); // unguarded, as without the tap: the dispatch's guard isolates it
  }

  onCompleted(): void {
    this.state = 'completed';
    if (this.listener !== undefined) this.listener.traced(this, 'completed', undefined);
    (this.connection.input as any)[this.completedName]();
  }

  onError(e: unknown): void {
    if (!isFatal(e)) {
      this.errors++;
      this.state = 'error';
      this.error = e;
      if (this.listener !== undefined) this.listener.traced(this, 'error', e);
    }
    (this.connection.input as any)[this.errorName](e);
  }
}
