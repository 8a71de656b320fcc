import type { Property } from './property';
import type { Thing, ThingSubscriber } from './thing';
import type { Event } from './event';
import type { OutboundBudget } from '../outbound/outbound-budget';
import { ClientOutbound, type OutboundLink } from './client-outbound';
import type { WotCounters } from './counters';

/**
 * One server-sent event stream of a property's values or an event's data, as bare JSON, within the
 * client's byte budget when the host gave a link. `close` unsubscribes.
 */
export class ObservedStream implements ThingSubscriber {
  private readonly out: ClientOutbound | undefined;
  private open = true;

  constructor(
    private readonly write: (data: string) => void,
    link: OutboundLink | undefined,
    budget: OutboundBudget | undefined,
    private readonly counters: WotCounters,
    private readonly property: Property<any> | undefined,
    private readonly thing: Thing,
    private readonly eventName: string,
  ) {
    this.out = link === undefined || budget === undefined ? undefined : new ClientOutbound(link, write, budget, counters, () => this.close());
    counters.streams++;
    if (property !== undefined) thing.addSubscriber(this);
    else thing.addEventSubscriber(eventName, this);
  }

  updateProperty(p: Property<any>): void {
    if (p !== this.property) return;
    const text = JSON.stringify(p.getValue());
    if (this.out !== undefined) this.out.sendLatest(p.name, text);
    else this.write(text);
  }

  updateEvent(e: Event<any>): void {
    const text = JSON.stringify(e.data ?? null);
    if (this.out !== undefined) this.out.sendDroppable(text);
    else this.write(text);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.counters.streams--;
    if (this.property !== undefined) this.thing.removeSubscriber(this);
    else this.thing.removeEventSubscriber(this.eventName, this);
  }
}
