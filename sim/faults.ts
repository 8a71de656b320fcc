import { formatDuration, parseDuration } from './duration';
import type { SeededRandom } from './seeded-random';

/**
 * What can go wrong with a part on the bus:
 * - `nack`: the device does not acknowledge its address (unplugged, browned out);
 * - `dropout`: single transactions fail (a loose wire, noise on the bus);
 * - `stuck`: the device answers, but its reading freezes at the value it had when the fault began;
 * - `spike`: a reading now and then is far off (by `magnitude`, in the reading's unit);
 * - `hang`: a device holds the data line low, so every transaction on the bus times out.
 */
export type FaultKind = 'nack' | 'dropout' | 'stuck' | 'spike' | 'hang';

const KINDS: readonly FaultKind[] = ['nack', 'dropout', 'stuck', 'spike', 'hang'];

export interface FaultSpec {
  kind: FaultKind;
  /** Simulated time the fault starts, in ms (default 0). */
  fromMs?: number;
  /** Simulated time the fault ends, in ms (default: never). */
  toMs?: number;
  /** Chance per transaction (nack, dropout, hang) or per reading (spike) while active; default 1 (0.05 for spike). */
  probability?: number;
  /** Size of a spike in the reading's unit (°C, lux, g); each model has a default. */
  magnitude?: number;
}

/**
 * Parse a fault from the command line:
 * `<device>:<kind>[@<from>[-<to>|+<length>]][,p=<chance>][,x=<magnitude>]`, e.g.
 * `tmp102:nack@6h-7h`, `tsl2591:spike,p=0.02`, `0x48:stuck@12h+2h`, `bus:hang@15h+10m`.
 * `<device>` is a model name, an address (`0x48`, `72`) or `bus`. With `requireUnit`
 * (the CLI) a time without a unit (`@6-7`) is refused instead of read as seconds.
 */
export function parseFault(text: string, opts: { requireUnit?: boolean } = {}): { target: string; spec: FaultSpec } {
  const [head, ...params] = text.split(',');
  const colon = head.indexOf(':');
  if (colon <= 0) throw new RangeError(`bad fault '${text}': expected <device>:<kind>, e.g. tmp102:nack@6h-7h`);
  const target = head.slice(0, colon).trim().toLowerCase();
  const rest = head.slice(colon + 1);
  const at = rest.indexOf('@');
  const kind = (at < 0 ? rest : rest.slice(0, at)).trim() as FaultKind;
  if (!KINDS.includes(kind)) throw new RangeError(`bad fault kind '${kind}' in '${text}': one of ${KINDS.join(', ')}`);
  const spec: FaultSpec = { kind };
  if (at >= 0) {
    const window = rest.slice(at + 1);
    const bad = (why: string) => new RangeError(`bad fault window '@${window}' in '${text}': ${why}${window.includes('=') ? ' (p=<chance> and x=<size> go after a comma: tmp102:nack,p=0.5)' : ''}`);
    const time = (part: string): number => {
      if (part.trim() === '') throw bad('a time is missing (e.g. @6h-7h, @6h+30m, @6h)');
      try {
        return parseDuration(part, opts);
      } catch (e) {
        throw bad((e as Error).message);
      }
    };
    const plus = window.indexOf('+');
    const dash = window.indexOf('-');
    if (plus >= 0) {
      spec.fromMs = time(window.slice(0, plus));
      spec.toMs = spec.fromMs + time(window.slice(plus + 1));
    } else if (dash >= 0) {
      spec.fromMs = time(window.slice(0, dash));
      spec.toMs = time(window.slice(dash + 1));
    } else {
      spec.fromMs = time(window);
    }
  }
  for (const p of params) {
    const eq = p.indexOf('=');
    const key = (eq < 0 ? p : p.slice(0, eq)).trim();
    if (key !== 'p' && key !== 'x') throw new RangeError(`unknown fault parameter '${key}' in '${text}' (p=<chance>, x=<magnitude>)`);
    const value = eq < 0 ? '' : p.slice(eq + 1).trim();
    if (value === '') throw new RangeError(`fault parameter '${key}' has no value in '${text}' (e.g. ${key === 'p' ? 'p=0.5' : 'x=100'})`);
    const n = Number(value);
    if (!Number.isFinite(n)) throw new RangeError(`bad fault parameter '${p}' in '${text}'`);
    if (key === 'p') spec.probability = n;
    else spec.magnitude = n;
  }
  checkFaultSpec(spec, text);
  return { target, spec };
}

/**
 * Refuse a spec that could never act as written: a window that ends before it
 * starts (or is empty), a chance outside 0..1. `parseFault` and `DeviceFaults.add`
 * both check, so a spec built in code is held to the same rules as the command line.
 */
export function checkFaultSpec(spec: FaultSpec, text: string = describeFault(spec)): void {
  if (!KINDS.includes(spec.kind)) throw new RangeError(`bad fault kind '${String(spec.kind)}' in '${text}': one of ${KINDS.join(', ')}`);
  const from = spec.fromMs ?? 0;
  if (!(from >= 0) || !Number.isFinite(from)) throw new RangeError(`fault '${text}' starts at ${from} ms: give a time from 0 on`);
  if (spec.toMs !== undefined && !(spec.toMs > from)) {
    throw new RangeError(`fault window in '${text}' ${spec.toMs === from ? 'is empty: it ends when it starts' : 'ends before it starts'} (${formatDuration(from)} to ${formatDuration(spec.toMs)})`);
  }
  if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) {
    throw new RangeError(`fault chance must be in 0..1, got ${spec.probability} in '${text}'`);
  }
  if (spec.magnitude !== undefined && !Number.isFinite(spec.magnitude)) throw new RangeError(`fault size must be a finite number, got ${spec.magnitude} in '${text}'`);
}

/** Refuse a fault that would start only after a run of `durationMs` has ended: it would never strike. */
export function checkFaultWithin(spec: FaultSpec, durationMs: number, text: string = describeFault(spec)): void {
  if ((spec.fromMs ?? 0) >= durationMs) {
    throw new RangeError(`fault '${text}' starts at ${formatDuration(spec.fromMs ?? 0)}, when the run (${formatDuration(durationMs)}) is over: it would never strike`);
  }
}

function describeFault(spec: FaultSpec): string {
  if (spec.fromMs === undefined) return spec.kind;
  return `${spec.kind}@${formatDuration(spec.fromMs)}${spec.toMs === undefined ? '' : `-${formatDuration(spec.toMs)}`}`;
}

function activeAt(spec: FaultSpec, now: number): boolean {
  return now >= (spec.fromMs ?? 0) && (spec.toMs === undefined || now < spec.toMs);
}

/** How often each kind of fault actually struck. */
export interface FaultCounts {
  nack: number;
  dropout: number;
  stuck: number;
  spike: number;
  hang: number;
}

/** The faults injected into one device (or the bus), and what they did. */
export class DeviceFaults {
  readonly specs: FaultSpec[] = [];
  readonly counts: FaultCounts = { nack: 0, dropout: 0, stuck: 0, spike: 0, hang: 0 };
  /** Per-channel readings frozen by a `stuck` fault; NaN when not stuck. */
  private readonly held = new Float64Array(8).fill(NaN);

  constructor(private readonly random: SeededRandom) {}

  add(spec: FaultSpec): void {
    checkFaultSpec(spec);
    this.specs.push(spec);
  }

  clear(): void {
    this.specs.length = 0;
    this.held.fill(NaN);
  }

  /** The first spec of `kind` active at `now`, if any. */
  active(kind: FaultKind, now: number): FaultSpec | undefined {
    for (let i = 0; i < this.specs.length; i++) {
      const s = this.specs[i];
      if (s.kind === kind && activeAt(s, now)) return s;
    }
    return undefined;
  }

  /** True when a transaction at `now` fails with this kind of fault (and counts it). */
  strikes(kind: 'nack' | 'dropout' | 'hang', now: number): boolean {
    const s = this.active(kind, now);
    if (!s) return false;
    if (s.probability !== undefined && this.random.next() >= s.probability) return false;
    this.counts[kind]++;
    return true;
  }

  /**
   * Pass a physical reading through `stuck` and `spike` faults. `channel` keeps
   * the axes of one device apart; `spikeSize` is the model's default spike.
   */
  reading(now: number, channel: number, value: number, spikeSize: number): number {
    if (this.specs.length === 0) return value;
    if (this.active('stuck', now)) {
      if (Number.isNaN(this.held[channel])) this.held[channel] = value;
      this.counts.stuck++;
      return this.held[channel];
    }
    this.held[channel] = NaN;
    const spike = this.active('spike', now);
    if (spike && this.random.next() < (spike.probability ?? 0.05)) {
      this.counts.spike++;
      return value + (spike.magnitude ?? spikeSize);
    }
    return value;
  }
}
