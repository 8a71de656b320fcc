/** MQTT 3.1.1 for thingflow: codec, client (over a host transport), and the MQTT things. */
export * from './codec/index';
export { MqttProtocolError, MqttEncodeError, MqttConnectionRefused, MqttPacketTooLarge } from './errors';
export { topicMatches, topicFilterProblem, topicNameProblem, matchedTopicFilter } from './topic-filter';
export { MqttClient, type MqttClientOptions, type MqttClientEvent, type MqttClientState, type MqttClientStats, type MqttWill, type MqttDropReason } from './client/mqtt-client';
export { setDefaultMqttNetwork, defaultMqttNetwork, type MqttNetwork, type Transport, type TransportHandler, type TimerHandle, type MqttNetworkLimits } from './client/network';
export { OutgoingQueue, type DropPolicy, type OutgoingMessage } from './client/outgoing-queue';
export { JobTimer } from './client/job-timer';
export { KeepAliveMonitor, KEEPALIVE_OK, KEEPALIVE_PING, KEEPALIVE_DEAD } from './client/keep-alive';
export { MqttWriter, type MqttWriterOptions } from './mqtt-writer';
export { MqttReader, type MqttReaderOptions } from './mqtt-reader';
export { encodeEventJson, decodeEventJson, toPythonJson } from './event-json';
