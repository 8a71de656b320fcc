/**
 * The package root on Node: the whole portable runtime plus Node's bindings
 * (a real-time clock as the scheduler's default).
 */
import { setDefaultClock } from '../../runtime/scheduler/clock';
import { NodeClock } from './clock';
import { setDefaultMqttNetwork } from '../../runtime/mqtt/client/network';
import { nodeMqttNetwork } from './mqtt-tcp';

setDefaultClock(() => new NodeClock());
setDefaultMqttNetwork(nodeMqttNetwork);

export * from '../../runtime/index';
export { NodeClock } from './clock';
export { WebThingServer, type WebThingServerOptions } from './wot-server';
export { nodeMqttNetwork } from './mqtt-tcp';
export { startEmbeddedBroker, openMqttUplink, type EmbeddedBroker, type EmbeddedBrokerOptions } from './mqtt-broker';
export { FileLineSink, FileLineSource, fileLineSink, fileLineSource, recordingKindOf, type FileLineSinkOptions, type FileLineSourceOptions } from './line-file';
export { openSqliteStore, SqliteTimeSeriesDriver, type SqliteStoreOptions } from './sqlite-store';
export { openPostgresStore, PostgresTimeSeriesDriver, type PostgresStoreOptions } from './postgres-store';
