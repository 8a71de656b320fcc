/**
 * The MQTT client's network on Node: TCP through `net`, timers through
 * `setTimeout`, time through `performance.now()`. Registered as the default
 * by the package root (hosts/node/index.ts).
 */
import { createConnection, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MqttNetwork, Transport, TransportHandler } from '../../runtime/mqtt/client/network';

class TcpTransport implements Transport {
  private closed = false;

  constructor(private readonly socket: Socket, handler: TransportHandler) {
    socket.setNoDelay(true);
    socket.on('connect', () => handler.onOpen());
    socket.on('data', (chunk: Buffer) => handler.onData(chunk));
    let error: unknown;
    socket.on('error', (e) => { error = e; });
    socket.on('close', () => {
      this.closed = true;
      handler.onClose(error);
    });
  }

  write(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** What Node holds for the socket beyond what the kernel took: grows when the broker stops reading. */
  bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /** Flush what was written, then close; a peer that does not answer is cut off after a second. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }
}

export const nodeMqttNetwork: MqttNetwork = {
  open(host: string, port: number, handler: TransportHandler): Transport {
    return new TcpTransport(createConnection({ host, port }), handler);
  },
  setTimer(ms: number, fn: () => void) {
    return setTimeout(fn, ms);
  },
  clearTimer(handle: unknown) {
    clearTimeout(handle as NodeJS.Timeout);
  },
  now: () => performance.now(),
  limits: { maxPacketSize: 1_048_576, maxBufferedBytes: 64 * 1024, maxQueuedBytes: 1_048_576 },
};
