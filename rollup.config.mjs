// Two kinds of output:
// - dist/*.js: the ESM package for Node (package root = runtime + Node host bindings), plus the sim and CLI.
// - dist/thingflow.xs.js: runtime/ alone as one plain script for a bare XS engine (globalThis.thingflow).
import typescript from '@rollup/plugin-typescript';
import { builtinModules } from 'node:module';
import pkg from './package.json' with { type: 'json' };

const external = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.devDependencies ?? {}),
];
const isExternal = (id) => external.some((e) => id === e || id.startsWith(`${e}/`));

const ts = () => typescript({ tsconfig: './tsconfig.json', compilerOptions: { noEmit: false, declaration: false, types: ['node'] }, include: ['runtime/**', 'hosts/node/**', 'sim/**', 'tools/**'], noEmitOnError: true });

export default [
  {
    input: {
      index: 'hosts/node/index.ts',
      runtime: 'runtime/index.ts',
      sim: 'sim/index.ts',
      cli: 'sim/cli.ts',
    },
    external: isExternal,
    plugins: [ts()],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
  },
  {
    input: 'runtime/index.ts',
    plugins: [ts()],
    output: {
      file: 'dist/thingflow.xs.js',
      format: 'iife',
      name: 'thingflow',
      // A plain script: `var thingflow` at top level is already a global, this makes it explicit.
      footer: 'globalThis.thingflow = thingflow;',
    },
  },
];
