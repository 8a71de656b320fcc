/**
 * The MQTT client's network on a Moddable board: TCP through ECMA-419
 * `embedded:io/socket/tcp`, timers through `Timer`, time through `Time.ticks`.
 *
 * ECMA-419 sockets accept only as many bytes as `onWritable` last announced,
 * so writes beyond that wait in a queue and go out as space is reported; the
 * queue's size is `bufferedBytes()`, which the client holds QoS 0 publishes to.
 * Fewer still are given to the socket at once: one write of at most
 * `MAX_IN_FLIGHT` bytes, the next once the broker has acknowledged it, and
 * only while the board's other sockets leave room in lwIP's heap
 * (hosts/moddable/in-flight.ts says why); packets queued meanwhile go out
 * together in the next write.
 * `close()` reports `onClose` synchronously (the client detaches first, so an
 * abort's reason is kept), but the socket stays open until what was queued
 * has gone out and the broker has acknowledged it (or `ACK_WAIT_MS` has
 * passed): `end()` queues its last packets and DISCONNECT just before it, and
 * a broker that loses the connection without DISCONNECT publishes the will.
 * Moddable's ECMA-419 TCP (lwip and lin) takes an IPv4 `address` only, so a
 * host name is first resolved with `Net.resolve` (module `net`).
 */
import TCP from 'embedded:io/socket/tcp';
import Net from 'net';
import Time from 'time';
import Timer from 'timer';
import type { MqttNetwork, TimerHandle, Transport, TransportHandler } from '../../runtime/mqtt/client/network';
import { ACK_WAIT_MS, InFlightCap } from './in-flight';

/** A dotted-quad IPv4 literal (no RegExp: a preloaded one would sit in ROM for one use). */
function isIpv4(host: string): boolean {
  const parts = host.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length === 0 || p.length > 3) return false;
    for (let j = 0; j < p.length; j++) {
      const c = p.charCodeAt(j);
      if (c < 48 || c > 57) return false;
    }
    if (Number(p) > 255) return false;
  }
  return true;
}

class Ecma419TcpTransport implements Transport {
  private socket: TCP | undefined;
  private opened = false;
  /** Closed for the client: nothing more is taken from it or given to it (the socket may still be sending what was queued). */
  private closed = false;
  /** Bounds the wait for the broker's acknowledgement after `close()`. */
  private closeTimer: Timer | undefined;
  /** What the socket may be given now: what it said it can take, within MAX_IN_FLIGHT and the board's budget (in-flight.ts). */
  private readonly inFlight = new InFlightCap(() => this.flush());
  /** Writes waiting for space, oldest first; `queuedOffset` is how much of the first is already sent. */
  private readonly queue: Uint8Array[] = [];
  private queuedOffset = 0;
  /** Bytes in `queue` not yet given to the socket: what the client's byte budget reads. */
  private queuedBytes = 0;

  constructor(private readonly host: string, private readonly port: number, private readonly handler: TransportHandler) {
    if (isIpv4(host)) {
      this.connect(host);
      return;
    }
    Net.resolve(host, (_name: string, address?: string) => {
      if (this.closed) return;
      if (address === undefined) this.finish(new Error(`mqtt: cannot resolve ${host}`));
      else this.connect(address);
    });
  }

  private connect(address: string): void {
    const self = this;
    const { host, port } = this;
    this.socket = new TCP({
      address,
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
    this.queuedBytes += bytes.length;
    this.flush();
  }

  bufferedBytes(): number {
    return this.queuedBytes;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.socket !== undefined && this.opened) {
      // What is queued still goes out, then the socket closes once the broker has acknowledged it all.
      this.closeTimer = Timer.set(() => this.closeSocket(), ACK_WAIT_MS);
      this.flush();
    } else {
      this.closeSocket();
    }
    this.handler.onClose(undefined);
  }

  private onWritable(bytes: number): void {
    this.inFlight.report(bytes);
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

  /** Give the socket what the queue holds, as much as its share allows, in one write (in-flight.ts: the next when it is acknowledged). */
  private flush(): void {
    const socket = this.socket;
    if (socket === undefined || !this.opened) return;
    if (this.queuedBytes > 0) {
      const room = this.inFlight.room();
      if (room === 0) return;
      const n = this.queuedBytes < room ? this.queuedBytes : room;
      const head = this.queue[0];
      // Mostly the queue's first packet, or the part of it that fits; else packets gathered into one write.
      const chunk = head.length - this.queuedOffset >= n ? head.subarray(this.queuedOffset, this.queuedOffset + n) : this.gather(n);
      socket.write(chunk);
      this.inFlight.sent(n);
      this.consume(n);
    }
    // Closed for the client and all of it given to the socket: close once the broker has acknowledged it.
    if (this.closed && this.queuedBytes === 0) this.inFlight.closeWhenAcknowledged(() => this.closeSocket());
  }

  /** The queue's first `n` bytes, across packets, in one buffer. */
  private gather(n: number): Uint8Array {
    const chunk = new Uint8Array(n);
    let at = 0;
    let offset = this.queuedOffset;
    for (let i = 0; at < n; i++) {
      const packet = this.queue[i];
      const take = packet.length - offset < n - at ? packet.length - offset : n - at;
      chunk.set(packet.subarray(offset, offset + take), at);
      at += take;
      offset = 0;
    }
    return chunk;
  }

  /** Drop the first `n` bytes of the queue: they are the socket's now. */
  private consume(n: number): void {
    this.queuedBytes -= n;
    while (n > 0) {
      const left = this.queue[0].length - this.queuedOffset;
      if (n < left) {
        this.queuedOffset += n;
        return;
      }
      n -= left;
      this.queue.shift();
      this.queuedOffset = 0;
    }
  }

  /** The connection failed or the broker closed it: close the socket (what is queued cannot go out) and tell the client, unless it closed first. */
  private finish(error: unknown): void {
    // What crossed the broker's FIN may still be in lwIP's heap (in-flight.ts): the share goes when it can have been acknowledged.
    this.inFlight.peerClosed((letGo, ms) => { Timer.set(letGo, ms); });
    this.closeSocket();
    if (this.closed) return;
    this.closed = true;
    this.handler.onClose(error);
  }

  private closeSocket(): void {
    if (this.closeTimer !== undefined) {
      Timer.clear(this.closeTimer);
      this.closeTimer = undefined;
    }
    const socket = this.socket;
    this.socket = undefined;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.inFlight.closeAndRelease(socket);
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
  // An ESP32 has ~100-200 KB of heap for everything: a 1 MiB packet limit would let one retained message exhaust it.
  limits: { maxPacketSize: 16 * 1024, maxBufferedBytes: 8 * 1024, maxQueuedBytes: 16 * 1024 },
};
