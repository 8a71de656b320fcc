/**
 * Answers an emulated RP2040 I2C controller (rp2040js `RPI2C`) byte by byte
 * from the simulated board's bus (sim/i2c-bus.ts) and its device models.
 *
 * rp2040js calls back per bus event: start, address (with the direction),
 * each written byte, each byte to read (with whether the master acknowledges
 * it, i.e. wants more), stop. The simulated bus works per transaction, so:
 * - an address is acknowledged if the bus would accept a transaction to it
 *   now (a device is there, no NACK fault strikes); a NACK aborts the
 *   firmware's transfer as on the chip (ABRT_7B_ADDR_NOACK);
 * - written bytes are collected and delivered as one write at the stop (or
 *   the repeated start); if the bus rejects that write (a dropout), the last
 *   byte is not acknowledged (ABRT_TXDATA_NOACK);
 * - a read is answered from a read-ahead of the model, and once the master
 *   has said which byte was the last, the model state is restored and the
 *   read replayed at the real length (state-snapshot.ts): the model sees the
 *   transaction the firmware made. Bytes that differ between the read-ahead
 *   and the replay are counted in `mismatches`;
 * - a hung bus (a `hang` fault) holds the transfer: nothing completes until
 *   the hang ends (at most `maxHangMs`), then the controller loses
 *   arbitration, so the firmware's own timeout is what it sees first;
 * - every bus event takes its time on the wire: a byte (address, data, with
 *   its acknowledge bit) 9 SCL periods, a start, repeated start or stop one,
 *   a period being what the controller's registers make it (DW_apb_i2c, RP2040
 *   datasheet 4.3.14: high HCNT + SPKLEN + 7, low LCNT + 1 ic_clk cycles). The
 *   firmware's blocking transfer then polls through the bus time as on the
 *   chip, and the cycles it is awake per sample are the chip's. (Completed at
 *   once, a TSL2591 sample's two reads took no time at all, where at 400 kHz
 *   they hold the core for ~0.28 ms: docs/performance.md, firmware.)
 *
 * `sync()` is called before every bus event so the board's clock shows the
 * emulated time.
 */
import { I2CMode, type RPI2C } from 'rp2040js';
import type { SimBoard } from '../board';
import { snapshotState } from './state-snapshot';

/** Longest read the read-ahead serves; longer reads get 0xff past it. */
const READ_AHEAD = 32;
/** IC_RAW_INTR_STAT's TX_EMPTY bit. */
const R_TX_EMPTY = 1 << 4;
/** IC_CON's TX_EMPTY_CTRL: TX_EMPTY waits for the command taken from the FIFO to finish on the wire (the pico-sdk sets it). */
const TX_EMPTY_CTRL = 1 << 8;
/** The spike suppression register: part of each SCL high period. */
const IC_FS_SPKLEN = 0xa0;
/** SCL periods on the wire: a byte with its acknowledge bit; a start, repeated start or stop condition. */
const BYTE_PERIODS = 9;
const CONDITION_PERIODS = 1;
/** ic_clk of the RP2040's I2C controllers: clk_sys, 125 MHz as the pico-sdk sets it. */
const DEFAULT_IC_CLK_HZ = 125_000_000;

/** What the bridge reaches in rp2040js's RPI2C (1.4.1) past its public API: state and methods it keeps private. */
interface ControllerInternals {
  /** The command being done carries STOP. */
  stop: boolean;
  control: number;
  enable: number;
  spikelen: number;
  txThreshold: number;
  txFIFO: { items: number[]; itemCount: number };
  abort(reason: number): void;
  setInterrupts(mask: number): void;
  writeUint32(offset: number, value: number): void;
}

function internals(i2c: RPI2C): ControllerInternals {
  return i2c as unknown as ControllerInternals;
}

export interface I2cBridgeTransaction {
  /** Board time (ms) the address was sent. */
  t: number;
  bus: number;
  address: number;
  op: 'read' | 'write';
  bytes: number[];
  /** 'ack', or why it failed: 'nack', 'dropout', 'hang'. */
  result: 'ack' | 'nack' | 'dropout' | 'hang';
  /** CPU cycles (the host's count) at the address and at the stop. */
  cycles: number;
  endCycles: number;
  /** Emulated nanoseconds on the wire: its start (or repeated start), address, bytes and stop. */
  wireNanos: number;
  /** Over on the wire (its stop, or the repeated start that ends it, or a hang given up): bytes and time are final. */
  done: boolean;
}

export interface I2cBridgeOptions {
  /** Make the board's clock show the emulated time; returns it (board ms). */
  sync: () => number;
  /** Run `fn` after `nanos` of emulated time. */
  after: (nanos: number, fn: () => void) => void;
  /** CPU cycles executed so far. */
  cycles?: () => number;
  maxHangMs?: number;
  /** The controller's clock (ic_clk), which its SCL counts count (default 125 MHz). */
  icClkHz?: number;
}

function failure(e: unknown): 'nack' | 'dropout' | 'hang' {
  const code = (e as { code?: string }).code;
  return code === 'timeout' ? 'hang' : code === 'dropout' ? 'dropout' : 'nack';
}

export class I2cBridge {
  readonly transactions: I2cBridgeTransaction[] = [];
  mismatches = 0;
  private current: I2cBridgeTransaction | undefined;
  private written: number[] = [];
  private ahead = new Uint8Array(READ_AHEAD);
  private served = 0;
  private restore: (() => void) | undefined;
  /** A start condition's time, counted with the transaction whose address follows it. */
  private startNanos = 0;

  constructor(private readonly i2c: RPI2C, readonly index: number, private readonly board: SimBoard, private readonly opts: I2cBridgeOptions) {
    i2c.onStart = (repeated) => this.start(repeated);
    i2c.onConnect = (address, mode) => this.connect(address, mode);
    i2c.onWriteByte = (value) => this.writeByte(value);
    i2c.onReadByte = (ack) => this.readByte(ack);
    i2c.onStop = () => this.stop();
    raiseTxEmptyOnAbort(i2c);
    keepOddSpikeLengths(i2c);
    this.holdTxEmptyWhileOnWire();
  }

  /** A command taken from the TX FIFO is on the wire (its byte and acknowledge bit not yet done). */
  private commandOnWire = false;

  /**
   * With TX_EMPTY_CTRL set, the chip raises TX_EMPTY only once the command it
   * took from the FIFO has gone out (RP2040 datasheet, IC_CON); rp2040js
   * raises it as it takes the command. The pico-sdk's write waits for
   * TX_EMPTY and then reads the abort source, so with the bytes timed it
   * would read it before a data byte's NACK: a dropout would pass as written.
   * Held here, TX_EMPTY comes when the byte is done (`completeCommand`).
   */
  private holdTxEmptyWhileOnWire(): void {
    const controller = internals(this.i2c);
    const set = controller.setInterrupts.bind(controller);
    controller.setInterrupts = (mask: number) => {
      if (this.commandOnWire && (controller.control & TX_EMPTY_CTRL) !== 0) mask &= ~R_TX_EMPTY;
      if (mask !== 0) set(mask);
    };
  }

  /** A data byte is done on the wire: TX_EMPTY as the chip would raise it, then the controller goes on. */
  private completeCommand(complete: () => void): void {
    this.commandOnWire = false;
    const controller = internals(this.i2c);
    if ((controller.control & TX_EMPTY_CTRL) !== 0 && controller.txFIFO.itemCount <= controller.txThreshold) controller.setInterrupts(R_TX_EMPTY);
    complete();
  }

  /** What a transaction changes besides the model: the random draws, fault and bus counters. */
  private stateOf(address: number): object[] {
    const bus = this.board.i2c;
    const objs: object[] = [this.board.random, bus.stats, bus.faults];
    const model = bus.device(address);
    const faults = bus.faultsOf(address);
    if (model !== undefined) objs.push(model);
    if (faults !== undefined) objs.push(faults);
    return objs;
  }

  /** One SCL period in nanoseconds, from the controller's registers now (the firmware sets them with the baud rate). */
  private sclPeriodNanos(): number {
    const i2c = this.i2c;
    const icClks = i2c.sclHighPeriod + i2c.readUint32(IC_FS_SPKLEN) + 7 + i2c.sclLowPeriod + 1;
    return (icClks * 1e9) / (this.opts.icClkHz ?? DEFAULT_IC_CLK_HZ);
  }

  /** Run `complete` once `periods` SCL periods have passed on the wire (counted with the latest transaction). */
  private onWire(periods: number, complete: () => void): void {
    const nanos = periods * this.sclPeriodNanos();
    const tx = this.transactions[this.transactions.length - 1];
    if (tx !== undefined) tx.wireNanos += nanos;
    this.opts.after(nanos, complete);
  }

  private start(repeated: boolean): void {
    if (repeated) {
      this.finish(false);
      this.markDone();
    }
    const nanos = CONDITION_PERIODS * this.sclPeriodNanos();
    this.startNanos = nanos;
    this.opts.after(nanos, () => this.i2c.completeStart());
  }

  private connect(address: number, mode: I2CMode): void {
    const t = this.opts.sync();
    const bus = this.board.i2c;
    const op = mode === I2CMode.Read ? 'read' : 'write';
    const now = this.opts.cycles?.() ?? 0;
    const tx: I2cBridgeTransaction = { t, bus: this.index, address, op, bytes: [], result: 'ack', cycles: now, endCycles: now, wireNanos: this.startNanos, done: false };
    this.startNanos = 0;
    this.transactions.push(tx);
    const hang = bus.faults.active('hang', t);
    if (hang !== undefined) {
      try { bus.write(address, new Uint8Array(0), true); } catch { /* counted as the bus's timeout */ }
      tx.result = 'hang';
      if (op === 'write') tx.bytes = this.pendingWrite();
      const until = Math.min(hang.toMs ?? Infinity, t + (this.opts.maxHangMs ?? 1000));
      this.opts.after(Math.max(1, until - t) * 1e6, () => {
        tx.done = true;
        this.i2c.arbitrationLost();
      });
      return;
    }
    if (op === 'write') {
      // Would the address be acknowledged? Ask the bus with a probe, then undo the probe's traces.
      const undo = snapshotState(this.stateOf(address));
      let ok: boolean;
      let threw = false;
      try { ok = bus.write(address, new Uint8Array(0), true); } catch (e) { ok = false; threw = true; tx.result = failure(e); }
      if (ok) {
        undo();
        this.current = tx;
        this.written = [];
        this.completeConnect(true);
      } else {
        // What the firmware meant to write: the data commands waiting in the TX FIFO, up to the stop.
        tx.bytes = this.pendingWrite();
        // A refused address is a real failed transaction: keep it counted (a probe's NACK is not counted as an error by the bus).
        if (!threw) {
          tx.result = 'nack';
          bus.stats.errors++;
        }
        this.completeConnect(false);
      }
      return;
    }
    this.restore = snapshotState(this.stateOf(address));
    this.ahead.fill(0xff);
    try {
      bus.read(address, this.ahead, true);
    } catch (e) {
      this.restore = undefined;
      tx.result = failure(e);
      this.completeConnect(false);
      return;
    }
    this.current = tx;
    this.served = 0;
    this.completeConnect(true);
  }

  /** The address byte has gone out; its acknowledge bit ends it. */
  private completeConnect(ack: boolean): void {
    this.onWire(BYTE_PERIODS, () => this.i2c.completeConnect(ack));
  }

  private pendingWrite(): number[] {
    const items = internals(this.i2c).txFIFO.items;
    const bytes: number[] = [];
    for (const cmd of items) {
      if (cmd & 0x100) break; // a read command
      bytes.push(cmd & 0xff);
      if (cmd & 0x200) break; // STOP
    }
    return bytes;
  }

  private writeByte(value: number): void {
    this.written.push(value);
    // The controller's own `stop` flag says this byte is the last of the transfer.
    const last = internals(this.i2c).stop;
    const ack = last ? this.deliverWrite(true) : true;
    this.commandOnWire = true;
    this.onWire(BYTE_PERIODS, () => this.completeCommand(() => this.i2c.completeWrite(ack)));
  }

  private deliverWrite(stop: boolean): boolean {
    const tx = this.current;
    this.current = undefined;
    if (tx === undefined) return true;
    tx.bytes = this.written.slice();
    try {
      this.board.i2c.write(tx.address, Uint8Array.from(this.written), stop);
      return true;
    } catch (e) {
      tx.result = failure(e);
      return false;
    }
  }

  private readByte(ack: boolean): void {
    const value = this.served < READ_AHEAD ? this.ahead[this.served] : 0xff;
    this.served++;
    if (this.current !== undefined) this.current.bytes.push(value);
    if (!ack) this.finishRead(true);
    this.commandOnWire = true;
    this.onWire(BYTE_PERIODS, () => this.completeCommand(() => this.i2c.completeRead(value)));
  }

  private finishRead(stop: boolean): void {
    const tx = this.current;
    this.current = undefined;
    if (tx === undefined || this.restore === undefined) return;
    this.restore();
    this.restore = undefined;
    const replay = new Uint8Array(this.served);
    try {
      this.board.i2c.read(tx.address, replay, stop);
    } catch (e) {
      tx.result = failure(e);
      return;
    }
    for (let i = 0; i < replay.length && i < READ_AHEAD; i++) if (replay[i] !== tx.bytes[i]) this.mismatches++;
  }

  /** A transfer ends (stop, or a repeated start): deliver what is pending. */
  private finish(stop: boolean): void {
    if (this.current === undefined) return;
    if (this.current.op === 'write') this.deliverWrite(stop);
    else this.finishRead(stop);
  }

  private stop(): void {
    this.finish(true);
    this.onWire(CONDITION_PERIODS, () => {
      const last = this.transactions[this.transactions.length - 1];
      if (last !== undefined) last.endCycles = this.opts.cycles?.() ?? 0;
      this.markDone();
      this.i2c.completeStop();
    });
  }

  private markDone(): void {
    const last = this.transactions[this.transactions.length - 1];
    if (last !== undefined) last.done = true;
  }
}

/**
 * rp2040js (1.4.1) flushes the TX FIFO on an abort but leaves TX_EMPTY
 * clear. On the chip TX_EMPTY follows the FIFO's level (RP2040 datasheet,
 * IC_RAW_INTR_STAT), so a flushed FIFO raises it. The pico-sdk's write loop
 * waits for TX_EMPTY before it reads the abort source: without it a NACKed
 * write (an absent or faulty device) times out instead, leaves TX_ABRT set,
 * and the controller's next transfer, to any device, fails on that stale abort.
 */
function raiseTxEmptyOnAbort(i2c: RPI2C): void {
  const controller = internals(i2c);
  const abort = controller.abort.bind(controller);
  controller.abort = (reason: number) => {
    abort(reason);
    controller.setInterrupts(R_TX_EMPTY);
  };
}

/**
 * rp2040js (1.4.1) takes a write to IC_FS_SPKLEN only when bit 0 of the value
 * is clear (it tests the value, not IC_ENABLE, for the enable bit), so an odd
 * spike length is dropped. The pico-sdk sets it with the baud rate (lcnt / 16:
 * 11 at 400 kHz), and it is part of every SCL high period, so the bus would
 * run ~1 % fast. On the chip the register takes any nonzero value while the
 * controller is disabled.
 */
function keepOddSpikeLengths(i2c: RPI2C): void {
  const controller = internals(i2c);
  const write = controller.writeUint32.bind(controller);
  controller.writeUint32 = (offset: number, value: number) => {
    if (offset === IC_FS_SPKLEN && (controller.enable & 1) === 0 && (value & 0xff) > 0) controller.spikelen = value & 0xff;
    else write(offset, value);
  };
}
