/** Web Things over MQTT: a device side binding and a gateway that serves proxies of every device. */
export * from './topics';
export { MqttThingBinding, type MqttThingBindingOptions } from './mqtt-thing-binding';
export { ProxyThing, CONNECTED_PROPERTY, type ProxyUplink } from './proxy-thing';
export { MqttThingGateway, type MqttThingGatewayOptions, type MqttThingGatewayStats } from './mqtt-thing-gateway';
