/**
 * Entry for the XS side of the three-way lux demo test: the portable runtime,
 * the simulated board, and the lux demo as a board runs it
 * (examples/lux-demo-flow.ts), bundled as one plain script defining
 * `globalThis.thingflow`.
 */
export * from '../../../runtime/index';
export { createSimDevice, BOARD_PINS } from '../../../sim/index';
export { default as luxDemo } from '../../../examples/lux-demo-flow';
