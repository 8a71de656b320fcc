/**
 * What the MQTT client needs from a host: a byte stream to the broker and
 * timers. Node binds it to `net` and `setTimeout` (hosts/node/mqtt-tcp.ts);
 * Moddable to `embedded:io/socket/tcp` and `Timer`. Tests may bind it to anything
 * that moves bytes.
 */

/** Callbacks a transport makes; each is called on the host's event loop, never re-entrantly from `write`. */
export interface TransportHandler {
  /** The stream is open: the client sends CONNECT now. */
  onOpen(): void;
  /** Bytes from the broker, in whatever chunks the network produced. */
  onData(chunk: Uint8Array): void;
  /** The stream closed (or failed to open); `error` says why when it was not asked for. Called once. */
  onClose(error?: unknown): void;
}

/** One connection to a broker. */
export interface Transport {
  write(bytes: Uint8Array): void;
  /**
   * Close: what was written still goes out first (`end()` writes its last packets and DISCONNECT just
   * before, and a broker that loses a connection without DISCONNECT publishes the will); `onClose`
   * follows (possibly synchronously, as on Moddable, whose socket then closes once the broker has it all).
   */
  close(): void;
  /**
   * Bytes written and not yet taken by the network (Node: the socket's
   * `writableLength`; Moddable: the queue waiting for `onWritable`). The
   * client holds QoS 0 publishes back while this is over its budget. A
   * transport without it is never held back.
   */
  bufferedBytes?(): number;
}

/** Defaults a host suggests for what its memory can hold; options given to the client win. */
export interface MqttNetworkLimits {
  /** Largest packet accepted from the broker, bytes (Node 1 MiB, a board 16 KiB). */
  maxPacketSize?: number;
  /** Bytes a connection may hold unsent before QoS 0 publishes are dropped (Node 64 KiB, a board 8 KiB). */
  maxBufferedBytes?: number;
  /** Bytes of topics and payloads the offline queue may hold (Node 1 MiB, a board 16 KiB). */
  maxQueuedBytes?: number;
}

export type TimerHandle = unknown;

export interface MqttNetwork {
  /** Open a stream to `host:port`; events go to `handler`. */
  open(host: string, port: number, handler: TransportHandler): Transport;
  /** Call `fn` once after `ms`. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Monotonic milliseconds. */
  now(): number;
  /** This host's default limits (a board holds far less than Node). */
  limits?: MqttNetworkLimits;
}

let defaultNetwork: MqttNetwork | undefined;

/** Hosts register the network a `new MqttClient()` uses when given none (as `setDefaultClock`). */
export function setDefaultMqttNetwork(network: MqttNetwork | undefined): void {
  defaultNetwork = network;
}

export function defaultMqttNetwork(): MqttNetwork {
  if (!defaultNetwork) {
    throw new Error('thingflow: no MQTT network binding; pass opts.network to new MqttClient() or load a host binding (the package root on Node does)');
  }
  return defaultNetwork;
}
