/**
 * An MQTT network that can fail on command, around a real one: a device's network dropping (every
 * open connection cut, new ones refused) and coming back. The fleet simulator gives each device its
 * own, so one device — or a flaky tenth of them — can lose the network while the rest carry on.
 */
import type { MqttNetwork, MqttNetworkLimits, TimerHandle, Transport, TransportHandler } from '../runtime/mqtt/client/network';

/** How long a connection attempt takes to fail while the network is down (a TCP connect timing out). */
const REFUSE_AFTER_MS = 1000;

class CuttableTransport implements Transport, TransportHandler {
  inner: Transport | undefined;
  private ended = false;

  constructor(private readonly handler: TransportHandler, private readonly owner: FaultyNetwork) {}

  onOpen(): void {
    if (!this.ended) this.handler.onOpen();
  }

  onData(chunk: Uint8Array): void {
    if (!this.ended) this.handler.onData(chunk);
  }

  onClose(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.owner.forget(this);
    this.handler.onClose(error);
  }

  write(bytes: Uint8Array): void {
    if (!this.ended) this.inner?.write(bytes);
  }

  close(): void {
    this.inner?.close();
  }

  /** The network went away: the peer sees the connection drop, the client sees an error. */
  cut(): void {
    if (this.ended) return;
    this.inner?.close();
    this.onClose(new Error('network down (simulated)'));
  }

  bufferedBytes(): number {
    return this.inner?.bufferedBytes?.() ?? 0;
  }
}

export class FaultyNetwork implements MqttNetwork {
  /** Connections cut and attempts refused while down. */
  cuts = 0;
  refused = 0;
  private isDown = false;
  private readonly live = new Set<CuttableTransport>();

  constructor(private readonly inner: MqttNetwork) {}

  /** The wrapped network's limits: a cut-able network is the same host. */
  get limits(): MqttNetworkLimits | undefined {
    return this.inner.limits;
  }

  get down(): boolean {
    return this.isDown;
  }

  open(host: string, port: number, handler: TransportHandler): Transport {
    const t = new CuttableTransport(handler, this);
    if (this.isDown) {
      this.refused++;
      this.inner.setTimer(REFUSE_AFTER_MS, () => t.onClose(new Error(`connect to ${host}:${port}: network down (simulated)`)));
      return t;
    }
    this.live.add(t);
    t.inner = this.inner.open(host, port, t);
    return t;
  }

  /** Drop the network: cut every connection; attempts fail until `restore`. */
  cut(): void {
    this.isDown = true;
    for (const t of [...this.live]) {
      this.cuts++;
      t.cut();
    }
  }

  restore(): void {
    this.isDown = false;
  }

  forget(t: CuttableTransport): void {
    this.live.delete(t);
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    return this.inner.setTimer(ms, fn);
  }

  clearTimer(handle: TimerHandle): void {
    this.inner.clearTimer(handle);
  }

  now(): number {
    return this.inner.now();
  }
}
