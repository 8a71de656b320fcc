// The MQTT codec alone as one plain script for a bare XS machine (bench/mqtt/xs-codec.mjs):
// dist/bench-mqtt/codec.xs.js defines globalThis.mqttCodec.
import typescript from '@rollup/plugin-typescript';

export default {
  input: 'runtime/mqtt/codec/index.ts',
  plugins: [typescript({
    tsconfig: './tsconfig.runtime.json',
    compilerOptions: { noEmit: false, declaration: false },
    include: ['runtime/mqtt/**'],
    noEmitOnError: true,
  })],
  output: { file: 'dist/bench-mqtt/codec.xs.js', format: 'iife', name: 'mqttCodec', footer: 'globalThis.mqttCodec = mqttCodec;' },
};
