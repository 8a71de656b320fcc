/**
 * Entry for the XS side of the three-way lux demo test: the portable runtime,
 * the simulated board, and the lux demo app itself (examples/lux-demo.ts),
 * bundled as one plain script defining `globalThis.thingflow`. The demo's
 * Node bindings (loaded only for --mqtt/--wot-port) stay out of the bundle.
 */
export * from '../../../runtime/index';
export { createSimDevice, BOARD_PINS } from '../../../sim/index';
export { default as luxDemo } from '../../../examples/lux-demo';
