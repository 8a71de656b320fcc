/**
 * thingflow-xs runtime: portable ECMA-262, no Node or Moddable imports.
 * This is also what dist/thingflow.xs.js exposes as `globalThis.thingflow`.
 */
export * from './core/index';
export * from './scheduler/index';
export * from './filters/index';
export * from './wot/index';
export * from './sensors/index';
export * from './mqtt/index';
export * from './outbound/index';
export * from './wot-mqtt/index';
export * from './fleet/index';
export * from './trace/index';
export * from './record/index';
export * from './async/index';
export * from './edges/index';
export * from './store/index';
