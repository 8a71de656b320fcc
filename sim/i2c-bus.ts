import type { Environment } from './environment';
import { DeviceFaults } from './faults';
import type { SeededRandom } from './seeded-random';

/** What a device model sees of the board it is attached to. */
export interface DeviceContext {
  /** Simulated milliseconds since the run started. */
  now(): number;
  readonly env: Environment;
  readonly faults: DeviceFaults;
  readonly random: SeededRandom;
  /** Drive a board pin from the part (an open-drain ALERT line): 0 pulls low, undefined releases it. */
  drivePin(pin: number, level: 0 | 1 | undefined): void;
}

/**
 * A part on the I2C bus, modelled at register level: it receives the bytes of
 * each transaction after its address was acknowledged, like the silicon does.
 */
export interface I2cDeviceModel {
  /** Lower-case part name, used in fault specs and summaries: `tmp102`. */
  readonly name: string;
  readonly defaultAddress: number;
  /** Called once when the model is attached to a board. */
  bind(ctx: DeviceContext): void;
  /** The data bytes of one write transaction. */
  write(data: Uint8Array): void;
  /** One read transaction: fill `into`. */
  read(into: Uint8Array): void;
}

export type I2cErrorCode = 'nack' | 'dropout' | 'timeout';

/** A failed bus transaction. `code` says why: no acknowledge, a corrupted transfer, or a hung bus. */
export class I2cError extends Error {
  constructor(readonly code: I2cErrorCode, readonly address: number, op: 'read' | 'write') {
    super(
      code === 'nack' ? `I2C ${op} failed: no device acknowledged address 0x${address.toString(16)} (NACK)`
        : code === 'dropout' ? `I2C ${op} to 0x${address.toString(16)} failed: transfer error`
          : `I2C ${op} to 0x${address.toString(16)} failed: bus timeout (a device holds the bus)`,
    );
    this.name = 'I2cError';
  }
}

export interface I2cBusStats {
  transactions: number;
  errors: number;
  bytesWritten: number;
  bytesRead: number;
  /** Transactions that ended without a stop bit (a repeated start follows). */
  repeatedStarts: number;
}

interface Attached {
  model: I2cDeviceModel;
  faults: DeviceFaults;
}

/** One I2C bus with its devices, on two named pins. */
export class I2cBus {
  readonly stats: I2cBusStats = { transactions: 0, errors: 0, bytesWritten: 0, bytesRead: 0, repeatedStarts: 0 };
  /** Bus-level faults (a hung bus). */
  readonly faults: DeviceFaults;
  private readonly devices = new Map<number, Attached>();

  constructor(
    readonly data: number,
    readonly clock: number,
    private readonly now: () => number,
    private readonly env: Environment,
    private readonly random: SeededRandom,
    private readonly drivePin: (pin: number, level: 0 | 1 | undefined) => void = () => {},
  ) {
    this.faults = new DeviceFaults(random);
  }

  attach(model: I2cDeviceModel, address = model.defaultAddress): DeviceFaults {
    if (!Number.isInteger(address) || address < 0 || address > 127) throw new RangeError(`invalid I2C address ${address}`);
    if (this.devices.has(address)) {
      throw new RangeError(`address 0x${address.toString(16)} is already taken by ${this.devices.get(address)!.model.name}`);
    }
    const faults = new DeviceFaults(this.random);
    model.bind({ now: this.now, env: this.env, faults, random: this.random, drivePin: this.drivePin });
    this.devices.set(address, { model, faults });
    return faults;
  }

  /** The device at `address`, if one is attached. */
  device(address: number): I2cDeviceModel | undefined {
    return this.devices.get(address)?.model;
  }

  /** Faults of the device at `address` (or found by part name). */
  faultsOf(target: number | string): DeviceFaults | undefined {
    if (typeof target === 'number') return this.devices.get(target)?.faults;
    for (const d of this.devices.values()) if (d.model.name === target) return d.faults;
    return undefined;
  }

  /** Attached devices by address, for summaries. */
  entries(): { address: number; model: I2cDeviceModel; faults: DeviceFaults }[] {
    return [...this.devices].map(([address, d]) => ({ address, model: d.model, faults: d.faults }));
  }

  /**
   * A write transaction. A zero-length write is an address probe: it returns
   * false on NACK instead of throwing (as Moddable's I2C does).
   */
  write(address: number, data: Uint8Array, stop: boolean): boolean {
    const d = this.begin(address, 'write', data.length === 0, stop);
    if (!d) return false;
    this.stats.bytesWritten += data.length;
    if (data.length > 0) d.model.write(data);
    return true;
  }

  read(address: number, into: Uint8Array, stop: boolean): void {
    const d = this.begin(address, 'read', false, stop)!;
    d.model.read(into);
    this.stats.bytesRead += into.length;
  }

  private begin(address: number, op: 'read' | 'write', probe: boolean, stop: boolean): Attached | undefined {
    this.stats.transactions++;
    if (!stop) this.stats.repeatedStarts++;
    const now = this.now();
    if (this.faults.strikes('hang', now)) return this.fail('timeout', address, op);
    const d = this.devices.get(address);
    if (!d || d.faults.strikes('nack', now)) {
      if (probe) return undefined;
      return this.fail('nack', address, op);
    }
    if (d.faults.strikes('dropout', now)) return this.fail('dropout', address, op);
    return d;
  }

  private fail(code: I2cErrorCode, address: number, op: 'read' | 'write'): never {
    this.stats.errors++;
    throw new I2cError(code, address, op);
  }
}
