/** MQTT 3.1.1 for thingflow: codec, client (over a host transport), and the MQTT things. */
export * from './codec/index';
export { MqttProtocolError, MqttEncodeError, MqttConnectionRefused } from './errors';
export { topicMatches, topicFilterProblem, topicNameProblem, matchedTopicFilter } from './topic-filter';
export { MqttClient, type MqttClientOptions, type MqttClientEvent, type MqttClientState, type MqttClientStats, type MqttWill } from './client/mqtt-client';
export { setDefaultMqttNetwork, defaultMqttNetwork, type MqttNetwork, type Transport, type TransportHandler, type TimerHandle } from './client/network';
export { OutgoingQueue, type DropPolicy, type OutgoingMessage } from './client/outgoing-queue';
export { KeepAliveMonitor, KEEPALIVE_OK, KEEPALIVE_PING, KEEPALIVE_DEAD } from './client/keep-alive';
export { MqttWriter, type MqttWriterOptions } from './mqtt-writer';
export { MqttReader, type MqttReaderOptions } from './mqtt-reader';
export { encodeEventJson, decodeEventJson, toPythonJson } from './event-json';
