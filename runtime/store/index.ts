export {
  SensorEventStoreMapping, checkMapping, rowProblem, SQL_NAME,
  type StoreMapping, type StoreColumn, type StoreColumnType,
} from './store-mapping';
export type { TimeSeriesDriver, Done } from './store-driver';
export { StoreWriter, BadRowError, type StoreWriterOptions } from './store-writer';
export { StoreReader, type StoreReaderOptions } from './store-reader';
