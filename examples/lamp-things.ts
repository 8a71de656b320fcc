/**
 * The things of webthing-python's examples (example/single-thing.py and
 * example/multiple-things.py), with the same ids, titles, properties, the
 * fade action and its overheated event. examples/lamp.ts serves them.
 */
import { Action, Event, FINISH_LATER, Property, Thing, Value, newActionId } from '../runtime/index';

export class OverheatedEvent extends Event<number> {
  constructor(thing: Thing, data: number) {
    super(thing, 'overheated', data);
  }
}

interface FadeInput { brightness: number; duration: number }

/** Waits `duration` ms (without blocking the server), sets the brightness, then reports overheating at 102 °C. */
export class FadeAction extends Action<FadeInput> {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(thing: Thing, input: FadeInput) {
    super(newActionId(), thing, 'fade', input);
  }

  override performAction(done: () => void): typeof FINISH_LATER {
    this.timer = setTimeout(() => {
      this.thing.setProperty('brightness', this.input.brightness);
      this.thing.addEvent(new OverheatedEvent(this.thing, 102));
      done();
    }, this.input.duration);
    return FINISH_LATER;
  }

  override cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}

const FADE_METADATA = {
  title: 'Fade',
  description: 'Fade the lamp to a given level',
  input: {
    type: 'object',
    required: ['brightness', 'duration'],
    properties: {
      brightness: { type: 'integer', minimum: 0, maximum: 100, unit: 'percent' },
      duration: { type: 'integer', minimum: 1, unit: 'milliseconds' },
    },
  },
};

const OVERHEATED_METADATA = {
  description: 'The lamp has exceeded its safe operating temperature',
  type: 'number',
  unit: 'degree celsius',
};

/** single-thing.py's make_thing(); pass forwarders to see writes (multiple-things.py prints them). */
export function makeLamp(forward?: { on?: (v: boolean) => void; brightness?: (v: number) => void }): Thing {
  const thing = new Thing('urn:dev:ops:my-lamp-1234', 'My Lamp', ['OnOffSwitch', 'Light'], 'A web connected lamp');
  thing.addProperty(new Property(thing, 'on', new Value(true, forward?.on), {
    '@type': 'OnOffProperty',
    title: 'On/Off',
    type: 'boolean',
    description: 'Whether the lamp is turned on',
  }));
  thing.addProperty(new Property(thing, 'brightness', new Value(50, forward?.brightness), {
    '@type': 'BrightnessProperty',
    title: 'Brightness',
    type: 'integer',
    description: 'The level of light from 0-100',
    minimum: 0,
    maximum: 100,
    unit: 'percent',
  }));
  thing.addAvailableAction('fade', FADE_METADATA, FadeAction);
  thing.addAvailableEvent('overheated', OVERHEATED_METADATA);
  return thing;
}

/** multiple-things.py's FakeGpioHumiditySensor: a read-only level that changes every few seconds. */
export class FakeGpioHumiditySensor extends Thing {
  readonly level = new Value(0.0);
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(intervalMs = 3000) {
    super('urn:dev:ops:my-humidity-sensor-1234', 'My Humidity Sensor', ['MultiLevelSensor'], 'A web connected humidity sensor');
    this.addProperty(new Property(this, 'level', this.level, {
      '@type': 'LevelProperty',
      title: 'Humidity',
      type: 'number',
      description: 'The current humidity in %',
      minimum: 0,
      maximum: 100,
      unit: 'percent',
      readOnly: true,
    }));
    this.timer = setInterval(() => this.level.notifyOfExternalUpdate(FakeGpioHumiditySensor.readFromGpio()), intervalMs);
  }

  cancelUpdateLevelTask(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Mimic an actual sensor updating its reading every couple seconds. */
  static readFromGpio(): number {
    return Math.abs(70.0 * Math.random() * (-0.5 + Math.random()));
  }
}
