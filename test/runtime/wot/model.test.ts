import { Thing, Property, Value, Event, Action, PropertyError, newActionId, setActionQueue, type ThingSubscriber, FINISH_LATER } from '../../../runtime/wot/index';

function lampThing(forward?: (v: number) => void): Thing {
  const thing = new Thing('urn:dev:ops:t', 'T', 'Light', 'a test lamp');
  thing.addProperty(new Property(thing, 'on', new Value(true), { type: 'boolean' }));
  thing.addProperty(new Property(thing, 'brightness', new Value(50, forward), { type: 'integer', minimum: 0, maximum: 100 }));
  thing.addProperty(new Property(thing, 'level', new Value(0), { type: 'number', readOnly: true }));
  return thing;
}

class Recorder implements ThingSubscriber {
  messages: any[] = [];
  updateProperty(_p: unknown, m: string) { this.messages.push(JSON.parse(m)); }
  updateAction(_a: unknown, m: string) { this.messages.push(JSON.parse(m)); }
  updateEvent(_e: unknown, m: string) { this.messages.push(JSON.parse(m)); }
}

describe('Value', () => {
  test('an object or array equal by content to the last value is no change (Python ==)', () => {
    const updates: unknown[] = [];
    const v = new Value<unknown>({ r: 1, g: [2, 3] });
    v.on('update', (x) => updates.push(x));
    v.set({ g: [2, 3], r: 1 });
    v.set([1, 2]);
    v.set([1, 2]);
    v.set({ r: 1, g: [2, 4] });
    v.set({ r: 1, g: [2, 4], b: 0 });
    expect(updates).toEqual([[1, 2], { r: 1, g: [2, 4] }, { r: 1, g: [2, 4], b: 0 }]);
  });

  test('set calls the forwarder, then emits update; unchanged and null values emit nothing', () => {
    const forwarded: number[] = [];
    const updates: number[] = [];
    const v = new Value<number>(1, (x: number) => forwarded.push(x));
    v.on('update', (x) => updates.push(x));
    v.set(2);
    v.set(2);
    v.notifyOfExternalUpdate(null as unknown as number);
    v.notifyOfExternalUpdate(3);
    expect(forwarded).toEqual([2, 2]);
    expect(updates).toEqual([2, 3]);
    expect(v.get()).toBe(3);
  });

  test("set with withAction false skips the forwarder and emits 'sync', not 'update'", () => {
    const forwarded: number[] = [];
    const seen: string[] = [];
    const v = new Value<number>(1, (x: number) => forwarded.push(x));
    v.on('update', (x) => seen.push(`update ${x}`));
    v.on('sync', (x) => seen.push(`sync ${x}`));
    v.set(5, { withAction: false });
    expect(forwarded).toEqual([]);
    expect(seen).toEqual(['sync 5']);
    expect(v.get()).toBe(5);
  });

  test('off removes a listener; an unknown event name is an error', () => {
    const seen: number[] = [];
    const fn = (x: number) => seen.push(x);
    const v = new Value<number>(0);
    v.on('update', fn).off('update', fn);
    v.notifyOfExternalUpdate(1);
    expect(seen).toEqual([]);
    expect(() => v.on('change' as never, fn)).toThrow(/no event 'change'/);
  });
});

describe('Property and Thing', () => {
  test('setProperty validates, forwards, notifies subscribers with propertyStatus, and runs propertyAction', () => {
    const forwarded: number[] = [];
    const thing = lampThing((v) => forwarded.push(v));
    const actions: string[] = [];
    thing.propertyAction = (p) => { actions.push(`${p.name}=${p.getValue()}`); };
    const r = new Recorder();
    thing.addSubscriber(r);
    thing.setProperty('brightness', 70);
    expect(forwarded).toEqual([70]);
    expect(actions).toEqual(['brightness=70']);
    expect(r.messages).toEqual([{ messageType: 'propertyStatus', data: { brightness: 70 } }]);
    expect(() => thing.setProperty('brightness', 101)).toThrow(PropertyError);
    expect(() => thing.setProperty('brightness', 7.5)).toThrow(/must be integer/);
    expect(() => thing.setProperty('level', 3)).toThrow(/read-only/);
    expect(thing.getProperty('brightness')).toBe(70);
    expect(forwarded).toEqual([70]);
  });

  test('syncProperty sets without the forwarder or propertyAction, still tells subscribers, ignores readOnly, checks the schema', () => {
    const forwarded: number[] = [];
    const thing = lampThing((v) => forwarded.push(v));
    let actionRuns = 0;
    thing.propertyAction = () => { actionRuns++; };
    const synced: unknown[] = [];
    thing.findProperty('brightness')!.value.on('sync', (v) => synced.push(v));
    const r = new Recorder();
    thing.addSubscriber(r);
    thing.syncProperty('brightness', 10);
    thing.syncProperty('level', 42.5);
    expect(forwarded).toEqual([]);
    expect(actionRuns).toBe(0);
    expect(synced).toEqual([10]);
    expect(r.messages).toEqual([
      { messageType: 'propertyStatus', data: { brightness: 10 } },
      { messageType: 'propertyStatus', data: { level: 42.5 } },
    ]);
    expect(() => thing.syncProperty('brightness', 'x')).toThrow(/must be integer/);
    expect(() => thing.syncProperty('nope', 1)).toThrow(/no property 'nope'/);
  });

  test('property.setValue(v, { withAction: false }) is the per-property sync', () => {
    const forwarded: number[] = [];
    const thing = lampThing((v) => forwarded.push(v));
    const p = thing.findProperty('brightness')!;
    p.setValue(20, { withAction: false });
    p.setValue(30);
    expect(forwarded).toEqual([30]);
  });

  test('asThingDescription matches webthing-python: context, @type list, links, property links, description', () => {
    const thing = lampThing();
    thing.addAvailableEvent('overheated', { type: 'number' });
    thing.setHrefPrefix('/0');
    const d = thing.asThingDescription();
    expect(d['@context']).toBe('https://webthings.io/schemas');
    expect(d['@type']).toEqual(['Light']);
    expect(d.description).toBe('a test lamp');
    expect(d.links).toEqual([
      { rel: 'properties', href: '/0/properties' },
      { rel: 'actions', href: '/0/actions' },
      { rel: 'events', href: '/0/events' },
    ]);
    expect(d.properties.on).toEqual({ type: 'boolean', links: [{ rel: 'property', href: '/0/properties/on' }] });
    expect(d.events.overheated).toEqual({ type: 'number', links: [{ rel: 'event', href: '/0/events/overheated' }] });
    expect(thing.getHref()).toBe('/0');
  });
});

class Quick extends Action {
  constructor(thing: Thing, input: unknown) { super(newActionId(), thing, 'quick', input); }
  ran = 0;
  override performAction(): void { this.ran++; }
}
class Later extends Action {
  static pending: (() => void)[] = [];
  constructor(thing: Thing, input: unknown) { super(newActionId(), thing, 'later', input); }
  override performAction(done: () => void): void { Later.pending.push(done); }
}
class Broken extends Action {
  constructor(thing: Thing, input: unknown) { super(newActionId(), thing, 'broken', input); }
  override performAction(): void { throw new Error('motor stuck'); }
}

describe('Action and Event', () => {
  afterEach(() => setActionQueue(undefined));

  test('status goes created → pending → completed, each reported to subscribers', () => {
    const thing = lampThing();
    thing.addAvailableAction('quick', { input: { type: 'integer' } }, Quick);
    const r = new Recorder();
    thing.addSubscriber(r);
    const a = thing.performAction('quick', 3) as Quick;
    expect(a.status).toBe('created');
    a.start();
    expect(a.ran).toBe(1);
    expect(r.messages.map((m) => m.data.quick.status)).toEqual(['created', 'pending', 'completed']);
    expect(a.asActionDescription().quick).toMatchObject({ input: 3, status: 'completed', href: `/actions/quick/${a.id}` });
    expect(a.id).toMatch(/^[0-9a-f]{32}$/);
    expect(thing.performAction('quick', 'x')).toBeNull();
    expect(thing.checkActionRequest('quick', 'x')).toContain('must be integer');
    expect(thing.performAction('nope')).toBeNull();
  });

  test('an action with a done parameter completes when done is called; whenFinished hears it', () => {
    const thing = lampThing();
    thing.addAvailableAction('later', {}, Later);
    const a = thing.performAction('later')!;
    const finished: string[] = [];
    a.whenFinished((x) => finished.push(x.status));
    a.start();
    expect(a.status).toBe('pending');
    Later.pending.shift()!();
    expect(a.status).toBe('completed');
    expect(finished).toEqual(['completed']);
    expect(typeof a.timeCompleted).toBe('string');
  });

  test('FINISH_LATER keeps an action pending where functions have lost their length (a stripped Moddable build)', () => {
    const calls: (() => void)[] = [];
    class Stripped extends Action {
      constructor(thing: Thing, input: unknown) { super(newActionId(), thing, 'stripped', input); }
      // `...args` has length 0, as every function has on a build that strips function metadata.
      override performAction(...args: [() => void]): typeof FINISH_LATER { calls.push(args[0]); return FINISH_LATER; }
    }
    expect(Stripped.prototype.performAction.length).toBe(0);
    const thing = lampThing();
    thing.addAvailableAction('stripped', {}, Stripped);
    const a = thing.performAction('stripped')!;
    a.start();
    expect(a.status).toBe('pending');
    calls[0]();
    expect(a.status).toBe('completed');
  });

  test('an action that throws is failed, with the reason, and does not throw out of start', () => {
    const thing = lampThing();
    thing.addAvailableAction('broken', {}, Broken);
    const a = thing.performAction('broken')!;
    const { setErrorReporter } = require('../../../runtime/core/report-error');
    const reported: string[] = [];
    setErrorReporter((m: string) => reported.push(m));
    try {
      expect(() => a.start()).not.toThrow();
    } finally {
      setErrorReporter(undefined);
    }
    expect(a.status).toBe('failed');
    expect(a.asActionDescription().broken.error).toBe('motor stuck');
    expect(reported.length).toBe(1);
  });

  test('histories are bounded: oldest finished actions and oldest events go first', () => {
    const thing = lampThing();
    thing.historyLimits = { actions: 3, events: 2 };
    thing.addAvailableAction('quick', {}, Quick);
    thing.addAvailableAction('later', {}, Later);
    const first = thing.performAction('later')!; // stays pending
    for (let i = 0; i < 5; i++) thing.performAction('quick')!.start();
    expect(thing.getActionDescriptions('quick').length).toBe(3);
    expect(thing.getAction('later', first.id)).toBe(first);
    thing.addAvailableEvent('e', {});
    for (let i = 0; i < 5; i++) thing.addEvent(new Event(thing, 'e', i));
    expect(thing.getEventDescriptions().map((d: any) => d.e.data)).toEqual([3, 4]);
  });

  test('removeAction cancels and forgets; event subscribers hear only their events', () => {
    const thing = lampThing();
    thing.addAvailableAction('later', {}, Later);
    thing.addAvailableEvent('a', {});
    thing.addAvailableEvent('b', {});
    const r = new Recorder();
    expect(thing.addEventSubscriber('a', r)).toBe(true);
    expect(thing.addEventSubscriber('zzz', r)).toBe(false);
    thing.addEvent(new Event(thing, 'a', 1));
    thing.addEvent(new Event(thing, 'b', 2));
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toMatchObject({ messageType: 'event', data: { a: { data: 1 } } });
    expect(r.messages[0].data.a.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const a = thing.performAction('later')!;
    expect(thing.removeAction('later', a.id)).toBe(true);
    expect(thing.removeAction('later', a.id)).toBe(false);
    expect(thing.getActionDescriptions()).toEqual([]);
  });

  test('a subscriber that throws is removed, the others still hear', () => {
    const thing = lampThing();
    const { setErrorReporter } = require('../../../runtime/core/report-error');
    setErrorReporter(() => {});
    const good = new Recorder();
    thing.addSubscriber({ updateProperty: () => { throw new Error('socket gone'); } });
    thing.addSubscriber(good);
    try {
      thing.setProperty('on', false);
      thing.setProperty('on', true);
    } finally {
      setErrorReporter(undefined);
    }
    expect(good.messages).toHaveLength(2);
    expect(thing.subscriberCount).toBe(1);
  });
});
