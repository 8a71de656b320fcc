/**
 * Entry for the XS build of the simulator used by test/sim/xs.test.ts: the
 * portable runtime plus the simulated board (everything in sim/ but the CLI),
 * bundled as one plain script defining `globalThis.thingflow`.
 */
export * from '../../../runtime/index';
export {
  createSimDevice, SimBoard, BOARD_PINS, Environment, I2cBus, I2cError, DeviceFaults, parseFault,
  Tmp102Model, Mcp9808Model, Tsl2591Model, Adxl345Model, Bh1750Model, Timer, renderPlot, PlotRecorder,
} from '../../../sim/index';
