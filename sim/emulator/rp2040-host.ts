/**
 * An emulated Raspberry Pi Pico (rp2040js) wired to the simulated board:
 *
 * - the firmware (.uf2) is loaded into flash, the B1 bootrom from the file
 *   the environment names, and the core starts at 0x10000000 as on reset;
 * - I2C0 and I2C1 are answered byte by byte from the board's bus and its
 *   models (i2c-bridge.ts): every model the simulator has can be attached;
 * - GPIO outputs are recorded on the board's pins (`board.led(25)`), as the
 *   desktop simulator records its LED; pins the board's parts drive (the
 *   TMP102's ALERT, a button) are driven into the mapped GPIO inputs, with
 *   the pull the firmware sets on the GPIO's pad;
 * - USB CDC (the Moddable pico console) and UART0 go to `log` line by line;
 * - the board's VirtualClock follows the emulated clock (ms = emulated
 *   nanoseconds / 1e6) before every bus event and at the end of each slice.
 *
 * It also counts CPU cycles: `busyCycles` executed by the core, and the
 * cycles between marks the caller sets (GPIO changes, I2C starts), for
 * bench/firmware.ts. A read of flash that misses the XIP cache stalls the
 * core as on the chip (xip-cache.ts): those cycles count as busy and take
 * their emulated time.
 */
import { ConsoleLogger, GPIOPinState, LogLevel, Simulator, USBCDC, type RP2040 } from 'rp2040js';
import type { SimBoard } from '../board';
import type { Duplex } from 'node:stream';
import { CYW43_GPIO_BASE_PIN, Cyw43Radio, PICO_W_RADIO_PINS } from './cyw43';
import { EmulatedLan } from './emulated-lan';
import { elfSymbol } from './elf-symbols';
import { FLASH_START, loadBootrom, loadUf2 } from './firmware-image';
import { I2cBridge } from './i2c-bridge';
import { QSPI_CLOCKS_PER_LINE, XIP_BASE, XIP_END, XipCache } from './xip-cache';

const CLOCK_HZ = 125_000_000;
/** Emulated ms from a frame the board sends on its Wi-Fi to the network's answer (a few ms on a home network). */
const LAN_ROUND_TRIP_MS = 2;
/** While the core sleeps and a PIO state machine has work, emulated time advances this many cycles at a step. */
const PIO_CYCLES_ASLEEP = 1000;
/** The XIP SSI's clock divider register (SSI base 0x18000000 + BAUDR), as the firmware's boot2 set it. */
const SSI_BAUDR = 0x18000014;
/** XIP_CTRL.FLUSH: a write empties the cache (the SDK's flash writes end with one). */
const XIP_CTRL_FLUSH = 0x14000004;
/** Cycle marks kept for `xipStallCycles` (two or three a bus event, GPIO change or sleep). */
const MAX_STALL_MARKS = 1_000_000;

/** `entryMarks` for `timerWakes`: Moddable's timer callback, where a wake's work starts. */
export function timerEntryMarks(elf: string): number[] {
  const at = elfSymbol(elf, 'xs_timer_callback');
  return at === undefined ? [] : [at];
}

/** Attributes executed cycles to code, with marks the host sets (test/firmware/pc-profiler.ts for bench:firmware-profile). */
export interface CycleProfiler {
  /** An instruction at `pc` took `cycles`. */
  count(pc: number, cycles: number): void;
  /** A boundary (a bus event, a GPIO change, a wake) at this busy-cycle count. */
  mark(cycles: number): void;
  /** The core read this address of flash (a fetch or a load): test/firmware/js-profiler.ts follows the bytecode read. */
  flashRead?(address: number): void;
  /** The core waits (WFI/WFE): what runs when it wakes is an interrupt's, not what ran last. */
  sleep?(): void;
}

/** A check run as the core is about to enter any of `at` (Rp2040HostOptions.entryHooks). */
export interface EntryHook {
  at: ReadonlySet<number>;
  call: (pc: number) => void;
}

export interface Rp2040HostOptions {
  uf2: string;
  bootrom: string;
  board: SimBoard;
  /** Console lines (USB CDC and UART0), with the emulated time in ms. */
  log?: (line: string, emulatedMs: number) => void;
  /** Board pin → GPIO: levels the board's parts drive on that pin reach the GPIO input. */
  inputs?: { [boardPin: number]: number };
  /**
   * Start the board's time at the firmware's first I2C transaction (when the
   * app starts) instead of at reset, as a simulator run starts at the app's
   * start: boot and the USB console wait (~0.5 s) then do not shift the
   * simulated day against a run on Node.
   */
  boardStartsWithApp?: boolean;
  /**
   * Attribute every executed instruction's cycles to its ELF function
   * (a `CycleProfiler`), marked at every I2C address and stop, GPIO change and
   * wake, so bench/firmware-profile.ts can read any window between them.
   * Off by default: it slows the emulation.
   */
  profiler?: CycleProfiler;
  /**
   * Addresses of functions whose every entry is recorded in `entries` (and
   * marked for the profiler): e.g. Moddable's `xs_timer_callback`, where a
   * wake's work starts once its timer fires.
   */
  entryMarks?: number[];
  /**
   * Each called as the core is about to run the instruction at any of its
   * `at` (function entries, say), before it runs: a test's checks of what
   * holds there (test/firmware/lwip-lock-check.ts: the lock lwIP needs;
   * heap-irq-check.ts: interrupts masked in the C heap).
   */
  entryHooks?: readonly EntryHook[];
  /**
   * The board has a Pico W's CYW43 radio (sim/emulator/cyw43.ts) on GPIO23,
   * 24, 25 and 29: the driver's bus traffic there is the radio's, not
   * recorded as GPIO changes, and the radio's own GPIOs are recorded as pins
   * 32 and up (Moddable's numbers: 32 is the LED).
   */
  radio?: 'cyw43';
  /**
   * The RP2040's timer (its 64-bit microsecond count, `time_us_64`) reads this at reset, as on a board that has
   * run that long: near 2^32 ms (49.7 days) the firmware's 32-bit millisecond counts (`Time.ticks`, Moddable's
   * timers, lwIP's `sys_now`) wrap a little after boot. Default 0, as at power-up.
   */
  timerStartUs?: number;
  /**
   * With `radio`: the Wi-Fi network it joins (sim/emulator/emulated-lan.ts:
   * the board gets 10.0.0.2 by DHCP; its TCP connections to 10.0.0.1:port
   * are relayed to what `connect` opens, e.g. a socket to a local broker).
   * Without it a join is never answered.
   */
  network?: {
    connect: (port: number) => Duplex | undefined;
    /** Emulated ms from a frame the board sends to the network's answer (default 2). 0: within the instruction that sent it, a timing no real network has, to test the firmware against the worst case. */
    roundTripMs?: number;
    /** Unix ms at reset, for the network's SNTP answers: the board's time of day then runs with emulated time (default: this machine's clock at reset). */
    wallClockAtResetMs?: number;
  };
}

export class Rp2040Host {
  readonly simulator: Simulator;
  readonly bridges: I2cBridge[];
  readonly consoleLines: { t: number; line: string }[] = [];
  /** Cycles the core executed (not waiting for an interrupt). */
  busyCycles = 0;
  /** Emulated nanoseconds the core spent waiting for an interrupt (WFI/WFE): asleep. */
  waitingNanos = 0;
  /**
   * Each time the core began to wait (WFI/WFE), with the busy cycles then:
   * the busy cycles between two of them are one wake's work.
   */
  readonly sleeps: { t: number; cycles: number }[] = [];
  private asleep = false;
  /** Entries of the `entryMarks` functions: address and busy cycles. */
  readonly entries: { pc: number; cycles: number }[] = [];
  /** GPIO changes: emulated ms, pin, level. */
  readonly gpioChanges: { t: number; pin: number; level: number; cycles: number }[] = [];
  /**
   * The core met a breakpoint (BKPT) or an undefined instruction (UDF, which
   * rp2040js does not turn into a hard fault): the pico-sdk's `panic` and its
   * handlers of unexpected exceptions (a hard fault) end there. Set once;
   * `runUntil` returns and runs no more (a real core would halt too).
   */
  halted: { atMs: number; pc: number; code: number } | undefined;
  private readonly boardStartMs: number;
  /** What runs as the core is about to enter each address of `entryMarks` and `entryHooks`: one lookup per instruction. */
  private readonly onEntry = new Map<number, (pc: number) => void>();
  private consoleBuffer: number[] = [];
  private readonly utf8 = new TextDecoder();

  constructor(private readonly opts: Rp2040HostOptions) {
    const markEntry = (pc: number) => {
      if (this.entries.length >= 100_000) return;
      this.entries.push({ pc, cycles: this.busyCycles });
      this.mark();
    };
    for (const pc of opts.entryMarks ?? []) this.onEntry.set(pc, markEntry);
    for (const hook of opts.entryHooks ?? []) {
      for (const pc of hook.at) {
        const before = this.onEntry.get(pc);
        this.onEntry.set(pc, before === undefined ? hook.call : (at) => { before(at); hook.call(at); });
      }
    }
    this.simulator = new Simulator();
    const mcu = this.simulator.rp2040;
    // rp2040js logs every USB transfer and SEV at its default level.
    mcu.logger = new ConsoleLogger(LogLevel.Error);
    mcu.loadBootrom(loadBootrom(opts.bootrom));
    if (opts.timerStartUs) startTimerAt(mcu, opts.timerStartUs);
    loadUf2(opts.uf2, mcu.flash);
    this.boardStartMs = opts.board.clock.elapsed;
    const sync = () => this.syncBoard(true);
    const afterNanos = (nanos: number, fn: () => void) => this.simulator.clock.createAlarm(fn).schedule(nanos);
    const after = (ms: number, fn: () => void) => afterNanos(ms * 1e6, fn);
    this.xip = new XipCache(() => QSPI_CLOCKS_PER_LINE * Math.max(2, mcu.readUint32(SSI_BAUDR) & 0xfffe));
    this.watchFlashReads(mcu);
    const cycles = () => {
      this.mark();
      return this.busyCycles;
    };
    this.bridges = mcu.i2c.map((i2c, index) => new I2cBridge(i2c, index, opts.board, { sync, after: afterNanos, cycles, icClkHz: CLOCK_HZ }));
    const radioPins: number[] = opts.radio === 'cyw43' ? Object.values(PICO_W_RADIO_PINS) : [];
    mcu.gpio.forEach((pin, index) => {
      if (radioPins.includes(index)) return;
      pin.addListener((state) => {
        if (state === GPIOPinState.High || state === GPIOPinState.Low) this.output(index, state === GPIOPinState.High ? 1 : 0);
      });
    });
    const network = opts.radio === 'cyw43' && opts.network ? opts.network : undefined;
    // A frame reaches the board a round trip after what it answers, as on a Wi-Fi network, not within the
    // instruction that sent the question: at once, the driver's background work ran lwIP input inside the
    // board's own lwIP call that had sent it (docs/moddable.md, the Pico W's radio).
    const wallClockAtReset = network?.wallClockAtResetMs ?? Date.now();
    this.lan = network && new EmulatedLan({ connect: network.connect, wallClockMs: () => wallClockAtReset + this.emulatedMs, after, toBoard: (frame, atOnce) => {
      const roundTrip = atOnce ? 0 : network!.roundTripMs ?? LAN_ROUND_TRIP_MS;
      if (roundTrip > 0) after(roundTrip, () => this.radio!.deliver(frame));
      else this.radio!.deliver(frame);
    } });
    const lan = this.lan;
    this.radio = opts.radio === 'cyw43'
      ? new Cyw43Radio(mcu, {
        now: () => this.emulatedMs,
        onGpio: (n, level) => this.output(CYW43_GPIO_BASE_PIN + n, level),
        onEthernet: lan && ((frame) => lan.fromBoard(frame)),
      })
      : undefined;
    for (const [boardPin, gpio] of Object.entries(opts.inputs ?? {})) {
      // The board's parts (a TMP102's ALERT, a button) drive lines through PinBank.drive; mirror its level into the GPIO.
      const pins = opts.board.pins;
      const n = Number(boardPin);
      const mirror = () => mcu.gpio[gpio].setInputValue(pins.level(n) === 1);
      const original = pins.drive.bind(pins);
      pins.drive = (driven: number, level: 0 | 1 | undefined) => {
        original(driven, level);
        if (driven === n) mirror();
      };
      // The pull the firmware sets on the GPIO's pad is the board pin's pull: a released button reads high.
      mcu.gpio[gpio].addListener((state) => {
        if (state !== GPIOPinState.Input && state !== GPIOPinState.InputPullUp && state !== GPIOPinState.InputPullDown) return; // an output, or the bus keeper
        pins.configureInput(n, state === GPIOPinState.InputPullUp ? 1 : state === GPIOPinState.InputPullDown ? 0 : undefined, undefined);
        mirror();
      });
      mirror();
    }
    const cdc = new USBCDC(mcu.usbCtrl);
    cdc.onSerialData = (bytes) => this.console(bytes);
    // A USB host with nothing to send NAKs the device's OUT endpoint and the
    // device sees nothing. rp2040js's USBCDC answers every armed OUT buffer with
    // an empty packet 10 µs later instead, tinyusb re-arms it, and so on: an
    // interrupt and a tinyusb task run every ~25 µs, about 40 % of the cycles of
    // a sample, that firmware on a real host never pays. The host sends nothing
    // to the console, so an armed OUT buffer with no bytes waiting stays armed.
    const cdcRead = mcu.usbCtrl.onEndpointRead;
    mcu.usbCtrl.onEndpointRead = (endpoint, size) => {
      if (endpoint !== 0 && cdc.txFIFO.empty) return;
      cdcRead?.(endpoint, size);
    };
    mcu.uart[0].onByte = (b) => this.console(Uint8Array.of(b));
    // rp2040js runs an enabled PIO block on timers of its own (`setTimeout(run, 0)`, 1,000 steps each),
    // apart from the emulated clock: a Pico W's radio driver starts one, and it then ran until the process
    // was killed, holding Node open and taking the CPU from the core. Here the host steps running blocks
    // in step with the core instead (`runUntil`: a PIO cycle per core cycle, as both run from clk_sys), on
    // no timer, so a transfer on a PIO takes its time in emulated time while the core waits for it.
    for (const pio of mcu.pio) pio.run = () => {};
    mcu.onBreak = (code) => {
      this.halted ??= { atMs: this.emulatedMs, pc: mcu.core.PC - mcu.core.breakRewind, code };
    };
    mcu.core.PC = FLASH_START;
  }

  /** The flash cache the core's reads go through (its counts: `accesses`, `misses`, `stallCycles`). */
  readonly xip: XipCache;
  private readonly stallMarks: { cycles: number[]; stalls: number[] } = { cycles: [], stalls: [] };

  /** The core's reads (fetches and loads; not DMA's) go through the XIP cache; a write to its FLUSH register empties it. */
  private watchFlashReads(mcu: RP2040): void {
    // The core's own methods only forward to the chip's; these do the same, after the cache (every fetch comes here).
    const core = mcu.core;
    const xip = this.xip;
    const profiler = this.opts.profiler;
    const read = profiler?.flashRead === undefined ? (address: number) => xip.read(address) : (address: number) => {
      xip.read(address);
      profiler.flashRead!(address);
    };
    core.readUint32 = (address: number) => {
      if (address >= XIP_BASE && address < XIP_END) read(address);
      return mcu.readUint32(address);
    };
    core.readUint16 = (address: number) => {
      if (address >= XIP_BASE && address < XIP_END) read(address);
      return mcu.readUint16(address);
    };
    core.readUint8 = (address: number) => {
      if (address >= XIP_BASE && address < XIP_END) read(address);
      return mcu.readUint8(address);
    };
    core.writeUint32 = (address: number, value: number) => {
      if (address === XIP_CTRL_FLUSH) xip.flush();
      mcu.writeUint32(address, value);
    };
  }

  /** A point of the run the profiler and `xipStallCycles` can cut at: bus events, GPIO changes, sleeps, timer entries. */
  private mark(): void {
    this.opts.profiler?.mark(this.busyCycles);
    const marks = this.stallMarks;
    const last = marks.cycles.length - 1;
    if (last >= 0 && marks.cycles[last] === this.busyCycles) marks.stalls[last] = this.xip.stallCycles;
    else if (last < MAX_STALL_MARKS) {
      marks.cycles.push(this.busyCycles);
      marks.stalls.push(this.xip.stallCycles);
    }
  }

  /** Busy cycles the core spent stalled on XIP cache misses between two marked points (e.g. a sample window's ends). */
  xipStallCycles(fromCycles: number, toCycles: number): number {
    return this.stallsAt(toCycles) - this.stallsAt(fromCycles);
  }

  private stallsAt(cycles: number): number {
    const { cycles: at, stalls } = this.stallMarks;
    let lo = 0;
    let hi = at.length - 1;
    if (hi < 0 || at[0] > cycles) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (at[mid] <= cycles) lo = mid;
      else hi = mid - 1;
    }
    return stalls[lo];
  }

  /** The Pico W's radio, when the board has one (`radio`). */
  readonly radio: Cyw43Radio | undefined;
  /** The network its radio joins (`network`). */
  readonly lan: EmulatedLan | undefined;

  /** A GPIO the firmware drives (or the radio's, from pin 32) changed: recorded and seen by the board's parts. */
  private output(pin: number, level: 0 | 1): void {
    const t = this.syncBoard();
    this.mark();
    this.gpioChanges.push({ t, pin, level, cycles: this.busyCycles });
    this.opts.board.pins.setOutput(pin, level);
  }

  /** Emulated milliseconds since reset. */
  get emulatedMs(): number {
    return this.simulator.clock.nanos / 1e6;
  }

  /** The RP2040 timer's 64-bit count of microseconds (TIMERAWH:TIMERAWL), as the firmware reads it: `timerStartUs` ahead of reset's. */
  get timerUs(): number {
    const mcu = this.simulator.rp2040;
    return mcu.readUint32(TIMER_RAWH) * 2 ** 32 + mcu.readUint32(TIMER_RAWL);
  }

  /** Emulated ms at which the board's time starts (0: at reset). */
  private boardOffsetMs: number | undefined;

  /** Bring the board's clock to the emulated time; returns the board's ms. */
  syncBoard(busEvent = false): number {
    const clock = this.opts.board.clock;
    if (this.boardOffsetMs === undefined) {
      if (!this.opts.boardStartsWithApp) this.boardOffsetMs = 0;
      else if (busEvent) this.boardOffsetMs = this.emulatedMs;
      else return this.opts.board.now();
    }
    const target = this.boardStartMs + this.emulatedMs - this.boardOffsetMs;
    if (target > clock.elapsed) clock.advance(target - clock.elapsed);
    return this.opts.board.now();
  }

  /**
   * The wakes after boot that ran a timer (an `entryMarks` function was
   * entered in them): every busy cycle from the core leaving its wait to
   * waiting again, the port's own turn around its main loop included.
   */
  timerWakes(): { from: number; to: number }[] {
    const out: { from: number; to: number }[] = [];
    for (let i = 0; i + 1 < this.sleeps.length; i++) {
      const start = this.sleeps[i].cycles;
      const end = this.sleeps[i + 1].cycles;
      if (this.entries.some((e) => e.cycles >= start && e.cycles < end)) out.push({ from: start, to: end });
    }
    return out;
  }

  private fallAsleep(): void {
    this.asleep = true;
    this.opts.profiler?.sleep?.();
    if (this.sleeps.length >= 100_000) return;
    this.sleeps.push({ t: this.emulatedMs, cycles: this.busyCycles });
    this.mark();
  }

  private console(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (b === 10) {
        const line = this.utf8.decode(Uint8Array.from(this.consoleBuffer)).replace(/\r$/, '');
        this.consoleBuffer = [];
        const t = this.emulatedMs;
        this.consoleLines.push({ t, line });
        this.opts.log?.(line, t);
      } else {
        this.consoleBuffer.push(b);
      }
    }
  }

  /**
   * Run until `untilMs` of emulated time (or `stopWhen` says so, checked
   * every slice). Slices of about a million instructions, yielding to Node's
   * event loop between them.
   */
  async runUntil(untilMs: number, stopWhen?: () => boolean): Promise<void> {
    const { rp2040: mcu, clock } = this.simulator;
    const cycleNanos = 1e9 / CLOCK_HZ;
    const untilNanos = untilMs * 1e6;
    const profiler = this.opts.profiler;
    const onEntry = this.onEntry;
    const [pio0, pio1] = mcu.pio;
    const xip = this.xip;
    while (clock.nanos < untilNanos && this.halted === undefined) {
      for (let i = 0; i < 500_000 && clock.nanos < untilNanos && this.halted === undefined; i++) {
        if (mcu.core.waiting) {
          if (!this.asleep) this.fallAsleep();
          // Not past `untilMs`: the caller may change the board's inputs then (a press ends a long WFE).
          let next = Math.max(Math.min(clock.nanosToNextAlarm, untilNanos - clock.nanos), cycleNanos);
          if (pioAtWork(mcu)) {
            // A state machine shifts bits while the core waits (for its interrupt, say): run it through the wait.
            next = Math.min(next, PIO_CYCLES_ASLEEP * cycleNanos);
            stepPio(mcu, Math.round(next / cycleNanos));
          }
          clock.tick(next);
          this.waitingNanos += next;
          i += next / cycleNanos;
        } else {
          this.asleep = false; // woken here or by an input the host drove between slices
          const core = mcu.core;
          // An interrupt due is taken first, as executeInstruction would: the instruction at PC then runs
          // after it returns, and an entry hook sees each entry that runs once, not again on the way back.
          if (core.interruptsUpdated && core.checkForInterrupts()) core.waiting = false;
          const pc = core.PC;
          if (onEntry.size > 0) onEntry.get(pc)?.(pc);
          // A fetch or load that missed the flash cache holds the core until its line is in.
          const cycles = core.executeInstruction() + xip.takeStall();
          if (!pio0.stopped || !pio1.stopped) stepPio(mcu, cycles);
          this.busyCycles += cycles;
          profiler?.count(pc, cycles);
          clock.tick(cycles * cycleNanos);
        }
      }
      this.syncBoard();
      if (stopWhen?.()) return;
      await new Promise((r) => setImmediate(r));
    }
  }
}

export const RP2040_CLOCK_HZ = CLOCK_HZ;

/** Step the running PIO blocks `cycles` times. */
function stepPio(mcu: RP2040, cycles: number): void {
  for (const pio of mcu.pio) {
    if (pio.stopped) continue;
    for (let i = 0; i < cycles; i++) pio.step();
  }
}

/** A state machine is enabled and not stalled (on a FIFO, a pin, an IRQ): time passing moves it on. */
function pioAtWork(mcu: RP2040): boolean {
  return mcu.pio.some((pio) => !pio.stopped && pio.machines.some((m) => m.enabled && !m.waiting));
}

/** rp2040js's timer peripheral. */
const TIMER_BASE_INDEX = 0x40054;
/** Its count's raw halves, read without the latch of TIMEHR/TIMELR. */
const TIMER_RAWH = 0x40054024;
const TIMER_RAWL = 0x40054028;

/**
 * The timer reads its clock's `nanos` for its count and for the delays of the alarms the firmware sets (their
 * targets are counts): given a clock `startUs` ahead, the count starts there and every alarm still fires on time.
 */
function startTimerAt(mcu: RP2040, startUs: number): void {
  const timer = mcu.peripherals[TIMER_BASE_INDEX] as unknown as { clock: { nanos: number } };
  const clock = timer.clock;
  timer.clock = { get nanos() { return clock.nanos + startUs * 1000; } };
}
