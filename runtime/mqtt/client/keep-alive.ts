/**
 * Keep-alive bookkeeping (MQTT 3.1.1 §3.1.2.10), as plain arithmetic on
 * millisecond times so it is tested without waiting. The client asks
 * `check(now)` when the single timer fires and re-arms it for `nextCheckAt`.
 *
 * A PINGREQ goes out when nothing was sent for a keep-alive period (the
 * protocol's rule) or nothing was heard for one (our liveness probe); the
 * broker is declared dead when nothing at all was heard for 1.5 × keep-alive,
 * so a silent broker is noticed within 1.5 × keep-alive of its last word.
 */
export const KEEPALIVE_OK = 0;
export const KEEPALIVE_PING = 1;
export const KEEPALIVE_DEAD = 2;
export type KeepAliveAction = typeof KEEPALIVE_OK | typeof KEEPALIVE_PING | typeof KEEPALIVE_DEAD;

export class KeepAliveMonitor {
  lastReceived = 0;
  lastSent = 0;
  pingOutstanding = false;

  constructor(readonly keepaliveMs: number) {}

  start(now: number): void {
    this.lastReceived = now;
    this.lastSent = now;
    this.pingOutstanding = false;
  }

  received(now: number): void {
    this.lastReceived = now;
    this.pingOutstanding = false;
  }

  sent(now: number): void {
    this.lastSent = now;
  }

  /** What to do at `now`; after KEEPALIVE_PING the caller sends PINGREQ (and calls `sent`). */
  check(now: number): KeepAliveAction {
    if (now - this.lastReceived >= this.keepaliveMs * 1.5) return KEEPALIVE_DEAD;
    if (!this.pingOutstanding) {
      const quiet = this.lastSent < this.lastReceived ? this.lastSent : this.lastReceived;
      if (now - quiet >= this.keepaliveMs) {
        this.pingOutstanding = true;
        return KEEPALIVE_PING;
      }
    }
    return KEEPALIVE_OK;
  }

  /** When `check` next has something to do. */
  get nextCheckAt(): number {
    const deadAt = this.lastReceived + this.keepaliveMs * 1.5;
    if (this.pingOutstanding) return deadAt;
    const quiet = this.lastSent < this.lastReceived ? this.lastSent : this.lastReceived;
    const pingAt = quiet + this.keepaliveMs;
    return pingAt < deadAt ? pingAt : deadAt;
  }
}
