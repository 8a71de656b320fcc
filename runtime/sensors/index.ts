export { TMP102, type Tmp102Config } from './tmp102';
export { MCP9808, type Mcp9808Config } from './mcp9808';
export { TSL2591, type Tsl2591Config, type Tsl2591Gain } from './tsl2591';
export { ADXL345, type Adxl345Config } from './adxl345';
export { BH1750, type Bh1750Config } from './bh1750';
export { DigitalOutput, type DigitalOutputOptions, type DigitalClass, type DigitalIo } from './digital-output';
export { ecma419Source, type Ecma419SourceOptions } from './ecma419-source';
export type { SMBusIo, SMBusClass, SensorDriverOptions, I2CIo, I2CClass, I2CSensorDriverOptions } from './bus-types';
