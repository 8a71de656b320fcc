import { reportError } from '../core/report-error';
import { queueAction } from './action-queue';
import { PropertyError } from './property-error';
import type { Action } from './action';
import type { Property } from './property';
import type { Thing, ThingSubscriber } from './thing';
import type { Event } from './event';
import { OutboundBudget } from '../outbound/outbound-budget';
import { ClientOutbound, type OutboundLink } from './client-outbound';
import { newWotCounters, type WotCounters } from './counters';
import { jsonTextDeeperThan } from './json-depth';
import { excerpt, isPlainObject, statusLine, tooDeepMessage } from './client-errors';

/** WebSocket error replies may total 4× the bytes the client sent, plus this much to start with. */
const REPLY_ALLOWANCE_BYTES = 1024;
/** ...and the unspent allowance is capped, so a quiet client cannot save up for a burst. */
const REPLY_CREDIT_CAP_BYTES = 16 * 1024;

/**
 * One WebSocket client of one thing. The host feeds it text frames with
 * `receive` and calls `close` when the socket closes; it sends through the
 * `send` function it was opened with, within the client's byte budget when the
 * host gave an `OutboundLink` (see client-outbound.ts; then call `drained()`
 * when the socket drains).
 *
 * Every message gets at most one error reply, which never quotes the request
 * beyond a short excerpt; and error replies stop (counted in
 * `repliesSuppressed`) once they would pass 4× the bytes this client sent.
 */
export class WotSocketSession implements ThingSubscriber {
  private open = true;
  private replyCredit = REPLY_ALLOWANCE_BYTES;
  private readonly out: ClientOutbound | undefined;
  private readonly counters: WotCounters;
  private readonly maxDepth: number;

  constructor(
    readonly thing: Thing,
    private readonly send: (text: string) => void,
    private readonly mayWrite: boolean,
    link?: OutboundLink,
    budget?: OutboundBudget,
    counters?: WotCounters,
    maxDepth?: number,
  ) {
    this.counters = counters ?? newWotCounters();
    this.maxDepth = maxDepth ?? thing.maxValueDepth;
    this.out = link === undefined ? undefined : new ClientOutbound(link, send, budget ?? new OutboundBudget(), this.counters, () => this.close());
    this.counters.sessions++;
    thing.addSubscriber(this);
  }

  updateProperty(p: Property<any>, message: string): void {
    if (this.out !== undefined) this.out.sendLatest(p.name, message);
    else this.send(message);
  }
  updateAction(_a: Action<any>, message: string): void { this.sendDroppable(message); }
  updateEvent(_e: Event<any>, message: string): void { this.sendDroppable(message); }

  /** The host's socket drained: send what the byte budget held back. */
  drained(): void {
    if (this.out !== undefined) this.out.drained();
  }

  /** One text frame from the client. Never throws: every problem becomes one `error` message. */
  receive(text: string): void {
    if (!this.open) return;
    this.earnReplyCredit(text.length);
    try {
      this.dispatch(text);
    } catch (e) {
      reportError('thingflow wot: WebSocket message failed:', e);
      this.sendError(500, `the message could not be handled: ${excerpt(e instanceof Error ? e.message : String(e))}`);
    }
  }

  /** One binary frame from the client: refused with one error (within the reply budget). */
  receiveBinary(byteLength = 0): void {
    if (!this.open) return;
    this.earnReplyCredit(byteLength);
    this.sendError(400, 'binary frames are not accepted; send JSON text');
  }

  /** The socket closed: stop sending to it. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.counters.sessions--;
    this.thing.removeSubscriber(this);
  }

  /** Error replies may total 4× what the client sent (plus a small allowance): see the class comment. */
  private earnReplyCredit(received: number): void {
    const credit = this.replyCredit + 4 * received;
    this.replyCredit = credit < REPLY_CREDIT_CAP_BYTES ? credit : REPLY_CREDIT_CAP_BYTES;
  }

  private sendDroppable(message: string): void {
    if (this.out !== undefined) this.out.sendDroppable(message);
    else this.send(message);
  }

  private sendError(status: number, message: string): void {
    const text = `{"messageType":"error","data":{"status":${JSON.stringify(statusLine(status))},"message":${JSON.stringify(message)}}}`;
    if (text.length > this.replyCredit) {
      this.counters.repliesSuppressed++;
      return;
    }
    this.replyCredit -= text.length;
    this.sendDroppable(text);
  }

  private dispatch(text: string): void {
    // The envelope {"messageType", "data": {"<name>": {"input": value}}} adds three levels.
    if (jsonTextDeeperThan(text, this.maxDepth + 3)) {
      this.counters.tooDeep++;
      this.sendError(400, tooDeepMessage(this.maxDepth));
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.sendError(400, 'Parsing request failed');
      return;
    }
    if (!isPlainObject(message) || typeof message.messageType !== 'string' || !isPlainObject(message.data)) {
      this.sendError(400, 'Invalid message: expected {"messageType": string, "data": object}');
      return;
    }
    const data = message.data;
    const names = Object.keys(data);
    // One reply per message: the first problem, and how many names had one.
    let failed = 0;
    let firstStatus = 0;
    let firstProblem = '';
    switch (message.messageType) {
      case 'setProperty':
        if (!this.mayWrite) {
          this.sendError(401, 'a bearer token is needed to set properties');
          return;
        }
        for (let i = 0; i < names.length; i++) {
          const name = names[i];
          let status = 0;
          let problem = '';
          if (!this.thing.hasProperty(name)) {
            status = 404;
            problem = `no property '${excerpt(name)}' on ${this.thing.title}`;
          } else {
            try {
              this.thing.setProperty(name, data[name]);
            } catch (e) {
              if (!(e instanceof PropertyError)) reportError('thingflow wot: setting a property threw:', e);
              status = 400;
              // A PropertyError's message is the server's own, quoting at most 40 characters of the value.
              problem = e instanceof PropertyError ? e.message : excerpt(e instanceof Error ? e.message : String(e));
            }
          }
          if (status !== 0 && failed++ === 0) {
            firstStatus = status;
            firstProblem = problem;
          }
        }
        break;
      case 'requestAction':
        if (!this.mayWrite) {
          this.sendError(401, 'a bearer token is needed to request actions');
          return;
        }
        for (let i = 0; i < names.length; i++) {
          const name = names[i];
          const params = data[name];
          let status = 0;
          let problem = '';
          if (!this.thing.hasAvailableAction(name)) {
            status = 404;
            problem = `Invalid action request: no action '${excerpt(name)}' on ${this.thing.title}`;
          } else {
            const input = isPlainObject(params) ? params.input : undefined;
            const wrong = params !== null && params !== undefined && !isPlainObject(params)
              ? `the parameters of action '${name}' must be an object`
              : this.thing.checkActionRequest(name, input);
            if (wrong !== null) {
              status = 400;
              problem = `Invalid action request: ${wrong}`;
            } else if (this.thing.runningActionCount() >= this.thing.maxRunningActions) {
              this.counters.actionsRefused++;
              status = 503;
              problem = `${this.thing.maxRunningActions} actions are running on ${this.thing.title} (maxRunningActions); try again later`;
            } else {
              const action = this.thing.performAction(name, input)!;
              queueAction(() => action.start());
            }
          }
          if (status !== 0 && failed++ === 0) {
            firstStatus = status;
            firstProblem = problem;
          }
        }
        break;
      case 'addEventSubscription':
        for (let i = 0; i < names.length; i++) {
          if (!this.thing.addEventSubscriber(names[i], this) && failed++ === 0) {
            firstStatus = 404;
            firstProblem = `no event '${excerpt(names[i])}' on ${this.thing.title}`;
          }
        }
        break;
      default:
        this.sendError(400, `Unknown messageType: ${excerpt(message.messageType)}`);
        return;
    }
    if (failed > 0) this.sendError(firstStatus, failed === 1 ? firstProblem : `${firstProblem} (and ${failed - 1} more of ${names.length} names)`);
  }
}
