import type { Thing } from './thing';

/** What a server serves: one thing at `/`, or several at `/0`, `/1`… (webthing-python's containers). */
export interface ThingContainer {
  /** The thing for a path segment (`'0'`); `SingleThing` ignores the id. */
  getThing(id?: string): Thing | undefined;
  getThings(): Thing[];
  /** The mDNS instance name. */
  getName(): string;
  readonly multiple: boolean;
}

/** A server with one thing, served at the root. */
export class SingleThing implements ThingContainer {
  readonly multiple = false;
  constructor(readonly thing: Thing) {}
  getThing(): Thing { return this.thing; }
  getThings(): Thing[] { return [this.thing]; }
  getName(): string { return this.thing.title; }
}

/** A server with several things, served at `/0`, `/1`…; `name` is what mDNS advertises. */
export class MultipleThings implements ThingContainer {
  readonly multiple = true;
  constructor(readonly things: Thing[], readonly name: string) {}
  getThing(id?: string): Thing | undefined {
    if (id === undefined || !/^\d+$/.test(id)) return undefined;
    const i = Number(id);
    return i < this.things.length ? this.things[i] : undefined;
  }
  getThings(): Thing[] { return this.things; }
  getName(): string { return this.name; }
}
