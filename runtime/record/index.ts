export { pythonFloat, pythonNumber, parsePythonFloat, utcIsoFormat } from './python-text';
export { formatCsvRecord, parseCsvRecord, csvField, CSV_INCOMPLETE, CSV_LINE_END, type CsvCell } from './csv-line';
export { SensorEventRowMapping, sensorEventRowMapping, describeEvent, type EventRowMapping } from './event-row-mapping';
export {
  CsvRecordFormat, JsonLinesFormat, csvFormat, jsonLinesFormat, sensorEventJsonMapping,
  type RecordFormat, type EventJsonMapping,
} from './record-format';
export { MemoryLines, type LineSink, type LineSource } from './line-io';
export { RecordWriter, type RecordWriterOptions } from './record-writer';
export { ReplaySource, ReplayLineError, type ReplayOptions } from './replay-source';
