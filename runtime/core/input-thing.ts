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

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Why a port's method name may not be the one its author wrote: the rule of `capitalize`, for error messages. */
export const CAPITALIZE_RULE = "a port's first letter is capitalised only when it is ASCII a-z";

/**
 * `left` → `Left`: an ASCII a-z first letter capitalised, any other kept (`über` → `über`).
 * By hand, with no built-in: `toUpperCase` would make every board app carry XS's Unicode case
 * tables (~12 KB of flash), `substring`, `charAt` or `slice` more of the engine (docs/performance.md).
 * Connect time only: not on the event path.
 */
function capitalize(port: string): string {
  let out = port.length > 0 ? port[0] : '';
  for (let i = 0; i < LOWER.length; i++) {
    if (LOWER[i] === out) {
      out = UPPER[i];
      break;
    }
  }
  for (let i = 1; i < port.length; i++) out += port[i];
  return out;
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
