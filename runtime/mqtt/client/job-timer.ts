/**
 * One timer for one job of the MQTT client: the attempt deadline, the
 * keep-alive check, the back-off before a retry. Each job owns its timer, so
 * arming one can never cancel another (with one shared timer, arming the
 * CONNACK timeout after the transport opened left the TCP connect itself
 * without a deadline). The callback is bound once, not per arming.
 */
import type { MqttNetwork, TimerHandle } from './network';

export class JobTimer {
  private handle: TimerHandle | undefined;
  private readonly fire = (): void => {
    this.handle = undefined;
    this.job();
  };

  constructor(private readonly network: MqttNetwork, private readonly job: () => void) {}

  get armed(): boolean {
    return this.handle !== undefined;
  }

  /** (Re)arm for `ms` from now; a pending arming is cancelled first. */
  arm(ms: number): void {
    this.cancel();
    this.handle = this.network.setTimer(ms > 0 ? ms : 0, this.fire);
  }

  cancel(): void {
    if (this.handle !== undefined) {
      this.network.clearTimer(this.handle);
      this.handle = undefined;
    }
  }
}
