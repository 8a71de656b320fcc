// The MQTT runtime (client included) as one plain script for a bare XS machine (bench/mqtt/xs-client.mjs):
// dist/bench-mqtt/client.xs.js defines globalThis.mqttRuntime.
import typescript from '@rollup/plugin-typescript';

export default {
  input: 'runtime/mqtt/index.ts',
  plugins: [typescript({
    tsconfig: './tsconfig.runtime.json',
    compilerOptions: { noEmit: false, declaration: false },
    include: ['runtime/**'],
    noEmitOnError: true,
  })],
  output: { file: 'dist/bench-mqtt/client.xs.js', format: 'iife', name: 'mqttRuntime', footer: 'globalThis.mqttRuntime = mqttRuntime;' },
};
