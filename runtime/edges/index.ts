export { DigitalEdgeSource, type DigitalEdgeSourceOptions, type DigitalInput, type DigitalInputClass } from './digital-edge-source';
