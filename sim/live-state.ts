/**
 * What the live page shows of a simulated run, as JSON (`GET /_live`): the
 * simulated clock, the flow graph with per-connection counts (runtime/trace),
 * the board (pins, the I2C bus and its devices with their faults, the LED)
 * and the tracked series with their history since the start. `?since=<ms>`
 * sends only the points recorded after `ms`, so a page polling it stays cheap.
 * Faults are injected and cleared through here too (`POST/DELETE /_live/faults`).
 */
import type { FlowTrace } from '../runtime/trace/flow-trace';
import { BOARD_PINS, type SimBoard } from './board';
import type { FaultKind, FaultSpec } from './faults';
import type { PlotRecorder } from './plot-recorder';

export interface SimLiveOptions {
  board: SimBoard;
  /** Wall-clock ms of simulated time 0 (the virtual clock's epoch), for times of day. */
  epochMs: number;
  durationMs: number;
  trace?: FlowTrace;
  plot?: PlotRecorder;
  /** The run's title on the page. */
  title?: string;
}

/** Fault kinds a device takes; `hang` is the bus's. */
const DEVICE_FAULTS: readonly FaultKind[] = ['nack', 'dropout', 'stuck', 'spike'];

function hex(address: number): string {
  return `0x${address.toString(16).padStart(2, '0')}`;
}

function describeSpec(s: FaultSpec): string {
  const from = s.fromMs ?? 0;
  const window = s.toMs === undefined ? (from > 0 ? ` from ${(from / 3_600_000).toFixed(2)} h` : '') : ` ${(from / 3_600_000).toFixed(2)}–${(s.toMs / 3_600_000).toFixed(2)} h`;
  return `${s.kind}${window}${s.probability !== undefined ? `, p=${s.probability}` : ''}`;
}

function pointsAfter(times: readonly number[], values: readonly number[], sinceMs: number): { times: number[]; values: number[] } {
  let i = times.length;
  while (i > 0 && times[i - 1] > sinceMs) i--;
  return { times: times.slice(i), values: values.slice(i) };
}

/** A request the page made that cannot be done: the message says why. */
export class LiveRequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class SimLiveState {
  constructor(private readonly opts: SimLiveOptions) {}

  /** The whole state, with series points recorded after `sinceMs` (all when omitted). */
  snapshot(sinceMs = -1): unknown {
    const { board } = this.opts;
    const now = board.now();
    if (this.opts.trace !== undefined) this.opts.trace.refresh();
    return {
      title: this.opts.title,
      clock: {
        simulatedMs: now,
        durationMs: this.opts.durationMs,
        epochMs: this.opts.epochMs,
        running: now < this.opts.durationMs,
        sunriseHour: board.env.sunriseHour,
        sunsetHour: board.env.sunsetHour,
      },
      graph: this.opts.trace?.graph(),
      board: this.board(),
      panels: this.panels(sinceMs),
    };
  }

  private board(): unknown {
    const { board } = this.opts;
    const named = new Map<number, string>();
    for (const [name, pin] of Object.entries(BOARD_PINS)) named.set(pin, name);
    const pins = [...named.keys()].sort((a, b) => a - b).map((pin) => {
      const output = board.pins.outputValue(pin);
      const history = board.pins.history(pin);
      return {
        pin,
        name: named.get(pin),
        use: output !== undefined ? 'output' : board.pins.isFree(pin) ? 'free' : 'input',
        level: board.pins.level(pin),
        switchings: history.switchings,
      };
    });
    const ledPin = BOARD_PINS.led;
    const i2c = board.i2c;
    return {
      led: { pin: ledPin, on: board.pins.level(ledPin) === 1, switchings: board.pins.history(ledPin).switchings },
      pins,
      bus: {
        data: i2c.data,
        clock: i2c.clock,
        transactions: i2c.stats.transactions,
        errors: i2c.stats.errors,
        faults: i2c.faults.specs.map(describeSpec),
        hangs: i2c.faults.counts.hang,
      },
      devices: i2c.entries().map((e) => ({
        address: hex(e.address),
        name: e.model.name,
        faults: e.faults.specs.map(describeSpec),
        struck: { ...e.faults.counts },
      })),
      faultKinds: DEVICE_FAULTS,
    };
  }

  private panels(sinceMs: number): unknown[] {
    const out: unknown[] = [];
    for (const p of this.opts.plot?.panels() ?? []) {
      out.push({
        title: p.title,
        unit: p.unit,
        log: p.log === true,
        thresholds: p.thresholds ?? [],
        series: p.series.map((s) => ({ name: s.name, color: s.color, style: s.style, ...pointsAfter(s.times, s.values, sinceMs) })),
      });
    }
    for (const h of this.opts.board.pins.usedOutputs()) {
      out.push({
        title: `LED on pin ${h.pin}`,
        unit: 'on/off',
        log: false,
        thresholds: [],
        series: [{ name: `pin ${h.pin}`, color: '#e6a700', style: 'step', ...pointsAfter(h.times, h.values, sinceMs) }],
      });
    }
    return out;
  }

  /** Inject a fault into `device` (a part name, an address, or `bus` for a hang), active from now until cleared. */
  injectFault(device: string, kind: string): unknown {
    const isBus = device === 'bus';
    if (isBus ? kind !== 'hang' : !(DEVICE_FAULTS as readonly string[]).includes(kind)) {
      throw new LiveRequestError(400, isBus ? `the bus takes only 'hang', not '${kind}'` : `unknown fault '${kind}': one of ${DEVICE_FAULTS.join(', ')}`);
    }
    this.faultsOf(device);
    this.opts.board.fault(device, { kind: kind as FaultKind, fromMs: this.opts.board.now() });
    return this.board();
  }

  /** Clear every fault of `device` (or of the bus): it works again from now on. */
  clearFaults(device: string): unknown {
    this.faultsOf(device).clear();
    return this.board();
  }

  private faultsOf(device: string) {
    const i2c = this.opts.board.i2c;
    if (device === 'bus') return i2c.faults;
    const key = /^(0x[0-9a-f]+|\d+)$/i.test(device) ? Number(device) : device.toLowerCase();
    const f = i2c.faultsOf(key);
    if (f === undefined) {
      throw new LiveRequestError(404, `no device '${device}' on the bus; attached: ${i2c.entries().map((e) => `${e.model.name} (${hex(e.address)})`).join(', ')}`);
    }
    return f;
  }
}
