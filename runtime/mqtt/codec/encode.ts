/**
 * `encode(packet)`: one MQTT 3.1.1 packet object to its bytes, byte-identical
 * to mqtt-packet's `generate`. Pure; one allocation (the result). A packet
 * that cannot be encoded throws `MqttEncodeError` before anything is written.
 */
import { MqttEncodeError } from '../errors';
import {
  MAX_REMAINING_LENGTH, type BinaryLike, type ConfirmationPacket, type ConnackPacket, type ConnectPacket,
  type Packet, type PublishPacket, type SubackPacket, type SubscribePacket, type UnsubscribePacket,
} from './packet';
import { prefersNativeUtf8, utf8Bytes, utf8Length, writeUtf8 } from './utf8';

const EMPTY = new Uint8Array(0);

/** Header byte of each fixed-size acknowledgement, §3.4–3.11 (pubrel carries the required 0b0010 flags). */
const CONFIRMATION_HEADERS: { readonly [cmd: string]: number } = Object.freeze({
  puback: 0x40, pubrec: 0x50, pubrel: 0x62, pubcomp: 0x70, unsuback: 0xb0,
});

export function encode(packet: Packet): Uint8Array {
  switch (packet.cmd) {
    case 'publish': return encodePublish(packet);
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp': case 'unsuback':
      return encodeConfirmation(packet);
    case 'pingreq': return twoBytes(0xc0);
    case 'pingresp': return twoBytes(0xd0);
    case 'disconnect': return twoBytes(0xe0);
    case 'connect': return encodeConnect(packet);
    case 'connack': return encodeConnack(packet);
    case 'subscribe': return encodeSubscribe(packet);
    case 'suback': return encodeSuback(packet);
    case 'unsubscribe': return encodeUnsubscribe(packet);
    default:
      throw new MqttEncodeError(`unknown packet cmd '${(packet as { cmd?: unknown }).cmd}'`);
  }
}

/** Bytes the remaining-length field takes, §2.2.3. */
function varintLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/** Allocate header + body and write the fixed header; returns the buffer, body starts at `out.length - length`. */
function allocate(first: number, length: number): Uint8Array {
  if (length > MAX_REMAINING_LENGTH) {
    throw new MqttEncodeError(`packet too large: remaining length ${length} exceeds ${MAX_REMAINING_LENGTH}`);
  }
  const out = new Uint8Array(1 + varintLength(length) + length);
  out[0] = first;
  let pos = 1;
  let n = length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out[pos++] = b;
  } while (n > 0);
  return out;
}

function twoBytes(first: number): Uint8Array {
  const out = new Uint8Array(2);
  out[0] = first;
  return out;
}

function checkMessageId(id: unknown, cmd: string): number {
  if (typeof id !== 'number' || id !== (id & 0xffff)) {
    throw new MqttEncodeError(`${cmd}: messageId must be an integer 0..65535, got ${String(id)}`);
  }
  return id;
}

function checkString(s: unknown, what: string): string {
  if (typeof s !== 'string') throw new MqttEncodeError(`${what} must be a string, got ${typeof s}`);
  return s;
}

function binaryLength(b: BinaryLike): number {
  return typeof b === 'string' ? utf8Length(b) : b.length;
}

function writeU16(out: Uint8Array, pos: number, n: number): number {
  out[pos] = n >> 8;
  out[pos + 1] = n & 0xff;
  return pos + 2;
}

/** A length-prefixed string or byte field, §1.5.3; `len` is its byte length. */
function writeField(out: Uint8Array, pos: number, value: BinaryLike, len: number, what: string): number {
  if (len > 0xffff) throw new MqttEncodeError(`${what} too long: ${len} bytes (max 65535)`);
  pos = writeU16(out, pos, len);
  if (typeof value === 'string') return writeUtf8(out, pos, value);
  out.set(value, pos);
  return pos + len;
}

function encodePublish(p: PublishPacket): Uint8Array {
  return encodePublishFields(p.topic, p.payload ?? EMPTY, p.qos ?? 0, p.retain === true, p.dup === true, p.messageId);
}

/**
 * A PUBLISH from its fields, without a packet object: the client's per-message
 * path. `messageId` is required when qos > 0 and ignored otherwise.
 */
export function encodePublishFields(
  topic: string | Uint8Array, payload: BinaryLike, qos: number, retain: boolean, dup: boolean, messageId: number | undefined,
): Uint8Array {
  if (typeof topic !== 'string' && !(topic instanceof Uint8Array)) throw new MqttEncodeError('publish: topic must be a string (or its UTF-8 bytes)');
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new MqttEncodeError(`publish: qos must be 0, 1 or 2, got ${String(qos)}`);
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new MqttEncodeError('publish: payload must be a string or a Uint8Array');
  }
  if (prefersNativeUtf8) {
    if (typeof topic === 'string') topic = utf8Bytes(topic);
    if (typeof payload === 'string') payload = utf8Bytes(payload);
  }
  const topicLen = binaryLength(topic);
  const payloadLen = binaryLength(payload);
  const id = qos > 0 ? checkMessageId(messageId, 'publish') : 0;
  const length = 2 + topicLen + (qos > 0 ? 2 : 0) + payloadLen;
  const out = allocate(0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 1 : 0), length);
  let pos = writeField(out, out.length - length, topic, topicLen, 'publish: topic');
  if (qos > 0) pos = writeU16(out, pos, id);
  if (typeof payload === 'string') writeUtf8(out, pos, payload);
  else out.set(payload, pos);
  return out;
}

function encodeConfirmation(p: ConfirmationPacket): Uint8Array {
  const id = checkMessageId(p.messageId, p.cmd);
  const out = new Uint8Array(4);
  out[0] = CONFIRMATION_HEADERS[p.cmd];
  out[1] = 2;
  writeU16(out, 2, id);
  return out;
}

function encodeConnack(p: ConnackPacket): Uint8Array {
  const rc = p.returnCode;
  if (typeof rc !== 'number' || rc !== (rc & 0xff)) throw new MqttEncodeError(`connack: returnCode must be a byte, got ${String(rc)}`);
  const out = new Uint8Array(4);
  out[0] = 0x20;
  out[1] = 2;
  out[2] = p.sessionPresent ? 1 : 0;
  out[3] = rc;
  return out;
}

function encodeConnect(p: ConnectPacket): Uint8Array {
  const protocolId = p.protocolId ?? 'MQTT';
  const version = p.protocolVersion ?? 4;
  if (protocolId !== 'MQTT' && protocolId !== 'MQIsdp') throw new MqttEncodeError(`connect: protocolId must be 'MQTT' or 'MQIsdp', got ${String(protocolId)}`);
  if (version !== 3 && version !== 4) throw new MqttEncodeError(`connect: protocolVersion must be 3 or 4 (MQTT 3.1 / 3.1.1), got ${String(version)}`);
  const clean = p.clean ?? true;
  const clientId = p.clientId ?? '';
  checkString(clientId, 'connect: clientId');
  if (clientId === '' && (version < 4 || !clean)) {
    throw new MqttEncodeError(version < 4 ? 'connect: clientId must be supplied before 3.1.1' : 'connect: clientId must be given if clean is false');
  }
  const keepalive = p.keepalive ?? 0;
  if (typeof keepalive !== 'number' || keepalive !== (keepalive & 0xffff)) {
    throw new MqttEncodeError(`connect: keepalive must be an integer 0..65535 seconds, got ${String(keepalive)}`);
  }
  const protocolLen = protocolId.length;
  const clientIdLen = utf8Length(clientId);
  let length = 2 + protocolLen + 1 + 1 + 2 + 2 + clientIdLen;
  let flags = clean ? 0x02 : 0;
  const will = p.will;
  let willTopicLen = 0;
  let willPayloadLen = 0;
  if (will) {
    if (typeof will !== 'object' || typeof will.topic !== 'string' || will.topic === '') {
      throw new MqttEncodeError('connect: will.topic must be a non-empty string');
    }
    const wq = will.qos ?? 0;
    if (wq !== 0 && wq !== 1 && wq !== 2) throw new MqttEncodeError(`connect: will.qos must be 0, 1 or 2, got ${String(wq)}`);
    willTopicLen = utf8Length(will.topic);
    willPayloadLen = will.payload == null ? 0 : binaryLength(will.payload);
    length += 2 + willTopicLen + 2 + willPayloadLen;
    flags |= 0x04 | (wq << 3) | (will.retain ? 0x20 : 0);
  }
  let usernameLen = 0;
  let passwordLen = 0;
  if (p.username != null) {
    checkString(p.username, 'connect: username');
    usernameLen = utf8Length(p.username);
    length += 2 + usernameLen;
    flags |= 0x80;
  }
  if (p.password != null) {
    if (p.username == null) throw new MqttEncodeError('connect: a password needs a username (MQTT-3.1.2-22)');
    if (typeof p.password !== 'string' && !(p.password instanceof Uint8Array)) throw new MqttEncodeError('connect: password must be a string or a Uint8Array');
    passwordLen = binaryLength(p.password);
    length += 2 + passwordLen;
    flags |= 0x40;
  }
  const out = allocate(0x10, length);
  let pos = writeField(out, out.length - length, protocolId, protocolLen, 'protocolId');
  out[pos++] = version;
  out[pos++] = flags;
  pos = writeU16(out, pos, keepalive);
  pos = writeField(out, pos, clientId, clientIdLen, 'connect: clientId');
  if (will) {
    pos = writeField(out, pos, will.topic, willTopicLen, 'connect: will.topic');
    pos = writeField(out, pos, will.payload ?? EMPTY, willPayloadLen, 'connect: will.payload');
  }
  if (p.username != null) pos = writeField(out, pos, p.username, usernameLen, 'connect: username');
  if (p.password != null) writeField(out, pos, p.password, passwordLen, 'connect: password');
  return out;
}

function encodeSubscribe(p: SubscribePacket): Uint8Array {
  const id = checkMessageId(p.messageId, 'subscribe');
  const subs = p.subscriptions;
  if (!Array.isArray(subs) || subs.length === 0) throw new MqttEncodeError('subscribe: subscriptions must be a non-empty array');
  let length = 2;
  for (let i = 0; i < subs.length; i++) {
    checkString(subs[i].topic, 'subscribe: topic');
    const q = subs[i].qos;
    if (q !== 0 && q !== 1 && q !== 2) throw new MqttEncodeError(`subscribe: qos must be 0, 1 or 2, got ${String(q)}`);
    length += 2 + utf8Length(subs[i].topic) + 1;
  }
  const out = allocate(0x82, length);
  let pos = writeU16(out, out.length - length, id);
  for (let i = 0; i < subs.length; i++) {
    pos = writeField(out, pos, subs[i].topic, utf8Length(subs[i].topic), 'subscribe: topic');
    out[pos++] = subs[i].qos;
  }
  return out;
}

function encodeSuback(p: SubackPacket): Uint8Array {
  const id = checkMessageId(p.messageId, 'suback');
  const granted = p.granted;
  if (!Array.isArray(granted) || granted.length === 0) throw new MqttEncodeError('suback: granted must be a non-empty array');
  const length = 2 + granted.length;
  const out = allocate(0x90, length);
  let pos = writeU16(out, out.length - length, id);
  for (let i = 0; i < granted.length; i++) {
    const g = granted[i];
    if (typeof g !== 'number' || g !== (g & 0xff)) throw new MqttEncodeError(`suback: granted codes must be bytes, got ${String(g)}`);
    out[pos++] = g;
  }
  return out;
}

function encodeUnsubscribe(p: UnsubscribePacket): Uint8Array {
  const id = checkMessageId(p.messageId, 'unsubscribe');
  const topics = p.unsubscriptions;
  if (!Array.isArray(topics) || topics.length === 0) throw new MqttEncodeError('unsubscribe: unsubscriptions must be a non-empty array');
  let length = 2;
  for (let i = 0; i < topics.length; i++) length += 2 + utf8Length(checkString(topics[i], 'unsubscribe: topic'));
  const out = allocate(0xa2, length);
  let pos = writeU16(out, out.length - length, id);
  for (let i = 0; i < topics.length; i++) pos = writeField(out, pos, topics[i], utf8Length(topics[i]), 'unsubscribe: topic');
  return out;
}
