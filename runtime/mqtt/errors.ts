/** Malformed bytes from the peer: the connection that carried them must be closed (MQTT 3.1.1 §4.8). */
export class MqttProtocolError extends Error {}

/** A packet object that cannot be encoded (a caller's mistake, caught before anything is sent). */
export class MqttEncodeError extends Error {}

/** The broker refused the CONNECT; `returnCode` is the CONNACK code (4: bad user name or password, 5: not authorized). */
export class MqttConnectionRefused extends Error {
  constructor(message: string, readonly returnCode: number) {
    super(message);
  }
}

/**
 * The broker sent a PUBLISH larger than the client's `maxPacketSize`: it was
 * acknowledged and skipped (not delivered), and the connection stays up.
 */
export class MqttPacketTooLarge extends Error {
  constructor(readonly topic: string, readonly size: number, readonly limit: number) {
    super(`a message of ${size} bytes on '${topic}' exceeds maxPacketSize (${limit}): skipped`);
  }
}

// Names on the prototypes, set once: on a board the preload freezes Error.prototype, and `this.name = ...`
// in a constructor would throw there ("set name: not writable", docs/moddable.md).
MqttProtocolError.prototype.name = 'MqttProtocolError';
MqttEncodeError.prototype.name = 'MqttEncodeError';
MqttConnectionRefused.prototype.name = 'MqttConnectionRefused';
MqttPacketTooLarge.prototype.name = 'MqttPacketTooLarge';
