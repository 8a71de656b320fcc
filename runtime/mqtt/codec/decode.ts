/**
 * `PacketDecoder`: bytes from the network to MQTT 3.1.1 packet objects, fed
 * chunk by chunk as they arrive (split anywhere, several packets per chunk).
 * Reads what mqtt-packet generates into the same fields.
 *
 * Malformed input never throws: the decoder reports one `MqttProtocolError`
 * to its handler and ignores further bytes until `reset()` (the connection
 * must be closed, MQTT 3.1.1 §4.8). It is stricter than mqtt-packet where the
 * spec says "MUST": ill-formed UTF-8, wildcards in a PUBLISH topic, a password
 * without a user name, reserved flag bits, trailing bytes.
 *
 * A packet that arrives whole in one chunk is decoded in place: its payload is
 * a view into that chunk. Bytes carried over between chunks live in one
 * growing buffer that is reused, so payloads read from it are copies. That
 * buffer grows with the bytes that arrived, never to the size a header
 * announces: a 5-byte header announcing 1 MB costs 256 bytes, not 1 MB.
 *
 * A PUBLISH over `maxPacketSize` is a protocol error, unless the handler has
 * `onOversizePublish`: then only its topic (and message id) are read, the
 * handler is told, and the rest is discarded as it arrives without being
 * kept, so one poisoned retained message cannot force a redial loop.
 */
import { MqttProtocolError } from '../errors';
import {
  MAX_REMAINING_LENGTH, PACKET_TYPES, REQUIRED_FLAGS,
  type ConnectPacket, type Packet, type QoS, type Subscription, type Will,
} from './packet';
import { readUtf8 } from './utf8';

export interface PacketHandler {
  onPacket(packet: Packet): void;
  /** Called once; the decoder then ignores input until `reset()`. */
  onProtocolError(error: MqttProtocolError): void;
  /**
   * Optional: a PUBLISH of `size` bytes (over the limit) on `topic` is being
   * skipped; `messageId` is set for QoS 1 and 2, so the receiver can still
   * acknowledge it. Without this method an oversize PUBLISH is a protocol error.
   */
  onOversizePublish?(topic: string, size: number, qos: QoS, messageId: number | undefined): void;
}

export interface DecoderOptions {
  /** Largest whole packet (fixed header included) accepted, in bytes; larger ones are a protocol error. */
  maxPacketSize?: number;
}

const NO_LIMIT = MAX_REMAINING_LENGTH + 5;
const NO_ID_ZERO = 'packet identifier 0 (MQTT-2.3.1-1: it must be non-zero)';

export class PacketDecoder {
  readonly maxPacketSize: number;
  private pending = new Uint8Array(0);
  private pendingLen = 0;
  private failed = false;
  /** Bytes of an oversize PUBLISH still to be discarded. */
  private skipLeft = 0;
  /** Bumped by reset(), so a handler that resets mid-chunk stops the loop. */
  private generation = 0;
  // Cursor of the packet body being decoded.
  private buf: Uint8Array = this.pending;
  private pos = 0;
  private end = 0;
  private copyPayload = false;
  private reason = '';
  private pushing = false;
  /** Chunks pushed re-entrantly from a handler, decoded once the current chunk is done. */
  private backlog: Uint8Array[] | undefined;

  constructor(private readonly handler: PacketHandler, opts?: DecoderOptions) {
    this.maxPacketSize = opts?.maxPacketSize ?? NO_LIMIT;
  }

  /** Bytes held back waiting for the rest of a packet. */
  get buffered(): number {
    return this.pendingLen;
  }

  /** Bytes allocated for carrying packets across chunks (grows with the bytes received, never ahead of them). */
  get capacity(): number {
    return this.pending.length;
  }

  /** Forget buffered bytes and any error: ready for a new connection. */
  reset(): void {
    this.failed = false;
    this.pendingLen = 0;
    this.skipLeft = 0;
    this.backlog = undefined;
    this.generation++;
  }

  /**
   * Feed the next chunk of bytes; complete packets go to the handler before
   * this returns. A chunk pushed from inside the handler (a transport that
   * answers synchronously) is decoded after the current one, in order.
   */
  push(chunk: Uint8Array): void {
    if (this.pushing) {
      (this.backlog ??= []).push(chunk.slice());
      return;
    }
    this.pushing = true;
    try {
      this.pushChunk(chunk);
      while (this.backlog !== undefined && this.backlog.length > 0) this.pushChunk(this.backlog.shift()!);
    } finally {
      this.pushing = false;
      this.backlog = undefined;
    }
  }

  private pushChunk(chunk: Uint8Array): void {
    if (this.failed || chunk.length === 0) return;
    if (this.skipLeft > 0) {
      if (chunk.length <= this.skipLeft) {
        this.skipLeft -= chunk.length;
        return;
      }
      chunk = chunk.subarray(this.skipLeft);
      this.skipLeft = 0;
    }
    let buf: Uint8Array;
    let end: number;
    const owned = this.pendingLen > 0;
    if (owned) {
      end = this.pendingLen + chunk.length;
      this.reserve(end);
      this.pending.set(chunk, this.pendingLen);
      buf = this.pending;
    } else {
      buf = chunk;
      end = chunk.length;
    }
    const generation = this.generation;
    let start = 0;
    while (end - start >= 2) {
      const first = buf[start];
      const type = first >> 4;
      const required = REQUIRED_FLAGS[type];
      if (PACKET_TYPES[type] === undefined) return this.fail(`reserved packet type ${type}`);
      if (required >= 0 && (first & 0x0f) !== required) {
        return this.fail(`invalid flags 0x${(first & 0x0f).toString(16)} in fixed header of ${PACKET_TYPES[type]} (must be 0x${required.toString(16)})`);
      }
      if (type === 3 && (first & 0x06) === 0x06) return this.fail('publish with QoS 3 (both QoS bits set)');
      // Remaining length: 1 to 4 bytes, 7 bits each, low first (§2.2.3).
      let length = 0;
      let mul = 1;
      let i = start + 1;
      let complete = false;
      while (i < end && i < start + 5) {
        const b = buf[i++];
        length += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (i === start + 5) return this.fail('malformed remaining length (more than 4 bytes)');
        break;
      }
      const total = i - start + length;
      if (total > this.maxPacketSize) {
        const consumed = this.skipOversize(buf, start, i, end, first, total);
        if (consumed < 0) return; // failed
        if (consumed === 0) break; // its topic has not all arrived yet
        start += consumed;
        if (this.generation !== generation || this.failed) return;
        continue;
      }
      if (end - start < total) break;
      this.buf = buf;
      this.pos = i;
      this.end = i + length;
      this.copyPayload = owned;
      const packet = this.decodeBody(first, length);
      if (packet === undefined) return this.fail(`malformed ${PACKET_TYPES[type]}: ${this.reason}`);
      start += total;
      this.handler.onPacket(packet);
      if (this.generation !== generation || this.failed) return;
    }
    const rest = end - start;
    if (rest === 0) {
      this.pendingLen = 0;
    } else if (owned) {
      this.pending.copyWithin(0, start, end);
      this.pendingLen = rest;
    } else {
      this.reserve(rest);
      this.pending.set(chunk.subarray(start, end), 0);
      this.pendingLen = rest;
    }
  }

  /**
   * A packet of `total` bytes over the limit, its body starting at `body`:
   * refuse it, or (a PUBLISH, with a handler that wants them) report its topic
   * and discard it. Returns the bytes consumed from `start` (the rest is
   * skipped as it arrives), 0 to wait for the topic, -1 after failing.
   */
  private skipOversize(buf: Uint8Array, start: number, body: number, end: number, first: number, total: number): number {
    const handler = this.handler;
    if (first >> 4 !== 3 || handler.onOversizePublish === undefined) {
      this.fail(`packet of ${total} bytes exceeds the limit of ${this.maxPacketSize}`);
      return -1;
    }
    const qos = ((first >> 1) & 3) as QoS;
    if (end - body < 2) return 0;
    const prefix = body - start + 2 + ((buf[body] << 8) | buf[body + 1]) + (qos > 0 ? 2 : 0);
    if (prefix > this.maxPacketSize) {
      this.fail(`packet of ${total} bytes exceeds the limit of ${this.maxPacketSize} (and so does its topic)`);
      return -1;
    }
    if (end - start < prefix) return 0;
    this.buf = buf;
    this.pos = body;
    this.end = start + total;
    const topic = this.string('topic');
    if (topic === undefined) {
      this.fail(`malformed publish: ${this.reason}`);
      return -1;
    }
    const messageId = qos > 0 ? this.u16() : undefined;
    if (messageId === 0) {
      this.fail('malformed publish: packet identifier 0 (MQTT-2.3.1-1)');
      return -1;
    }
    const available = end - start;
    if (available < total) this.skipLeft = total - available;
    handler.onOversizePublish(topic, total, qos, messageId);
    return available < total ? available : total;
  }

  private reserve(size: number): void {
    if (this.pending.length >= size) return;
    let cap = this.pending.length * 2;
    if (cap < size) cap = size;
    if (cap < 256) cap = 256;
    const next = new Uint8Array(cap);
    next.set(this.pending.subarray(0, this.pendingLen), 0);
    this.pending = next;
  }

  private fail(message: string): void {
    this.failed = true;
    this.pendingLen = 0;
    this.buf = this.pending;
    this.handler.onProtocolError(new MqttProtocolError(message));
  }

  private decodeBody(first: number, length: number): Packet | undefined {
    const type = first >> 4;
    const retain = (first & 1) !== 0;
    const qos = ((first >> 1) & 3) as QoS;
    const dup = (first & 8) !== 0;
    switch (type) {
      case 3: return this.decodePublish(retain, qos, dup, length);
      case 4: case 5: case 6: case 7: case 11: {
        if (length !== 2) return this.bad(`remaining length must be 2, got ${length}`);
        const messageId = this.u16();
        if (messageId === 0) return this.bad(NO_ID_ZERO);
        return { cmd: PACKET_TYPES[type] as 'puback', retain, qos, dup, length, messageId };
      }
      case 12: case 13: case 14:
        if (length !== 0) return this.bad(`remaining length must be 0, got ${length}`);
        return { cmd: PACKET_TYPES[type] as 'pingreq', retain, qos, dup, length };
      case 2: {
        if (length !== 2) return this.bad(`remaining length must be 2, got ${length}`);
        const flags = this.buf[this.pos];
        if (flags > 1) return this.bad('connack flags bits 7-1 must be 0');
        return { cmd: 'connack', retain, qos, dup, length, sessionPresent: flags === 1, returnCode: this.buf[this.pos + 1] };
      }
      case 1: return this.decodeConnect(retain, qos, dup, length);
      case 8: return this.decodeSubscribe(retain, qos, dup, length);
      case 9: return this.decodeSuback(retain, qos, dup, length);
      case 10: return this.decodeUnsubscribe(retain, qos, dup, length);
      default: return this.bad('unsupported packet type');
    }
  }

  private bad(reason: string): undefined {
    this.reason = reason;
    return undefined;
  }

  /** Caller checked 2 bytes remain. */
  private u16(): number {
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }

  private string(what: string): string | undefined {
    if (this.end - this.pos < 2) return this.bad(`${what}: truncated length`);
    const len = this.u16();
    if (this.end - this.pos < len) return this.bad(`${what}: ${len} bytes announced, ${this.end - this.pos} left`);
    const s = readUtf8(this.buf, this.pos, this.pos + len);
    if (s === undefined) return this.bad(`${what}: invalid UTF-8 (or U+0000)`);
    this.pos += len;
    return s;
  }

  private bytes(len: number): Uint8Array {
    const from = this.pos;
    this.pos += len;
    return this.copyPayload ? this.buf.slice(from, from + len) : this.buf.subarray(from, from + len);
  }

  private binary(what: string): Uint8Array | undefined {
    if (this.end - this.pos < 2) return this.bad(`${what}: truncated length`);
    const len = this.u16();
    if (this.end - this.pos < len) return this.bad(`${what}: ${len} bytes announced, ${this.end - this.pos} left`);
    return this.bytes(len);
  }

  private decodePublish(retain: boolean, qos: QoS, dup: boolean, length: number): Packet | undefined {
    const b = this.buf;
    if (this.end - this.pos >= 2 && b[this.pos] === 0 && b[this.pos + 1] === 0) return this.bad('empty topic name (MQTT-4.7.3-1)');
    const topic = this.string('topic');
    if (topic === undefined) return undefined;
    // One native search each: a byte loop costs ~20 computrons per byte in XS.
    if (topic.indexOf('#') !== -1 || topic.indexOf('+') !== -1) return this.bad(`wildcard in topic name '${topic}' (MQTT-3.3.2-2)`);
    if (qos > 0) {
      if (this.end - this.pos < 2) return this.bad('truncated messageId');
      const messageId = this.u16();
      if (messageId === 0) return this.bad(NO_ID_ZERO);
      return { cmd: 'publish', retain, qos, dup, length, topic, payload: this.bytes(this.end - this.pos), messageId };
    }
    return { cmd: 'publish', retain, qos, dup, length, topic, payload: this.bytes(this.end - this.pos) };
  }

  private decodeConnect(retain: boolean, qos: QoS, dup: boolean, length: number): Packet | undefined {
    const protocolId = this.string('protocol name');
    if (protocolId === undefined) return undefined;
    if (protocolId !== 'MQTT' && protocolId !== 'MQIsdp') return this.bad(`unknown protocol name '${protocolId}'`);
    if (this.end - this.pos < 4) return this.bad('truncated variable header');
    const version = this.buf[this.pos++];
    if (version !== 3 && version !== 4) return this.bad(`unsupported protocol version ${version} (3.1 and 3.1.1 are spoken)`);
    const flags = this.buf[this.pos++];
    if (flags & 1) return this.bad('reserved connect flag bit 0 must be 0');
    const keepalive = this.u16();
    const clientId = this.string('client id');
    if (clientId === undefined) return undefined;
    const packet: ConnectPacket = {
      cmd: 'connect', retain, qos, dup, length,
      protocolId, protocolVersion: version, clean: (flags & 2) !== 0, keepalive, clientId,
    };
    const willQos = (flags >> 3) & 3;
    if (flags & 4) {
      if (willQos === 3) return this.bad('will QoS 3');
      const topic = this.string('will topic');
      if (topic === undefined) return undefined;
      const payload = this.binary('will payload');
      if (payload === undefined) return undefined;
      const will: Will = { retain: (flags & 0x20) !== 0, qos: willQos as QoS, topic, payload };
      packet.will = will;
    } else if (flags & 0x38) {
      return this.bad('will QoS and retain must be 0 without a will');
    }
    if (flags & 0x80) {
      const username = this.string('user name');
      if (username === undefined) return undefined;
      packet.username = username;
    } else if (flags & 0x40) {
      return this.bad('password flag without user name flag (MQTT-3.1.2-22)');
    }
    if (flags & 0x40) {
      const password = this.binary('password');
      if (password === undefined) return undefined;
      packet.password = password;
    }
    if (this.pos !== this.end) return this.bad(`${this.end - this.pos} unexpected bytes after the payload`);
    return packet;
  }

  private decodeSubscribe(retain: boolean, qos: QoS, dup: boolean, length: number): Packet | undefined {
    if (length < 2) return this.bad('truncated messageId');
    const messageId = this.u16();
    if (messageId === 0) return this.bad(NO_ID_ZERO);
    if (this.pos === this.end) return this.bad('no topic filter (MQTT-3.8.3-3)');
    const subscriptions: Subscription[] = [];
    while (this.pos < this.end) {
      const topic = this.string('topic filter');
      if (topic === undefined) return undefined;
      if (this.pos >= this.end) return this.bad('missing requested QoS');
      const options = this.buf[this.pos++];
      if (options > 2) return this.bad(`invalid requested QoS byte 0x${options.toString(16)}`);
      subscriptions.push({ topic, qos: options as QoS });
    }
    return { cmd: 'subscribe', retain, qos, dup, length, messageId, subscriptions };
  }

  private decodeSuback(retain: boolean, qos: QoS, dup: boolean, length: number): Packet | undefined {
    if (length < 3) return this.bad('needs a messageId and at least one return code');
    const messageId = this.u16();
    if (messageId === 0) return this.bad(NO_ID_ZERO);
    const granted: number[] = [];
    while (this.pos < this.end) {
      const code = this.buf[this.pos++];
      if (code > 2 && code !== 0x80) return this.bad(`invalid return code 0x${code.toString(16)}`);
      granted.push(code);
    }
    return { cmd: 'suback', retain, qos, dup, length, messageId, granted };
  }

  private decodeUnsubscribe(retain: boolean, qos: QoS, dup: boolean, length: number): Packet | undefined {
    if (length < 2) return this.bad('truncated messageId');
    const messageId = this.u16();
    if (messageId === 0) return this.bad(NO_ID_ZERO);
    if (this.pos === this.end) return this.bad('no topic filter (MQTT-3.10.3-2)');
    const unsubscriptions: string[] = [];
    while (this.pos < this.end) {
      const topic = this.string('topic filter');
      if (topic === undefined) return undefined;
      unsubscriptions.push(topic);
    }
    return { cmd: 'unsubscribe', retain, qos, dup, length, messageId, unsubscriptions };
  }
}
