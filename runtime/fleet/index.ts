export { FleetAggregate, type FleetSnapshot, type FleetAggregateOptions } from './fleet-aggregate';
