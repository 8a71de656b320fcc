import { checkValue, type ValueSchema } from './schema';
import { PropertyError } from './property-error';
import type { SetOptions, Value } from './value';
import type { Thing } from './thing';

/** Property metadata: a JSON Schema for the value plus Web Thing annotations (title, unit, @type…). */
export interface PropertyMetadata extends ValueSchema {
  title?: string;
  description?: string;
  unit?: string;
  '@type'?: string;
  links?: { rel?: string; href: string; mediaType?: string }[];
}

/**
 * One state value of a Thing (webthing-python's `Property`): a name, a `Value`
 * and the metadata that describes and constrains it.
 *
 * ```ts
 * thing.addProperty(new Property(thing, 'brightness', new Value(50),
 *   { type: 'integer', minimum: 0, maximum: 100, unit: 'percent' }));
 * ```
 */
export class Property<T = unknown> {
  readonly thing: Thing;
  readonly name: string;
  readonly value: Value<T>;
  readonly metadata: PropertyMetadata;
  private hrefPrefix = '';
  private readonly href: string;

  constructor(thing: Thing, name: string, value: Value<T>, metadata?: PropertyMetadata) {
    this.thing = thing;
    this.name = name;
    this.value = value;
    this.metadata = metadata ?? {};
    this.href = `/properties/${encodeURIComponent(name)}`;
    // Both client writes and syncs reach the WebSocket subscribers.
    value.on('update', () => thing.propertyNotify(this));
    value.on('sync', () => thing.propertyNotify(this));
  }

  /** Throws `PropertyError` when a client may not write `value` here. */
  validateValue(value: unknown): void {
    if (this.metadata.readOnly === true) throw new PropertyError(`property '${this.name}' is read-only`);
    const wrong = checkValue(value, this.metadata, this.name, this.thing.maxValueDepth);
    if (wrong !== null) throw new PropertyError(`invalid value for property '${this.name}': ${wrong}`);
  }

  /** The metadata with this property's link, as the thing description lists it. */
  asPropertyDescription(): PropertyMetadata {
    const description: PropertyMetadata = JSON.parse(JSON.stringify(this.metadata));
    if (description.links === undefined) description.links = [];
    description.links.push({ rel: 'property', href: this.hrefPrefix + this.href });
    return description;
  }

  setHrefPrefix(prefix: string): void {
    this.hrefPrefix = prefix;
  }

  getHref(): string {
    return this.hrefPrefix + this.href;
  }

  getValue(): T {
    return this.value.get();
  }

  /**
   * Validate and set (ThingTalk's `set_value`). With `{ withAction: false }` the
   * value is synced: the forwarder does not run and observers get `'sync'`.
   */
  setValue(value: T, opts?: SetOptions): void {
    this.validateValue(value);
    this.value.set(value, opts);
  }

  getName(): string {
    return this.name;
  }

  getThing(): Thing {
    return this.thing;
  }

  getMetadata(): PropertyMetadata {
    return this.metadata;
  }
}
