/**
 * `MqttReader`: an output thing that emits the messages arriving on a topic
 * filter (ThingFlow-Python's `MQTTReader`, over a shared client). The
 * subscription is made at construction and survives reconnects.
 *
 * ```ts
 * new MqttReader(client, 'home/+/lux').map((e) => e.val).connect(display);
 * ```
 * Payloads are decoded from ThingFlow's JSON event form unless `decode` is
 * given. A payload that fails to decode is reported and counted
 * (`decodeErrors`) and the stream goes on: one bad message must not end it.
 * `close()` completes the stream and unsubscribes once no other reader on
 * the same client uses the filter. A message on the filter larger than the
 * client's `maxPacketSize` is skipped by the client (never a redial loop);
 * the reader reports it with its topic and counts it (`oversize`).
 */
import { OutputThing } from '../core/output-thing';
import { reportError } from '../core/report-error';
import type { MqttClient } from './client/mqtt-client';
import type { MqttPacketTooLarge } from './errors';
import { decodeEventJson } from './event-json';
import { matchedTopicFilter, topicMatches } from './topic-filter';

export interface MqttReaderOptions<T> {
  qos?: 0 | 1;
  decode?: (payload: Uint8Array, topic: string) => T;
}

export class MqttReader<T> extends OutputThing<T> {
  decodeErrors = 0;
  /** Messages on this filter skipped for being over the client's `maxPacketSize`. */
  oversize = 0;
  /** What arriving topics are matched against: the filter, without a `$share/{group}/` prefix. */
  private readonly matchFilter: string;
  private readonly decode: (payload: Uint8Array, topic: string) => T;
  private readonly onMessage = (topic: string, payload: Uint8Array): void => {
    if (!topicMatches(this.matchFilter, topic)) return;
    let value: T;
    try {
      value = this.decode(payload, topic);
    } catch (e) {
      this.decodeErrors++;
      reportError(`thingflow: MqttReader(${this.topicFilter}) could not decode a message on '${topic}':`, e);
      return;
    }
    this.dispatchNext(value);
  };
  private readonly onClientError = (e: unknown): void => {
    const tooLarge = e as MqttPacketTooLarge;
    if (tooLarge === null || typeof tooLarge !== 'object' || tooLarge.name !== 'MqttPacketTooLarge') return;
    if (!topicMatches(this.topicFilter, tooLarge.topic)) return;
    this.oversize++;
    reportError(`thingflow: MqttReader(${this.topicFilter}) missed a message on '${tooLarge.topic}':`, e);
  };

  constructor(readonly client: MqttClient, readonly topicFilter: string, opts?: MqttReaderOptions<T>) {
    super();
    this.matchFilter = matchedTopicFilter(topicFilter);
    this.decode = opts?.decode ?? (decodeEventJson as (payload: Uint8Array) => T);
    client.subscribe(topicFilter, { qos: opts?.qos ?? 0 });
    client.addFilterUser(topicFilter);
    client.on('message', this.onMessage);
    client.on('error', this.onClientError);
  }

  /** Stop listening, unsubscribe, and complete the stream. */
  close(): void {
    if (this.closed) return;
    this.client.off('message', this.onMessage);
    this.client.off('error', this.onClientError);
    if (this.client.removeFilterUser(this.topicFilter)) this.client.unsubscribe(this.topicFilter);
    this.dispatchCompleted();
  }

  override toString(): string {
    return `MqttReader(${this.topicFilter})`;
  }
}
