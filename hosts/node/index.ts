/**
 * The package root on Node: the whole portable runtime plus Node's bindings
 * (a real-time clock as the scheduler's default).
 */
import { setDefaultClock } from '../../runtime/scheduler/clock';
import { NodeClock } from './clock';

setDefaultClock(() => new NodeClock());

export * from '../../runtime/index';
export { NodeClock } from './clock';
export { WebThingServer, type WebThingServerOptions } from './wot-server';
