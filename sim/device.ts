import type { VirtualClock } from '../runtime/scheduler/virtual-clock';
import { BOARD_PINS, SimBoard } from './board';
import type { EnvironmentOptions } from './environment';
import { SimAnalog } from './io/analog';
import { SimDigital } from './io/digital';
import { SimI2C } from './io/i2c';
import { SimPWM } from './io/pwm';
import { SimSMBus } from './io/smbus';
import { Adxl345Model } from './models/adxl345';
import { Bh1750Model } from './models/bh1750';
import { Mcp9808Model } from './models/mcp9808';
import { Tmp102Model } from './models/tmp102';
import { Tsl2591Model } from './models/tsl2591';
import { setTimerBoard } from './moddable-timer';

export interface SimDeviceOptions {
  clock?: VirtualClock;
  seed?: number;
  env?: EnvironmentOptions;
  /** `'standard'` puts a TSL2591 (0x29), TMP102 (0x48), MCP9808 (0x18), ADXL345 (0x53) and BH1750 (0x23) on the bus; default: none. */
  parts?: 'standard' | 'none';
}

/** The IO classes of one board, shaped like Moddable's `device.io`. */
export interface SimIoClasses {
  Digital: typeof SimDigital;
  I2C: typeof SimI2C;
  SMBus: typeof SimSMBus;
  PWM: typeof SimPWM;
  Analog: typeof SimAnalog;
}

/**
 * A simulated board shaped like Moddable's `device` global, so app code is
 * the same on both: `new device.io.Digital({ pin: device.pin.led, mode: device.io.Digital.Output })`,
 * `new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } })`.
 * `board` is the simulation side: models, faults, the environment, LED histories.
 */
export interface SimDevice {
  io: SimIoClasses;
  I2C: { default: { io: typeof SimI2C; data: number; clock: number } };
  pin: typeof BOARD_PINS;
  board: SimBoard;
}

export function createSimDevice(opts: SimDeviceOptions = {}): SimDevice {
  const board = new SimBoard({ clock: opts.clock, seed: opts.seed, env: opts.env });
  // One subclass per board binds the ECMA-419 classes to its pins and bus.
  const io: SimIoClasses = {
    Digital: class Digital extends SimDigital { static override board = board; },
    I2C: class I2C extends SimI2C { static override board = board; },
    SMBus: class SMBus extends SimSMBus { static override board = board; },
    PWM: class PWM extends SimPWM { static override board = board; },
    Analog: class Analog extends SimAnalog { static override board = board; },
  };
  if (opts.parts === 'standard') {
    board.attach(new Tsl2591Model(board.env));
    const tmp102 = new Tmp102Model(board.env);
    tmp102.alertPin = BOARD_PINS.alert;
    board.attach(tmp102);
    board.attach(new Mcp9808Model(board.env));
    board.attach(new Adxl345Model(board.env));
    board.attach(new Bh1750Model(board.env));
  }
  setTimerBoard(board);
  return {
    io,
    I2C: { default: { io: io.I2C, data: BOARD_PINS.sda, clock: BOARD_PINS.scl } },
    pin: BOARD_PINS,
    board,
  };
}
