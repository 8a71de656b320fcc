import { reportError } from '../core/report-error';
import { timestamp } from './timestamp';
import type { Thing } from './thing';

export type ActionStatus = 'created' | 'pending' | 'completed' | 'failed';

/**
 * Returned by `performAction(done)` to say "I finish when I call done()".
 * Declaring the `done` parameter says the same where functions keep their
 * `length`; a Moddable build that strips function metadata does not, so
 * return this there.
 */
export const FINISH_LATER: unique symbol = Symbol('thingflow.wot.finishLater');

export interface ActionDescription {
  href: string;
  timeRequested: string;
  status: ActionStatus;
  input?: unknown;
  timeCompleted?: string;
  error?: string;
}

/**
 * A request to do something, with a status that moves created → pending →
 * completed (webthing-python's `Action`). Subclass it and override
 * `performAction`:
 *
 * ```ts
 * class FadeAction extends Action<{ brightness: number; duration: number }> {
 *   constructor(thing: Thing, input: { brightness: number; duration: number }) {
 *     super(newActionId(), thing, 'fade', input);
 *   }
 *   // It completes when done() is called: FINISH_LATER (or, unstripped, just declaring `done`) says so.
 *   override performAction(done: () => void) {
 *     setTimeout(() => { this.thing.setProperty('brightness', this.input.brightness); done(); }, this.input.duration);
 *     return FINISH_LATER;
 *   }
 * }
 * ```
 *
 * `performAction()` without a parameter completes when it returns (or, if it
 * returns a promise, when that settles). If it throws, the status becomes
 * `failed` and `error` says why; the server carries on.
 */
export class Action<I = any> {
  readonly id: string;
  readonly thing: Thing;
  readonly name: string;
  readonly input: I;
  status: ActionStatus = 'created';
  readonly timeRequested: string;
  timeCompleted: string | undefined;
  error: string | undefined;
  private hrefPrefix = '';
  private readonly href: string;
  private cancelled = false;
  private finishedListeners: ((action: Action<I>) => void)[] | undefined;

  constructor(id: string, thing: Thing, name: string, input?: I) {
    this.id = id;
    this.thing = thing;
    this.name = name;
    this.input = input as I;
    this.href = `/actions/${encodeURIComponent(name)}/${id}`;
    this.timeRequested = timestamp();
  }

  /** `{ [name]: { href, timeRequested, status, input?, timeCompleted? } }` */
  asActionDescription(): { [name: string]: ActionDescription } {
    const d: ActionDescription = { href: this.hrefPrefix + this.href, timeRequested: this.timeRequested, status: this.status };
    if (this.input !== undefined && this.input !== null) d.input = this.input;
    if (this.timeCompleted !== undefined) d.timeCompleted = this.timeCompleted;
    if (this.error !== undefined) d.error = this.error;
    return { [this.name]: d };
  }

  setHrefPrefix(prefix: string): void {
    this.hrefPrefix = prefix;
  }

  getId(): string { return this.id; }
  getName(): string { return this.name; }
  getHref(): string { return this.hrefPrefix + this.href; }
  getStatus(): ActionStatus { return this.status; }
  getThing(): Thing { return this.thing; }
  getTimeRequested(): string { return this.timeRequested; }
  getTimeCompleted(): string | undefined { return this.timeCompleted; }
  getInput(): I { return this.input; }

  /** Start performing the action (the server calls this from its action queue). */
  start(): void {
    if (this.cancelled || this.status !== 'created') return;
    this.status = 'pending';
    this.thing.actionNotify(this);
    let result: unknown;
    try {
      result = this.performAction(() => this.finish());
    } catch (e) {
      this.fail(e);
      return;
    }
    if (result === FINISH_LATER || this.performAction.length >= 1) return;
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(() => this.finish(), (e: unknown) => this.fail(e));
    } else {
      this.finish();
    }
  }

  /**
   * Override with what the action does. To finish later, call `done()` then
   * and return `FINISH_LATER` (declaring the `done` parameter is enough where
   * functions keep their `length`); otherwise it finishes on return.
   */
  performAction(done: () => void): unknown {
    void done;
    return undefined;
  }

  /** Override to stop a running action; called when a client deletes it. */
  cancel(): void {}

  /** Mark the action completed and tell the subscribers. Called once; later calls do nothing. */
  finish(): void {
    if (this.status === 'completed' || this.status === 'failed') return;
    this.status = 'completed';
    this.settle();
  }

  /** Call `fn` once the action has completed, failed or been abandoned (at once if it already has). */
  whenFinished(fn: (action: Action<I>) => void): void {
    if (this.status === 'completed' || this.status === 'failed' || this.cancelled) {
      fn(this);
      return;
    }
    (this.finishedListeners ??= []).push(fn);
  }

  /** @internal the action was removed from its thing: it will no longer report. */
  markCancelled(): void {
    this.cancelled = true;
  }

  /**
   * @internal The thing forgets this action (a client deleted it, or the bounded history evicted
   * it): its work is stopped with `cancel()`, it reports no more, and whoever waits in
   * `whenFinished` hears now (`wasCancelled()` is then true), so no request is left hanging.
   */
  abandon(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    try {
      this.cancel();
    } catch (e) {
      reportError(`thingflow wot: cancel of action '${this.name}' ${this.id} threw:`, e);
    }
    if (this.status === 'completed' || this.status === 'failed') return;
    this.timeCompleted = timestamp();
    const list = this.finishedListeners;
    this.finishedListeners = undefined;
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) list[i](this);
    }
  }

  /** True once the action was deleted or evicted from the history before it finished. */
  wasCancelled(): boolean {
    return this.cancelled;
  }

  /** Created or pending: not yet completed, failed or abandoned. */
  isRunning(): boolean {
    return !this.cancelled && (this.status === 'created' || this.status === 'pending');
  }

  private fail(e: unknown): void {
    if (this.status === 'completed' || this.status === 'failed') return;
    this.status = 'failed';
    this.error = e instanceof Error ? e.message : String(e);
    reportError(`thingflow wot: action '${this.name}' ${this.id} failed:`, e);
    this.settle();
  }

  private settle(): void {
    this.timeCompleted = timestamp();
    if (!this.cancelled) this.thing.actionNotify(this);
    const list = this.finishedListeners;
    this.finishedListeners = undefined;
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) list[i](this);
    }
  }
}
