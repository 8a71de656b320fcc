import { timestamp } from './timestamp';
import type { Thing } from './thing';

/** Something that happened on a Thing, with optional data and the time it happened (webthing-python's `Event`). */
export class Event<D = unknown> {
  readonly thing: Thing;
  readonly name: string;
  readonly data: D | undefined;
  readonly time: string;

  constructor(thing: Thing, name: string, data?: D) {
    this.thing = thing;
    this.name = name;
    this.data = data;
    this.time = timestamp();
  }

  /** `{ [name]: { timestamp, data? } }` */
  asEventDescription(): { [name: string]: { timestamp: string; data?: D } } {
    const inner: { timestamp: string; data?: D } = { timestamp: this.time };
    if (this.data !== undefined && this.data !== null) inner.data = this.data;
    return { [this.name]: inner };
  }

  getThing(): Thing { return this.thing; }
  getName(): string { return this.name; }
  getData(): D | undefined { return this.data; }
  getTime(): string { return this.time; }
}
