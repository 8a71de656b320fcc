export { FleetAggregate, type FleetSnapshot, type FleetAggregateOptions } from './fleet-aggregate';
export { fleetDeviceIdentity, type FleetDeviceIdentity } from './fleet-device-identity';
