/**
 * The MQTT client's network on a Moddable board: TCP through ECMA-419
 * `embedded:io/socket/tcp`, timers through `Timer`, time through `Time.ticks`.
 *
 * ECMA-419 sockets accept only as many bytes as `onWritable` last announced,
 * so writes beyond that wait in a queue and go out as space is reported.
 */
import TCP from 'embedded:io/socket/tcp';
import Time from 'time';
import Timer from 'timer';
import type { MqttNetwork, TimerHandle, Transport, TransportHandler } from '../../runtime/mqtt/client/network';

class Ecma419TcpTransport implements Transport {
  private socket: TCP | undefined;
  private opened = false;
  private closed = false;
  /** Bytes the socket said it can take now. */
  private writable = 0;
  /** Writes waiting for space, oldest first; `queuedOffset` is how much of the first is already sent. */
  private readonly queue: Uint8Array[] = [];
  private queuedOffset = 0;

  constructor(host: string, port: number, private readonly handler: TransportHandler) {
    const self = this;
    this.socket = new TCP({
      host,
      port,
      nodelay: true,
      format: 'buffer',
      onWritable(bytes: number) { self.onWritable(bytes); },
      onReadable(bytes: number) { self.onReadable(bytes); },
      onError() { self.finish(new Error(`mqtt: TCP connection to ${host}:${port} failed or was closed by the peer`)); },
    });
  }

  write(bytes: Uint8Array): void {
    if (this.closed) return;
    this.queue.push(bytes);
    this.flush();
  }

  close(): void {
    if (this.closed) return;
    // Sent what space allowed; ECMA-419 close flushes what the socket already holds.
    this.finish(undefined);
  }

  private onWritable(bytes: number): void {
    this.writable = bytes;
    if (!this.opened) {
      // The first onWritable is ECMA-419's "connected".
      this.opened = true;
      this.handler.onOpen();
    }
    this.flush();
  }

  private onReadable(bytes: number): void {
    const socket = this.socket;
    if (socket === undefined || this.closed) return;
    const data = socket.read(bytes) as ArrayBuffer;
    this.handler.onData(new Uint8Array(data));
  }

  private flush(): void {
    const socket = this.socket;
    if (socket === undefined || !this.opened) return;
    while (this.queue.length > 0 && this.writable > 0) {
      const head = this.queue[0];
      const left = head.length - this.queuedOffset;
      const n = left < this.writable ? left : this.writable;
      socket.write(head.subarray(this.queuedOffset, this.queuedOffset + n));
      this.writable -= n;
      if (n === left) {
        this.queue.shift();
        this.queuedOffset = 0;
      } else {
        this.queuedOffset += n;
      }
    }
  }

  private finish(error: unknown): void {
    if (this.closed) return;
    this.closed = true;
    const socket = this.socket;
    this.socket = undefined;
    this.queue.length = 0;
    try {
      socket?.close();
    } catch {
      // already gone
    }
    this.handler.onClose(error);
  }
}

/**
 * Monotonic milliseconds from `Time.ticks`, which wraps: summed deltas (MQTT
 * keep-alive calls it far more often than every 24 days). Started on first
 * use, not in the module body: the body runs at preload on the build machine,
 * where native getters such as `Time.ticks` cannot be called.
 */
let lastTicks: number | undefined;
let elapsed = 0;
function monotonicNow(): number {
  const t = Time.ticks;
  if (lastTicks !== undefined) elapsed += Time.delta(lastTicks, t);
  lastTicks = t;
  return elapsed;
}

export const moddableMqttNetwork: MqttNetwork = {
  open(host: string, port: number, handler: TransportHandler): Transport {
    return new Ecma419TcpTransport(host, port, handler);
  },
  setTimer(ms: number, fn: () => void): TimerHandle {
    return Timer.set(fn, ms > 0 ? ms : 0);
  },
  clearTimer(handle: TimerHandle): void {
    Timer.clear(handle as Timer);
  },
  now: monotonicNow,
};
