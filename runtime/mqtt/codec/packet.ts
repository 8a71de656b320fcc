/**
 * MQTT 3.1.1 control packets as plain objects, with the field names of
 * mqtt-packet (npm) so the two can be compared field by field. Binary
 * fields are `Uint8Array` (a Node `Buffer` is one); strings are UTF-8 on the wire.
 */

export type QoS = 0 | 1 | 2;

/** Bytes or a string to be sent as UTF-8. */
export type BinaryLike = string | Uint8Array;

/** Fields every packet has; the decoder fills them from the fixed header. */
export interface PacketHeader {
  retain?: boolean;
  qos?: QoS;
  dup?: boolean;
  /** Remaining length, set by the decoder. */
  length?: number;
}

export interface Will {
  topic: string;
  payload: BinaryLike;
  qos?: QoS;
  retain?: boolean;
}

export interface ConnectPacket extends PacketHeader {
  cmd: 'connect';
  protocolId?: 'MQTT' | 'MQIsdp';
  protocolVersion?: 3 | 4;
  clientId: string;
  clean?: boolean;
  keepalive?: number;
  username?: string;
  password?: BinaryLike;
  will?: Will;
}

export interface ConnackPacket extends PacketHeader {
  cmd: 'connack';
  sessionPresent: boolean;
  returnCode: number;
}

export interface PublishPacket extends PacketHeader {
  cmd: 'publish';
  topic: string;
  payload: BinaryLike;
  /** Present when qos > 0. */
  messageId?: number;
}

export interface ConfirmationPacket extends PacketHeader {
  cmd: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'unsuback';
  messageId: number;
}

export interface Subscription {
  topic: string;
  qos: QoS;
}

export interface SubscribePacket extends PacketHeader {
  cmd: 'subscribe';
  messageId: number;
  subscriptions: Subscription[];
}

export interface SubackPacket extends PacketHeader {
  cmd: 'suback';
  messageId: number;
  /** Granted QoS per subscription, or 0x80 for a refused one. */
  granted: number[];
}

export interface UnsubscribePacket extends PacketHeader {
  cmd: 'unsubscribe';
  messageId: number;
  unsubscriptions: string[];
}

export interface EmptyPacket extends PacketHeader {
  cmd: 'pingreq' | 'pingresp' | 'disconnect';
}

export type Packet =
  | ConnectPacket | ConnackPacket | PublishPacket | ConfirmationPacket
  | SubscribePacket | SubackPacket | UnsubscribePacket | EmptyPacket;

export type PacketCommand = Packet['cmd'];

/** Packet type codes (the high nibble of the first byte), MQTT 3.1.1 §2.2.1. */
export const PACKET_TYPES: readonly (PacketCommand | undefined)[] = Object.freeze([
  undefined, 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp',
  'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', undefined,
]);

/** Required low-nibble flags per type, §2.2.2 (publish, index 3, carries dup/qos/retain instead). */
export const REQUIRED_FLAGS: readonly number[] = Object.freeze([
  -1, 0, 0, -1, 0, 0, 2, 0, 2, 0, 2, 0, 0, 0, 0, -1,
]);

/** The largest remaining length a 4-byte variable integer can hold, §2.2.3. */
export const MAX_REMAINING_LENGTH = 268_435_455;

/** CONNACK return codes, §3.2.2.3. */
export const CONNACK_MESSAGES: readonly string[] = Object.freeze([
  'connection accepted',
  'connection refused: unacceptable protocol version',
  'connection refused: identifier rejected',
  'connection refused: server unavailable',
  'connection refused: bad user name or password',
  'connection refused: not authorized',
]);
