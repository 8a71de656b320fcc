/**
 * Entry for the XS side of the three-way board app tests: the portable
 * runtime, the simulated board (and its garage door), and the apps as a
 * board runs them (examples/lux-demo-flow.ts, examples/door-detector-flow.ts,
 * examples/button-toggle.ts, examples/grow-light.ts),
 * bundled as one plain script defining `globalThis.thingflow`.
 */
export * from '../../../runtime/index';
export { createSimDevice, BOARD_PINS } from '../../../sim/index';
export { doorWeek, mountOnDoor } from '../../../sim/scenarios/door';
export { default as luxDemo } from '../../../examples/lux-demo-flow';
export { default as doorDetector } from '../../../examples/door-detector-flow';
export { default as buttonToggle } from '../../../examples/button-toggle';
export { default as growLight } from '../../../examples/grow-light';
