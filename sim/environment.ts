import { hashUnit } from './seeded-random';

export interface EnvironmentOptions {
  seed?: number;
  /** Hour of day at simulation time 0 (default 0: the run starts at midnight). */
  startHour?: number;
  sunriseHour?: number;
  sunsetHour?: number;
  /** Illuminance at solar noon under a clear sky, in lux (the sensor sits by a window). */
  peakLux?: number;
  /** Illuminance at night (street lights, moon), in lux. */
  nightLux?: number;
  /** 0 (always clear) .. 1 (overcast most of the day). */
  cloudiness?: number;
  meanTemperature?: number;
  /** Half the difference between the day's warmest and coldest hours, in °C. */
  temperatureSwing?: number;
}

const HOUR = 3_600_000;

/**
 * The physical world the simulated sensors measure. Every quantity is a pure
 * function of simulated time (and the seed), so two sensors reading at the
 * same instant agree, and a reading does not depend on who read before.
 * Measurement noise belongs to the device models, not here.
 */
export class Environment {
  readonly seed: number;
  readonly startHour: number;
  readonly sunriseHour: number;
  readonly sunsetHour: number;
  readonly peakLux: number;
  readonly nightLux: number;
  readonly cloudiness: number;
  readonly meanTemperature: number;
  readonly temperatureSwing: number;
  /** Extra acceleration (in g) added on each axis, e.g. to simulate a knock or a tilt. */
  readonly extraAcceleration = new Float64Array(3);

  constructor(opts: EnvironmentOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.startHour = opts.startHour ?? 0;
    this.sunriseHour = opts.sunriseHour ?? 6.5;
    this.sunsetHour = opts.sunsetHour ?? 19.5;
    this.peakLux = opts.peakLux ?? 20_000;
    this.nightLux = opts.nightLux ?? 2;
    this.cloudiness = opts.cloudiness ?? 0.5;
    this.meanTemperature = opts.meanTemperature ?? 18;
    this.temperatureSwing = opts.temperatureSwing ?? 5;
  }

  /** Hour of day (0..24) at simulated time `ms`. */
  hourOfDay(ms: number): number {
    const h = (this.startHour + ms / HOUR) % 24;
    return h < 0 ? h + 24 : h;
  }

  /** Fraction of the sun's light the clouds take away, 0..1: two octaves of smooth value noise. */
  cloudCover(ms: number): number {
    const n = 0.65 * this.valueNoise(ms / (20 * 60_000), 1) + 0.35 * this.valueNoise(ms / (4 * 60_000), 2);
    // Shift by cloudiness so 0 is clear all day and 1 is mostly overcast.
    const c = (n - (1 - this.cloudiness) * 0.8) / 0.6;
    return c < 0 ? 0 : c > 1 ? 1 : c;
  }

  /** Clear-sky daylight, 0..1, following the sun's elevation, with twilight around the edges. */
  daylight(ms: number): number {
    const h = this.hourOfDay(ms);
    const rise = this.sunriseHour;
    const set = this.sunsetHour;
    if (h > rise && h < set) {
      const s = Math.sin((Math.PI * (h - rise)) / (set - rise));
      return Math.pow(s, 1.3) * 0.98 + 0.02;
    }
    // Twilight: light fades over about half an hour after sunset and grows before sunrise.
    const fromEdge = h <= rise ? Math.min(rise - h, h + 24 - set) : Math.min(h - set, rise + 24 - h);
    return 0.02 * Math.exp(-fromEdge / 0.35);
  }

  /** Illuminance at the sensor in lux. */
  lux(ms: number): number {
    const sun = this.daylight(ms) * this.peakLux * (1 - 0.8 * this.cloudCover(ms));
    return this.nightLux + sun;
  }

  /** Air temperature in °C: coldest before dawn, warmest mid-afternoon, a little cooler under cloud. */
  temperature(ms: number): number {
    const h = this.hourOfDay(ms);
    const daily = this.meanTemperature - this.temperatureSwing * Math.cos((2 * Math.PI * (h - 3)) / 24);
    return daily - 1.2 * this.cloudCover(ms) * this.daylight(ms);
  }

  /** Acceleration in g on axis 0 (x), 1 (y) or 2 (z): a board lying flat, plus whatever was injected. */
  acceleration(axis: number): number {
    return (axis === 2 ? 1 : 0) + this.extraAcceleration[axis];
  }

  /** Smooth noise in [0, 1): cosine interpolation between hashed knots at integer `x`. */
  private valueNoise(x: number, octave: number): number {
    const k = Math.floor(x);
    const f = x - k;
    const a = hashUnit(this.seed * 31 + octave, k);
    const b = hashUnit(this.seed * 31 + octave, k + 1);
    const w = (1 - Math.cos(Math.PI * f)) / 2;
    return a + (b - a) * w;
  }
}
