/**
 * The board's `device`, completed from the manifest's `config` so that an app
 * written against the simulator's device (sim/device.ts) finds the same names
 * on a board: `device.io.{Digital,I2C,SMBus}`, `device.I2C.default`,
 * `device.pin.led`.
 *
 * Moddable's host providers for generic esp32 and pico targets export
 * `device.io` but an empty `device.pin` and no `device.I2C`; board targets
 * (m5stack, ...) fill them. Whatever the provider has wins; the manifest's
 * `config.led`, `config.alert`, `config.button` and `config.i2c` fill what is missing.
 */

/** What a manifest's `config` may say about the parts the apps use. */
export interface BoardConfig {
  /** GPIO of the LED. */
  led?: number;
  /** GPIO of the TMP102's ALERT line. */
  alert?: number;
  /** GPIO of a push button to ground (read with the pin's pull-up). */
  button?: number;
  /** The default I2C bus. */
  i2c?: { data: number; clock: number; hz?: number; port?: number };
}

/** The slice of a Moddable `device` the apps rely on. */
export interface BoardDevice {
  io: { [name: string]: unknown };
  I2C: { default: { data: number; clock: number; hz?: number; port?: number } };
  pin: { [name: string]: number };
}

interface ProviderDevice {
  io?: { [name: string]: unknown };
  I2C?: { default?: { data: number; clock: number; hz?: number; port?: number } };
  pin?: { [name: string]: unknown };
}

/** `device` (the provider's, usually `globalThis.device`) with pins and the I2C bus from `config` where it has none. */
export function boardDevice(provider: ProviderDevice | undefined, config: BoardConfig): BoardDevice {
  if (provider === undefined || provider.io === undefined) {
    throw new Error('thingflow: this platform has no ECMA-419 device (include $(MODDABLE)/modules/io/manifest.json)');
  }
  const pin: { [name: string]: number } = {};
  const given = provider.pin ?? {};
  // `for...in`, not `Object.keys`: a built-in the firmware would link for this alone.
  for (const name in given) {
    const v = given[name];
    if (typeof v === 'number') pin[name] = v;
  }
  if (pin.led === undefined && config.led !== undefined) pin.led = config.led;
  if (pin.alert === undefined && config.alert !== undefined) pin.alert = config.alert;
  if (pin.button === undefined && config.button !== undefined) pin.button = config.button;
  const i2c = provider.I2C?.default ?? config.i2c;
  if (i2c === undefined) {
    throw new Error('thingflow: no default I2C bus: the board has none and the manifest config has no "i2c": { "data": <pin>, "clock": <pin> }');
  }
  return { io: provider.io, I2C: { default: i2c }, pin };
}
