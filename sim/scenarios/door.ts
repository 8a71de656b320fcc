/**
 * A garage door with the board on it, for the offline-analysis example
 * (docs/edges.md, "Offline analysis, then deploy"). The board is screwed to an
 * up-and-over door: shut, the door hangs vertical and gravity lies along the
 * board's -y axis; open, the door swings up to horizontal, the board faces the
 * floor and gravity lies along -z; ajar (aired), it hangs in between. The
 * TSL2591 measures the garage's light: a little daylight through a slit when
 * shut, much more when open, and a lamp that is sometimes on in the evening.
 *
 * The door's week is a pure function of the seed and the time, so the ground
 * truth (`doorOpenAt`) is known for every minute without recording it.
 */
import type { SimBoard } from '../board';
import { hashUnit } from '../seeded-random';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One span the door is not shut: `angle` 90° is wide open, 25° is aired. */
export interface DoorOpening {
  from: number;
  to: number;
  angle: number;
  why: 'leave' | 'return' | 'work' | 'left open' | 'aired';
}

/** One span the garage lamp is on (the door may be shut). */
export interface LampSpan {
  from: number;
  to: number;
}

export interface DoorWeek {
  openings: DoorOpening[];
  lamp: LampSpan[];
}

/** The door's and the lamp's week, `days` long from midnight, for `seed`. */
export function doorWeek(seed: number, days: number): DoorWeek {
  const openings: DoorOpening[] = [];
  const lamp: LampSpan[] = [];
  let k = 0;
  const r = (): number => hashUnit(seed * 7919 + 17, k++);
  const at = (day: number, hour: number): number => day * DAY + Math.round(hour * 60) * MINUTE;
  for (let d = 0; d < days; d++) {
    const weekend = d % 7 >= 5;
    if (!weekend) {
      // Out by car in the morning, back in the evening: the door is open a few minutes each time.
      const out = at(d, 7 + r() * 1.5);
      openings.push({ from: out, to: out + (1 + Math.floor(r() * 3)) * MINUTE, angle: 90, why: 'leave' });
      const back = at(d, 17 + r() * 2.5);
      const shut = back + (1 + Math.floor(r() * 3)) * MINUTE;
      // Now and then nobody shuts it: left open for one to five hours.
      const leftOpen = r() < 0.35;
      openings.push({ from: back, to: leftOpen ? back + Math.round(60 + r() * 240) * MINUTE : shut, angle: 90, why: leftOpen ? 'left open' : 'return' });
    } else {
      const start = at(d, 9 + r() * 3);
      openings.push({ from: start, to: start + Math.round(90 + r() * 150) * MINUTE, angle: 90, why: 'work' });
    }
    // Aired on warm afternoons: the door hangs ajar.
    if (r() < 0.4) {
      const start = at(d, 13 + r() * 2);
      openings.push({ from: start, to: start + Math.round(30 + r() * 60) * MINUTE, angle: 25, why: 'aired' });
    }
    // The lamp, in the evening, with the door shut.
    if (r() < 0.5) {
      const start = at(d, 20 + r() * 1.5);
      lamp.push({ from: start, to: start + Math.round(30 + r() * 90) * MINUTE });
    }
  }
  openings.sort((a, b) => a.from - b.from);
  // Spans never overlap: a later one starts after the earlier one ends.
  for (let i = 1; i < openings.length; i++) {
    if (openings[i].from < openings[i - 1].to) openings[i].from = openings[i - 1].to + MINUTE;
    if (openings[i].to <= openings[i].from) openings[i].to = openings[i].from + MINUTE;
  }
  return { openings, lamp };
}

/** The door's angle at `ms`: 0 shut, 90 wide open. */
export function doorAngleAt(week: DoorWeek, ms: number): number {
  for (const o of week.openings) if (ms >= o.from && ms < o.to) return o.angle;
  return 0;
}

/** Ground truth: the door is not shut at `ms`. */
export function doorOpenAt(week: DoorWeek, ms: number): boolean {
  return doorAngleAt(week, ms) > 0;
}

function lampOnAt(week: DoorWeek, ms: number): boolean {
  for (const s of week.lamp) if (ms >= s.from && ms < s.to) return true;
  return false;
}

/** Lamp light at the board, in lux. */
export const LAMP_LUX = 400;

/**
 * Put the door on `board`: its accelerometer reads the door's tilt and its
 * light sensor the garage's light (outdoor light from the board's
 * environment, let in by how far the door is open, plus the lamp).
 */
export function mountOnDoor(board: SimBoard, week: DoorWeek): void {
  const env = board.env;
  const outdoorLux = env.lux.bind(env);
  env.acceleration = (axis: number): number => {
    const a = (doorAngleAt(week, board.now()) * Math.PI) / 180;
    return axis === 0 ? 0 : axis === 1 ? -Math.cos(a) : -Math.sin(a);
  };
  env.lux = (ms: number): number => {
    const angle = doorAngleAt(week, ms);
    const letIn = angle === 0 ? 0.004 : 0.25 * Math.sin((angle * Math.PI) / 180);
    return outdoorLux(ms) * letIn + (lampOnAt(week, ms) ? LAMP_LUX : 0);
  };
}
