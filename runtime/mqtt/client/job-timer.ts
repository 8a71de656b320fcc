/**
 * One timer for one job of the MQTT client: the attempt deadline, the
 * keep-alive check, the back-off before a retry. Each job owns its timer, so
 * arming one can never cancel another (with one shared timer, arming the
 * CONNACK timeout after the transport opened left the TCP connect itself
 * without a deadline). The job is a method called on its owner; the one
 * callback the host's timer needs is made at the first arming, so a timer
 * that is never armed (a healthy client's back-off) costs no closure.
 */
import type { MqttNetwork, TimerHandle } from './network';

export class JobTimer<O = unknown> {
  private handle: TimerHandle | undefined;
  private fire: (() => void) | undefined;

  constructor(private readonly network: MqttNetwork, private readonly owner: O, private readonly job: (this: O) => void) {}

  get armed(): boolean {
    return this.handle !== undefined;
  }

  /** (Re)arm for `ms` from now; a pending arming is cancelled first. */
  arm(ms: number): void {
    this.cancel();
    this.fire ??= () => {
      this.handle = undefined;
      this.job.call(this.owner);
    };
    this.handle = this.network.setTimer(ms > 0 ? ms : 0, this.fire);
  }

  cancel(): void {
    if (this.handle !== undefined) {
      this.network.clearTimer(this.handle);
      this.handle = undefined;
    }
  }
}
