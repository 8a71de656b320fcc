/**
 * The I2C bridge against rp2040js's real I2C controller, driven through its
 * registers as the pico-sdk drives them (no firmware needed, so this runs
 * always): a register write then a repeated-start read gets the bytes the
 * model gives for that transaction; a missing device or a NACK fault aborts
 * with ABRT_7B_ADDR_NOACK; a dropout on a write NACKs its last byte; a hung
 * bus holds the transfer until the hang ends, then the controller loses
 * arbitration.
 */
import { Simulator, type RPI2C } from 'rp2040js';
import { createSimDevice } from '../../sim/index';
import { I2cBridge } from '../../sim/emulator/i2c-bridge';

const IC_TAR = 0x04;
const IC_DATA_CMD = 0x10;
const IC_RAW_INTR_STAT = 0x34;
const IC_CLR_TX_ABRT = 0x54;
const IC_FS_SCL_HCNT = 0x1c;
const IC_FS_SCL_LCNT = 0x20;
const IC_ENABLE = 0x6c;
const IC_STATUS = 0x70;
const IC_FS_SPKLEN = 0xa0;
const STATUS_ACTIVITY = 1 << 0;
const IC_RXFLR = 0x78;
const IC_TX_ABRT_SOURCE = 0x80;
const CMD_READ = 1 << 8;
const STOP = 1 << 9;
const RESTART = 1 << 10;
const R_TX_EMPTY = 1 << 4;
const R_TX_ABRT = 1 << 6;
const ABRT_7B_ADDR_NOACK = 1 << 0;
const ABRT_TXDATA_NOACK = 1 << 3;
const ARB_LOST = 1 << 12;

function setup(seed = 3) {
  const sim = new Simulator();
  const device = createSimDevice({ seed, parts: 'standard' });
  const i2c = sim.rp2040.i2c[0];
  const bridge = new I2cBridge(i2c, 0, device.board, {
    sync: () => {
      const target = sim.clock.nanos / 1e6;
      if (target > device.board.clock.elapsed) device.board.clock.advance(target - device.board.clock.elapsed);
      return device.board.now();
    },
    after: (nanos, fn) => sim.clock.createAlarm(fn).schedule(nanos),
  });
  sdkInit(i2c);
  return { sim, device, i2c, bridge };
}

/** Run the emulated clock, bus event by bus event, until `done` or `maxNanos` have passed (the pico-sdk polls meanwhile). */
function waitFor(sim: Simulator, done: () => boolean, maxNanos = 5e6): void {
  const until = sim.clock.nanos + maxNanos;
  while (!done() && sim.clock.nanos < until) sim.clock.tick(Math.min(sim.clock.nanosToNextAlarm, until - sim.clock.nanos));
}

/** The controller has finished (its STOP is out) or aborted. */
function settled(i2c: RPI2C): boolean {
  return (i2c.readUint32(IC_STATUS) & STATUS_ACTIVITY) === 0 || (i2c.readUint32(IC_RAW_INTR_STAT) & R_TX_ABRT) !== 0;
}

const IC_CON = 0x00;
/** What the pico-sdk's i2c_init sets: fast mode, master, slave disabled, restarts, TX_EMPTY when a command is done. */
const CON_SDK = (2 << 1) | (1 << 0) | (1 << 6) | (1 << 5) | (1 << 8);
const IC_CLR_STOP_DET = 0x60;
const IC_TXFLR = 0x74;
const R_STOP_DET = 1 << 9;

/** The controller after the pico-sdk's i2c_init (the baud-rate counts left at their reset values). */
function sdkInit(i2c: RPI2C): void {
  i2c.writeUint32(IC_ENABLE, 0);
  i2c.writeUint32(IC_CON, CON_SDK);
}

/**
 * The pico-sdk's i2c_write_blocking_internal (2.2.0), step for step: each
 * command written, then TX_EMPTY awaited before the abort source is read;
 * after an abort or the last byte, STOP_DET awaited. Returns the abort
 * reason it saw (0: none). The emulated clock runs while it polls, bounded
 * as the SDK's timeout bounds it.
 */
function sdkWrite(sim: Simulator, i2c: RPI2C, address: number, bytes: number[], nostop: boolean): number {
  i2c.writeUint32(IC_ENABLE, 0);
  i2c.writeUint32(IC_TAR, address);
  i2c.writeUint32(IC_ENABLE, 1);
  const raw = () => i2c.readUint32(IC_RAW_INTR_STAT);
  for (let i = 0; i < bytes.length; i++) {
    const last = i === bytes.length - 1;
    i2c.writeUint32(IC_DATA_CMD, bytes[i] | (last && !nostop ? STOP : 0));
    waitFor(sim, () => (raw() & R_TX_EMPTY) !== 0);
    const reason = i2c.readUint32(IC_TX_ABRT_SOURCE);
    if (reason !== 0) i2c.readUint32(IC_CLR_TX_ABRT);
    if (reason !== 0 || (last && !nostop)) {
      waitFor(sim, () => (raw() & R_STOP_DET) !== 0);
      i2c.readUint32(IC_CLR_STOP_DET);
    }
    if (reason !== 0) return reason & 0x1ffff;
  }
  return 0;
}

/** The pico-sdk's i2c_read_blocking_internal: a read command per byte, each byte awaited (or an abort). */
function sdkRead(sim: Simulator, i2c: RPI2C, address: number, length: number, restart: boolean): { rx: number[]; abort: number } {
  i2c.writeUint32(IC_ENABLE, 0);
  i2c.writeUint32(IC_TAR, address);
  i2c.writeUint32(IC_ENABLE, 1);
  const rx: number[] = [];
  for (let i = 0; i < length; i++) {
    waitFor(sim, () => i2c.readUint32(IC_TXFLR) < 16);
    i2c.writeUint32(IC_DATA_CMD, CMD_READ | (i === 0 && restart ? RESTART : 0) | (i === length - 1 ? STOP : 0));
    let abort = 0;
    waitFor(sim, () => {
      if (i2c.readUint32(IC_RAW_INTR_STAT) & R_TX_ABRT) {
        abort = i2c.readUint32(IC_TX_ABRT_SOURCE) & 0x1ffff;
        i2c.readUint32(IC_CLR_TX_ABRT);
      }
      return abort !== 0 || i2c.readUint32(IC_RXFLR) > 0;
    });
    if (abort !== 0) return { rx, abort };
    if (i2c.readUint32(IC_RXFLR) === 0) return { rx, abort: 0 }; // the SDK's timeout
    rx.push(i2c.readUint32(IC_DATA_CMD) & 0xff);
  }
  return { rx, abort: 0 };
}

/** A register write then a repeated-start read, as Moddable's SMBus makes them through the SDK. */
function transfer(sim: Simulator, i2c: RPI2C, address: number, write: number[], readLength: number): { rx: number[]; abort: number } {
  if (write.length > 0) {
    const abort = sdkWrite(sim, i2c, address, write, readLength > 0);
    if (abort !== 0 || readLength === 0) return { rx: [], abort };
  }
  return sdkRead(sim, i2c, address, readLength, write.length > 0);
}

describe('I2C bridge: rp2040js controller ↔ simulated bus, byte by byte', () => {
  test('a transfer takes its time on the wire: bytes complete one SCL period x 9 apart, at the rate the controller is set to', () => {
    const { sim, i2c, bridge } = setup();
    // The pico-sdk's i2c_set_baudrate(400 kHz) at clk_sys 125 MHz: period 313, low 3/5 of it, spike length low / 16.
    i2c.writeUint32(IC_FS_SCL_HCNT, 126);
    i2c.writeUint32(IC_FS_SCL_LCNT, 187);
    i2c.writeUint32(IC_FS_SPKLEN, 11);
    expect(i2c.readUint32(IC_FS_SPKLEN)).toBe(11); // rp2040js alone drops an odd value
    // DW_apb_i2c (RP2040 datasheet 4.3.14): SCL high HCNT + SPKLEN + 7, low LCNT + 1 ic_clk cycles: 332 at 125 MHz.
    const periodNs = (126 + 11 + 7 + 187 + 1) * 8;
    i2c.writeUint32(IC_TAR, 0x48);
    i2c.writeUint32(IC_ENABLE, 1);
    const start = sim.clock.nanos;
    i2c.writeUint32(IC_DATA_CMD, 0x01); // TMP102 pointer, then a repeated-start read of 2
    i2c.writeUint32(IC_DATA_CMD, CMD_READ | RESTART);
    i2c.writeUint32(IC_DATA_CMD, CMD_READ | STOP);
    // On the wire: START, address, pointer, RESTART, address, 2 data bytes, STOP.
    expect(i2c.readUint32(IC_STATUS) & STATUS_ACTIVITY).toBe(STATUS_ACTIVITY);
    expect(i2c.readUint32(IC_RXFLR)).toBe(0);
    sim.clock.tick((1 + 9 + 9 + 1 + 9 + 9) * periodNs - 1);
    expect(i2c.readUint32(IC_RXFLR)).toBe(0);
    sim.clock.tick(1);
    expect(i2c.readUint32(IC_RXFLR)).toBe(1); // the first data byte, not yet the second
    sim.clock.tick(9 * periodNs);
    expect(i2c.readUint32(IC_RXFLR)).toBe(2);
    expect(i2c.readUint32(IC_STATUS) & STATUS_ACTIVITY).toBe(STATUS_ACTIVITY); // the STOP is still to come
    sim.clock.tick(periodNs);
    expect(i2c.readUint32(IC_STATUS) & STATUS_ACTIVITY).toBe(0);
    expect(sim.clock.nanos - start).toBe(48 * periodNs);
    expect(bridge.transactions.map((t) => [t.op, t.bytes, t.result])).toEqual([['write', [0x01], 'ack'], ['read', [0x60, 0xa0], 'ack']]);
    // Each transaction's time on the wire: its (repeated) start, address and bytes, the stop with the last.
    expect(bridge.transactions.map((t) => t.wireNanos / periodNs)).toEqual([1 + 9 + 9, 1 + 9 + 9 + 9 + 1]);
  });

  test('TX_EMPTY (with the SDK\'s TX_EMPTY_CTRL) rises when the byte is done on the wire, not when it leaves the FIFO', () => {
    const { sim, i2c } = setup();
    i2c.writeUint32(IC_TAR, 0x48);
    i2c.writeUint32(IC_ENABLE, 1);
    const txEmpty = () => (i2c.readUint32(IC_RAW_INTR_STAT) & R_TX_EMPTY) !== 0;
    i2c.writeUint32(IC_DATA_CMD, 0x01 | STOP); // TMP102 pointer write
    waitFor(sim, () => i2c.readUint32(IC_TXFLR) === 0); // taken from the FIFO: start and address are out
    expect(txEmpty()).toBe(false); // its byte is still on the wire
    waitFor(sim, txEmpty);
    expect(i2c.readUint32(IC_STATUS) & STATUS_ACTIVITY).toBe(STATUS_ACTIVITY); // the stop follows
    // Without TX_EMPTY_CTRL, TX_EMPTY follows the FIFO level alone (rp2040js as it is).
    i2c.writeUint32(IC_ENABLE, 0);
    i2c.writeUint32(IC_CON, CON_SDK & ~(1 << 8));
    i2c.writeUint32(IC_ENABLE, 1);
    waitFor(sim, () => settled(i2c));
    i2c.writeUint32(IC_DATA_CMD, 0x01 | STOP);
    waitFor(sim, () => i2c.readUint32(IC_TXFLR) === 0);
    expect(txEmpty()).toBe(true);
  });

  test('a TMP102 register read (write pointer, repeated start, read 2) gets the bytes the model gives that transaction', () => {
    const { sim, i2c, device, bridge } = setup();
    const twin = createSimDevice({ seed: 3, parts: 'standard' });
    const expected = new Uint8Array(2);
    twin.board.i2c.write(0x48, Uint8Array.of(0x01), false);
    twin.board.i2c.read(0x48, expected, true);
    const { rx, abort } = transfer(sim, i2c, 0x48, [0x01], 2);
    expect(abort).toBe(0);
    expect(rx).toEqual([...expected]);
    expect(rx).toEqual([0x60, 0xa0]); // TMP102 CONFIG power-on value, MSB first
    expect(device.board.i2c.stats).toEqual(twin.board.i2c.stats);
    expect(bridge.mismatches).toBe(0);
    expect(bridge.transactions.map((t) => [t.address, t.op, t.bytes, t.result])).toEqual([[0x48, 'write', [0x01], 'ack'], [0x48, 'read', [0x60, 0xa0], 'ack']]);
  });

  test('TSL2591: the auto-incrementing pointer moves by the bytes really read, not by the read-ahead', () => {
    const { sim, i2c, device } = setup();
    expect(transfer(sim, i2c, 0x29, [0xa0 | 0x12], 1).rx).toEqual([0x50]); // ID
    // Two one-byte reads without a pointer write continue at 0x13, 0x14: as on the chip.
    const twin = createSimDevice({ seed: 3, parts: 'standard' });
    const one = new Uint8Array(1);
    twin.board.i2c.write(0x29, Uint8Array.of(0xa0 | 0x12), false);
    twin.board.i2c.read(0x29, one, true);
    const next = [new Uint8Array(1), new Uint8Array(1)];
    for (const b of next) twin.board.i2c.read(0x29, b, true);
    expect([transfer(sim, i2c, 0x29, [], 1).rx[0], transfer(sim, i2c, 0x29, [], 1).rx[0]]).toEqual([next[0][0], next[1][0]]);
    expect(device.board.i2c.stats.transactions).toBe(twin.board.i2c.stats.transactions);
  });

  test('no device at the address: the controller aborts with ABRT_7B_ADDR_NOACK, the bus counts the error', () => {
    const { sim, i2c, device } = setup();
    const { rx, abort } = transfer(sim, i2c, 0x50, [0x00], 0);
    expect(rx).toEqual([]);
    expect(abort & ABRT_7B_ADDR_NOACK).toBe(ABRT_7B_ADDR_NOACK);
    expect(device.board.i2c.stats.errors).toBe(1);
  });

  test('a NACK fault on the TMP102 reaches the controller as an address NACK, for writes and reads', () => {
    const { sim, i2c, device, bridge } = setup();
    device.board.fault('tmp102', 'nack');
    expect(transfer(sim, i2c, 0x48, [0x00], 0).abort & ABRT_7B_ADDR_NOACK).toBe(ABRT_7B_ADDR_NOACK);
    expect(transfer(sim, i2c, 0x48, [], 2).abort & ABRT_7B_ADDR_NOACK).toBe(ABRT_7B_ADDR_NOACK);
    // The refused write shows the byte the firmware meant to send (still in the TX FIFO), as the simulator's log does.
    expect(bridge.transactions.map((t) => [t.result, t.bytes])).toEqual([['nack', [0x00]], ['nack', []]]);
    expect(device.board.i2c.faultsOf('tmp102')!.counts.nack).toBe(2);
  });

  test('an aborted write leaves TX_EMPTY set, as the chip does: the pico-sdk sees the NACK, clears it, and the next transfer works', () => {
    const { sim, i2c, device } = setup();
    // A NACK for the first transaction, a dropout on the third (the second is the next write's address probe).
    device.board.fault('tmp102', { kind: 'nack', fromMs: 0 });
    device.board.fault('tmp102', { kind: 'dropout', fromMs: 0 });
    const faults = device.board.i2c.faultsOf('tmp102')!;
    const strikes = faults.strikes.bind(faults);
    let calls = 0;
    faults.strikes = (kind, now) => {
      const call = kind === 'nack' ? calls++ : calls - 1;
      return (kind === 'nack' ? call === 0 : call === 2) && strikes(kind, now);
    };
    // The pico-sdk's i2c_write_blocking_internal: one command, then wait for TX_EMPTY before reading the abort
    // source. Were TX_EMPTY left clear, it would time out instead, leave TX_ABRT set, and fail the next transfer.
    i2c.writeUint32(IC_ENABLE, 0);
    i2c.writeUint32(IC_TAR, 0x48);
    i2c.writeUint32(IC_ENABLE, 1);
    i2c.writeUint32(IC_DATA_CMD, 0x01); // the register pointer of a writeRead: no STOP
    waitFor(sim, () => settled(i2c));
    expect(i2c.readUint32(IC_RAW_INTR_STAT) & (R_TX_EMPTY | R_TX_ABRT)).toBe(R_TX_EMPTY | R_TX_ABRT);
    expect(i2c.readUint32(IC_TX_ABRT_SOURCE) & ABRT_7B_ADDR_NOACK).toBe(ABRT_7B_ADDR_NOACK);
    i2c.readUint32(IC_CLR_TX_ABRT);
    // A data byte's NACK (a dropout on the write) too.
    i2c.writeUint32(IC_DATA_CMD, 0x01 | STOP);
    waitFor(sim, () => settled(i2c));
    expect(i2c.readUint32(IC_RAW_INTR_STAT) & (R_TX_EMPTY | R_TX_ABRT)).toBe(R_TX_EMPTY | R_TX_ABRT);
    expect(i2c.readUint32(IC_TX_ABRT_SOURCE) & ABRT_TXDATA_NOACK).toBe(ABRT_TXDATA_NOACK);
    i2c.readUint32(IC_CLR_TX_ABRT);
    expect(transfer(sim, i2c, 0x48, [0x01], 2)).toEqual({ rx: [0x60, 0xa0], abort: 0 });
  });

  test('a dropout on a write: the last data byte is not acknowledged (ABRT_TXDATA_NOACK)', () => {
    const { sim, i2c, device } = setup();
    // The address probe passes (the dropout strikes from the second transaction on).
    device.board.fault('tmp102', { kind: 'dropout', fromMs: 0 });
    const faults = device.board.i2c.faultsOf('tmp102')!;
    const strikes = faults.strikes.bind(faults);
    let calls = 0;
    faults.strikes = (kind, now) => (kind === 'dropout' ? calls++ > 0 && strikes(kind, now) : strikes(kind, now));
    const { abort } = transfer(sim, i2c, 0x48, [0x01, 0x60, 0xa0], 0);
    expect(abort & ABRT_TXDATA_NOACK).toBe(ABRT_TXDATA_NOACK);
  });

  test('a hung bus holds the transfer until the hang ends, then the controller loses arbitration', () => {
    const { sim, i2c, device, bridge } = setup();
    device.board.fault('bus', { kind: 'hang', fromMs: 0, toMs: 20 });
    const first = transfer(sim, i2c, 0x48, [], 2);
    expect(first).toEqual({ rx: [], abort: 0 }); // nothing completes while the bus hangs
    sim.clock.tick(25e6);
    expect(i2c.readUint32(IC_TX_ABRT_SOURCE) & ARB_LOST).toBe(ARB_LOST);
    i2c.readUint32(IC_CLR_TX_ABRT);
    expect(bridge.transactions[0].result).toBe('hang');
    expect(device.board.i2c.stats.errors).toBe(1);
    // After the hang the bus answers again.
    expect(transfer(sim, i2c, 0x48, [0x01], 2).rx).toEqual([0x60, 0xa0]);
  });
});
