/**
 * The receiving side of a dataflow. The default input port is the three
 * methods below; a named input port `left` is `onLeftNext`, `onLeftCompleted`
 * and `onLeftError` on the same object (ThingFlow's `on_left_next`, camelCased).
 */
export interface InputThing<T> {
  onNext(x: T): void;
  onCompleted(): void;
  onError(e: unknown): void;
}

/** The event a sensor produces: ThingFlow's `SensorEvent(sensor_id, ts, val)`. `ts` is in seconds. */
export interface SensorEvent<T = number> {
  sensorId: string | number;
  ts: number;
  val: T;
}

export const DEFAULT_PORT = 'default';

/**
 * `left` → `Left`. With `substring` only: `charAt` and `slice` would each make
 * every board app carry more of the engine's built-ins (`slice` three of them:
 * Array's, TypedArray's and String's, ~1.3 KB of flash; docs/performance.md).
 */
function capitalize(port: string): string {
  return port.substring(0, 1).toUpperCase() + port.substring(1);
}

/** Method names that receive events on `port` of an input thing. */
export function onNextName(port: string): string {
  return port === DEFAULT_PORT ? 'onNext' : `on${capitalize(port)}Next`;
}
export function onCompletedName(port: string): string {
  return port === DEFAULT_PORT ? 'onCompleted' : `on${capitalize(port)}Completed`;
}
export function onErrorName(port: string): string {
  return port === DEFAULT_PORT ? 'onError' : `on${capitalize(port)}Error`;
}
