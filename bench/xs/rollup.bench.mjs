// Bundles for `npm run bench:xs` (bench/xs-footprint.mjs), written to dist/bench-xs/:
// - app-map-running-avg.js: an app using only map + runningAvg (tree-shaking check);
// - app-from-index.js: the same app importing the runtime's index;
// - rxjs.js: RxJS 7's es2015 build (Subject, map, scan) as one plain script for XS.
// All are IIFEs like dist/thingflow.xs.js, not minified, so sizes compare like for like.
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';

const ts = () => typescript({
  tsconfig: './bench/xs/tsconfig.json',
  compilerOptions: { noEmit: false, declaration: false },
  include: ['runtime/**', 'bench/xs/**'],
  noEmitOnError: true,
});

const app = (name) => ({
  input: `bench/xs/${name}.ts`,
  plugins: [ts()],
  output: { file: `dist/bench-xs/${name}.js`, format: 'iife', name: 'app', footer: 'globalThis.app = app;' },
});

export default [
  app('app-map-running-avg'),
  app('app-from-index'),
  {
    input: 'bench/xs/rxjs-entry.mjs',
    plugins: [nodeResolve({ exportConditions: ['es2015'], mainFields: ['es2015', 'module', 'main'] })],
    output: { file: 'dist/bench-xs/rxjs.js', format: 'iife', name: 'rx', footer: 'globalThis.rx = rx;' },
  },
];
