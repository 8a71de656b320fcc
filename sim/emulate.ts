/**
 * A built firmware image run in an emulated Raspberry Pi Pico (rp2040js,
 * sim/emulator/rp2040-host.ts) on the simulated board: the same parts, day,
 * faults and button presses `thingflow-xs sim` gives an app on Node, for the
 * app as the Moddable SDK compiled it. What `thingflow-xs emulate` runs.
 *
 * Board time is emulated time since reset: the firmware's boot (USB, the
 * console wait, ~0.5 s) is part of the run, as on a board that is plugged in.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { BOARD_PINS } from './board';
import { boardOutcome, faultSpans, injectFaults, ledPanels, nightSpans, type BoardOutcome } from './board-run';
import { createSimDevice, type SimDevice } from './device';
import { formatDuration } from './duration';
import type { I2cBridgeTransaction } from './emulator/i2c-bridge';
import { Rp2040Host, RP2040_CLOCK_HZ } from './emulator/rp2040-host';
import { checkRunBounds, SimOptionsError } from './run-bounds';
import { renderPlot, type PlotPanel } from './plot';
import { pressEdges } from './push-button';

/** The GPIOs the board's parts reach (the manifests' `config` for the target: manifests/boards.json). */
export interface EmulatedPins {
  /** The LED, for the summary's names (the firmware's every GPIO output is recorded). */
  led: number;
  /** The TMP102's ALERT line. */
  alert: number;
  /** The button, to ground. */
  button: number;
  /**
   * The LED is on a Pico W's CYW43 radio (Moddable's pin 32 and up are the radio's GPIOs): the radio is
   * modelled on its bus pins (GPIO23, 24, 25, 29, sim/emulator/cyw43.ts), which are then not the app's.
   */
  radio?: 'cyw43';
}

export interface EmulateOptions {
  uf2: string;
  /** The RP2040's B1 bootrom (rp2040js's demo/bootrom.ts or a raw .bin). */
  bootrom: string;
  durationMs: number;
  startHour?: number;
  seed?: number;
  /** Fault specs on the board's parts and bus, as `sim --fault` takes them. */
  faults?: string[];
  /** Board ms at which a finger presses the button (`--press`). */
  presses?: number[];
  /** A Pico W's Wi-Fi: the gateway's TCP ports relayed to this machine (`--relay`); others are refused. */
  relays?: Map<number, { host: string; port: number }>;
  /** A Pico W's servers: a TCP port here (127.0.0.1) → the board's port it reaches through the gateway (`--forward`). */
  forwards?: Map<number, number>;
  /** Spans of board ms when a Pico W's access point is off the air (`--wifi-away`), in order. */
  wifiAway?: { fromMs: number; toMs: number }[];
  pins: EmulatedPins;
  /** What happened, in order of time, as each slice of emulation ends. */
  onEvent?: (e: EmulatedEvent) => void;
  onProgress?: (p: { emulatedMs: number; durationMs: number; busyCycles: number }) => void;
  /** Real ms between progress calls (default 250). */
  progressEveryMs?: number;
  /** Set when the run should end where it got to (Ctrl-C). */
  signal?: { readonly aborted: boolean };
  realNow?: () => number;
  /**
   * Emulated seconds per real second (`--speed`; 1: the board's clock keeps pace with this machine's,
   * as a client of its Web Thing expects); `Infinity`, the default: as fast as the emulator goes. A
   * paced run never gets more than `PACED_AHEAD_MS` of real time ahead; a busy board may fall behind.
   */
  speed?: number;
}

/** A line on the firmware's console, a GPIO it drove, or an I2C transaction it made; `t` in board ms. */
export type EmulatedEvent =
  | { kind: 'console'; t: number; line: string }
  | { kind: 'gpio'; t: number; gpio: number; level: number }
  | { kind: 'i2c'; t: number; tx: I2cBridgeTransaction };

export interface EmulateResult extends BoardOutcome {
  durationMs: number;
  plannedMs: number;
  interrupted: boolean;
  realMs: number;
  /** Cycles the core executed (not waiting), and the share of the run it waited (WFI/WFE). */
  busyCycles: number;
  asleepFraction: number;
  /** Times the core left its wait after boot: a board's wakes. */
  wakes: number;
  /** Emulated ms from reset to the core's first wait (boot: clocks, USB, the console wait, the app's start), and its busy cycles. */
  bootMs: number | undefined;
  bootCycles: number;
  consoleLines: number;
  /** The app's I2C transactions, those that failed, and their time on the wire (the core polls the bus meanwhile). */
  i2c: { transactions: number; failed: number; wireMs: number };
  /** The core stopped on a breakpoint instruction: a panic or an unhandled fault in the firmware. */
  halted: { atMs: number; pc: number; code: number } | undefined;
  /** A Pico W's radio: when its driver first reached its WLAN function (undefined: never), the ioctls it sent, the Ethernet frames dropped. */
  radio?: {
    upAtMs: number | undefined; ioctls: number; downloadedBytes: number;
    /** The SSID it joined, the DHCP leases it took, its TCP connections to the gateway. */
    joined: string | undefined; leases: number; connections: { port: number; accepted: boolean }[];
    /** Connections made to its ports (`forwards`): the port, and whether it took them (undefined: not answered). */
    accepted: { port: number; accepted: boolean | undefined }[];
    /** Names it looked up (all resolve to the gateway), and the times the network told it the time (SNTP). */
    lookups: string[]; timeAnswers: number;
    /** Joins the driver asked for, those that found no network (the access point away), and the spans it was away. */
    joins: number; failedJoins: number; away: { fromMs: number; toMs: number }[];
  };
  svg: string;
  device: SimDevice;
}

/** Unix ms of `hour` (UTC) on the day of `nowMs`. */
function todayAtHour(hour: number, nowMs: number): number {
  return Math.floor(nowMs / 86_400_000) * 86_400_000 + hour * 3_600_000;
}

/** A socket to the relay's target, kept to be closed when the run ends; undefined when the port is not relayed. */
function relay(to: { host: string; port: number } | undefined, sockets: Socket[]): Socket | undefined {
  if (to === undefined) return undefined;
  const socket = connect(to.port, to.host); // its errors are the emulated network's: a reset to the board (emulated-lan.ts)
  sockets.push(socket);
  return socket;
}

/** Servers on 127.0.0.1 whose connections reach the board's ports through the emulated gateway (`EmulatedLan.accept`). */
async function forwardServers(forwards: Map<number, number>, host: Rp2040Host, sockets: Socket[]): Promise<Server[]> {
  const servers: Server[] = [];
  const lan = host.lan;
  if (forwards.size > 0 && lan === undefined) throw new SimOptionsError('--forward needs a Pico W image (its Wi-Fi): this one has no radio');
  for (const [localPort, boardPort] of forwards) {
    const server = createServer((socket) => {
      sockets.push(socket);
      lan!.accept(boardPort, socket);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e) => reject(new SimOptionsError(`--forward ${localPort}: ${(e as Error).message}`)));
        server.listen(localPort, '127.0.0.1', () => resolve());
      });
    } catch (e) {
      for (const s of servers) s.close(); // those already listening would keep the process alive
      throw e;
    }
    servers.push(server);
  }
  return servers;
}

/** Emulated ms per step of the loop when nothing is due sooner: progress and Ctrl-C are seen at least this often. */
const STEP_MS = 1000;
/** Paced, a step is at most this much real time: how far ahead of this machine's clock the board may run. */
const PACED_AHEAD_MS = 50;

export async function emulateFirmware(opts: EmulateOptions): Promise<EmulateResult> {
  const durationMs = opts.durationMs;
  const speed = opts.speed ?? Infinity;
  if (speed !== Infinity) checkRunBounds(durationMs, speed);
  const stepMs = speed === Infinity ? STEP_MS : Math.max(1, Math.min(STEP_MS, PACED_AHEAD_MS * speed));
  const startHour = opts.startHour ?? 0;
  const realNow = opts.realNow ?? (() => Date.now());
  const device = createSimDevice({ seed: opts.seed, parts: 'standard', env: { startHour } });
  const board = device.board;
  injectFaults(board, opts.faults ?? [], durationMs);
  const sockets: Socket[] = [];
  const host = new Rp2040Host({
    uf2: opts.uf2, bootrom: opts.bootrom, board,
    inputs: { [BOARD_PINS.alert]: opts.pins.alert, [BOARD_PINS.button]: opts.pins.button }, radio: opts.pins.radio,
    // The network's clock (SNTP) tells the simulated day's time: today's date, the run's start hour at reset, in UTC.
    network: { connect: (port) => relay(opts.relays?.get(port), sockets), wallClockAtResetMs: todayAtHour(startHour, realNow()) },
  });
  const servers = await forwardServers(opts.forwards ?? new Map(), host, sockets);
  const edges = pressEdges(opts.presses ?? []);
  if (edges.length > 0) board.pins.drive(BOARD_PINS.button, undefined);
  const away = opts.wifiAway ?? [];
  if (away.length > 0 && host.radio === undefined) throw new SimOptionsError('--wifi-away needs a Pico W image (its Wi-Fi): this one has no radio');
  // The access point's changes, in time order: off at each span's start, on at its end.
  const apEdges = away.flatMap((span) => [{ at: span.fromMs, on: false }, { at: span.toMs, on: true }]);
  let nextAp = 0;
  const applyAp = () => {
    while (nextAp < apEdges.length && apEdges[nextAp].at <= host.emulatedMs) host.radio!.setAccessPoint(apEdges[nextAp++].on);
  };
  applyAp();
  const events = new EventFeed(host, opts.onEvent);

  const realStart = realNow();
  let lastProgress = realStart;
  let nextEdge = 0;
  const stop = () => opts.signal?.aborted === true || host.halted !== undefined;
  while (host.emulatedMs < durationMs && !stop()) {
    const until = Math.min(durationMs, nextEdge < edges.length ? edges[nextEdge].at : Infinity, nextAp < apEdges.length ? apEdges[nextAp].at : Infinity, Math.floor(host.emulatedMs / stepMs + 1) * stepMs);
    await host.runUntil(until, () => {
      events.flush();
      return stop();
    });
    while (nextEdge < edges.length && edges[nextEdge].at <= host.emulatedMs) board.pins.drive(BOARD_PINS.button, edges[nextEdge++].level);
    applyAp();
    if (speed !== Infinity) {
      // Paced: wait until this machine's clock has caught up with the board's.
      const aheadMs = host.emulatedMs / speed - (realNow() - realStart);
      if (aheadMs > 0 && !stop()) await new Promise((r) => setTimeout(r, aheadMs));
    }
    const r = realNow();
    if (opts.onProgress && r - lastProgress >= (opts.progressEveryMs ?? 250)) {
      lastProgress = r;
      opts.onProgress({ emulatedMs: host.emulatedMs, durationMs, busyCycles: host.busyCycles });
    }
  }
  events.flush(true);
  for (const s of servers) s.close();
  for (const s of sockets) s.destroy(); // the board is gone: its connections with it
  const ranMs = Math.min(host.emulatedMs, durationMs);
  opts.onProgress?.({ emulatedMs: ranMs, durationMs, busyCycles: host.busyCycles });
  const transactions = host.bridges.flatMap((b) => b.transactions);
  return {
    durationMs: ranMs,
    plannedMs: durationMs,
    interrupted: ranMs < durationMs,
    realMs: realNow() - realStart,
    busyCycles: host.busyCycles,
    asleepFraction: host.emulatedMs > 0 ? host.waitingNanos / 1e6 / host.emulatedMs : 0,
    wakes: Math.max(0, host.sleeps.length - 1),
    bootMs: host.sleeps[0]?.t,
    bootCycles: host.sleeps[0]?.cycles ?? host.busyCycles,
    consoleLines: host.consoleLines.length,
    ...boardOutcome(board, ranMs),
    i2c: { transactions: transactions.length, failed: transactions.filter((t) => t.result !== 'ack').length, wireMs: transactions.reduce((ms, t) => ms + t.wireNanos / 1e6, 0) },
    halted: host.halted,
    radio: host.radio && {
      upAtMs: host.radio.upAtMs, ioctls: host.radio.ioctls.length, downloadedBytes: host.radio.downloadedBytes,
      joined: host.radio.joinedSsid, leases: host.lan?.leases ?? 0, connections: host.lan?.connections ?? [], accepted: host.lan?.accepted ?? [],
      lookups: host.lan?.lookups ?? [], timeAnswers: host.lan?.timeAnswers ?? 0,
      joins: host.radio.joins, failedJoins: host.radio.failedJoins, away,
    },
    svg: renderPlot({
      title: `${opts.uf2.split(/[\\/]/).pop()} on an emulated Raspberry Pi Pico`,
      subtitle: `${formatDuration(ranMs)} emulated (RP2040 at ${RP2040_CLOCK_HZ / 1e6} MHz), seed ${opts.seed ?? 1}, ${Math.max(0, host.sleeps.length - 1)} wakes after boot` +
        (opts.faults?.length ? `, faults: ${opts.faults.join(' ')}` : ''),
      durationMs: ranMs,
      startHour,
      night: nightSpans(board, ranMs),
      faults: faultSpans(opts.faults ?? [], ranMs),
      panels: [...worldPanels(device, ranMs), ...ledPanels(board)],
    }),
    device,
  };
}

/** Hands the host's console lines, GPIO changes and I2C transactions to `onEvent` in order of time, as they come. */
class EventFeed {
  private console = 0;
  private gpio = 0;
  private readonly i2c: number[];

  constructor(private readonly host: Rp2040Host, private readonly onEvent: ((e: EmulatedEvent) => void) | undefined) {
    this.i2c = host.bridges.map(() => 0);
  }

  /**
   * `all`: everything so far (the end of the run). Otherwise a transaction
   * still on the wire is held back until it is over (its bytes and time are
   * final then), and with it whatever came after it, so lines stay in order.
   */
  flush(all = false): void {
    if (this.onEvent === undefined) return;
    const host = this.host;
    let holdFrom = Infinity;
    if (!all) {
      host.bridges.forEach((bridge, i) => {
        for (let k = this.i2c[i]; k < bridge.transactions.length; k++) {
          const tx = bridge.transactions[k];
          if (!tx.done) {
            holdFrom = Math.min(holdFrom, tx.t);
            break;
          }
        }
      });
    }
    const batch: EmulatedEvent[] = [];
    for (; this.console < host.consoleLines.length && host.consoleLines[this.console].t < holdFrom; this.console++) {
      const { t, line } = host.consoleLines[this.console];
      batch.push({ kind: 'console', t, line });
    }
    for (; this.gpio < host.gpioChanges.length && host.gpioChanges[this.gpio].t < holdFrom; this.gpio++) {
      const { t, pin, level } = host.gpioChanges[this.gpio];
      batch.push({ kind: 'gpio', t, gpio: pin, level });
    }
    host.bridges.forEach((bridge, i) => {
      for (; this.i2c[i] < bridge.transactions.length && bridge.transactions[this.i2c[i]].t < holdFrom; this.i2c[i]++) {
        const tx = bridge.transactions[this.i2c[i]];
        batch.push({ kind: 'i2c', t: tx.t, tx });
      }
    });
    batch.sort((a, b) => a.t - b.t);
    for (const e of batch) this.onEvent(e);
  }
}

/** What the board's sensors measure (the simulated truth), for the plot: the firmware's own values stay inside it. */
function worldPanels(device: SimDevice, durationMs: number): PlotPanel[] {
  const step = Math.max(1000, Math.round(durationMs / 720 / 1000) * 1000);
  const times: number[] = [];
  const lux: number[] = [];
  const celsius: number[] = [];
  for (let t = 0; t <= durationMs; t += step) {
    times.push(t);
    lux.push(Math.max(device.board.env.lux(t), 0.01));
    celsius.push(device.board.env.temperature(t));
  }
  return [
    { title: 'Light at the board (what the light sensors measure)', unit: 'lux, log scale', log: true, series: [{ name: 'simulated light', color: '#7f7f7f', style: 'line', times, values: lux }] },
    { title: 'Temperature at the board', unit: '°C', series: [{ name: 'simulated temperature', color: '#d62728', style: 'line', times, values: celsius }], height: 120 },
  ];
}

