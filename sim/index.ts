/**
 * thingflow-xs/sim: a simulated board with ECMA-419 IO, register-level device
 * models, fault injection and a virtual clock, so apps and drivers written for
 * Moddable run on a desktop.
 */
export { createSimDevice, type SimDevice, type SimDeviceOptions, type SimIoClasses } from './device';
export { SimBoard, BOARD_PINS, type SimBoardOptions } from './board';
export { Environment, type EnvironmentOptions } from './environment';
export { I2cBus, I2cError, type I2cDeviceModel, type DeviceContext, type I2cErrorCode, type I2cBusStats } from './i2c-bus';
export { DeviceFaults, parseFault, checkFaultSpec, checkFaultWithin, type FaultSpec, type FaultKind, type FaultCounts } from './faults';
export { PinBank } from './pins';
export { PinHistory } from './pin-history';
export { SimDigital } from './io/digital';
export { SimI2C } from './io/i2c';
export { SimSMBus } from './io/smbus';
export { SimPWM } from './io/pwm';
export { SimAnalog } from './io/analog';
export { Tmp102Model } from './models/tmp102';
export { Mcp9808Model } from './models/mcp9808';
export { Tsl2591Model } from './models/tsl2591';
export { Adxl345Model } from './models/adxl345';
export { Bh1750Model } from './models/bh1750';
export { default as Timer } from './moddable-timer';
export { SeededRandom } from './seeded-random';
export { parseDuration, formatDuration } from './duration';
export { runSimulation, type SimApp, type SimAppContext, type SimRunOptions, type SimRunResult, type SimProgress } from './run';
export { PlotRecorder, type TrackOptions } from './plot-recorder';
export { renderPlot, type PlotSpec, type PlotPanel, type PlotSeries } from './plot';
export { SimOptionsError, checkRunBounds, MAX_RUN_MS, MIN_SPEED, MAX_SPEED } from './run-bounds';
export { simLivePage, type SimLivePage } from './live-page';
export { SimLiveState, LiveRequestError, type SimLiveOptions } from './live-state';
export { simLiveRoutes } from './live-routes';
