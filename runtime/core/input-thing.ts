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

function capitalize(port: string): string {
  return port.charAt(0).toUpperCase() + port.slice(1);
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
