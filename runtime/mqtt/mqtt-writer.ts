/**
 * `MqttWriter`: an input thing that publishes each event it receives
 * (ThingFlow-Python's `MQTTWriter`, with the client passed in so several
 * things can share one connection).
 *
 * ```ts
 * const client = new MqttClient({ host: '127.0.0.1' });
 * client.connect();
 * sensor.connect(new MqttWriter(client, 'home/lux', { qos: 1 }));
 * ```
 * Events are encoded with ThingFlow's JSON event form unless `encode` is given.
 * `onCompleted`/`onError` leave the client connected (others may use it)
 * unless `endClient` is set.
 */
import type { InputThing } from '../core/input-thing';
import { reportError } from '../core/report-error';
import type { MqttClient } from './client/mqtt-client';
import { encodeEventJson } from './event-json';
import { topicNameProblem } from './topic-filter';

export interface MqttWriterOptions<T> {
  qos?: 0 | 1;
  retain?: boolean;
  encode?: (x: T) => string | Uint8Array;
  /** End the client when the stream completes or fails. Default false. */
  endClient?: boolean;
}

export class MqttWriter<T> implements InputThing<T> {
  private readonly publishOpts: { qos: 0 | 1; retain: boolean };
  private readonly encode: (x: T) => string | Uint8Array;

  constructor(readonly client: MqttClient, readonly topic: string, private readonly opts?: MqttWriterOptions<T>) {
    const problem = topicNameProblem(topic);
    if (problem) throw new TypeError(`MqttWriter: ${problem}`);
    this.publishOpts = { qos: opts?.qos ?? 0, retain: opts?.retain === true };
    this.encode = opts?.encode ?? (encodeEventJson as (x: T) => string);
  }

  onNext(x: T): void {
    this.client.publish(this.topic, this.encode(x), this.publishOpts);
  }

  onCompleted(): void {
    if (this.opts?.endClient) this.client.end();
  }

  onError(e: unknown): void {
    reportError(`thingflow: MqttWriter(${this.topic}) upstream failed:`, e);
    if (this.opts?.endClient) this.client.end();
  }

  toString(): string {
    return `MqttWriter(${this.topic})`;
  }
}
