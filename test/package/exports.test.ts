/**
 * The public contract of ../shared/API.md, checked on the built package the
 * way a user gets it: `import 'thingflow-xs'` (ESM, through package.json
 * `exports`), `thingflow-xs/sim`, the .d.ts types, and dist/thingflow.xs.js.
 * `npm test` builds before it runs the tests.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

const root = join(__dirname, '..', '..');

const CORE = ['OutputThing', 'Filter', 'SensorAsOutputThing', 'fromIterable', 'FatalError', 'Scheduler', 'VirtualClock'];
const MQTT = ['MqttClient', 'MqttWriter', 'MqttReader'];
const WOT = ['Thing', 'Property', 'Value', 'Action', 'Event', 'SingleThing', 'MultipleThings'];
const HOST_ONLY = ['WebThingServer', 'NodeClock'];
const FLUENT = ['map', 'where', 'filter', 'scan', 'reduce', 'take', 'skip', 'takeLast', 'first', 'last', 'some',
  'runningAvg', 'bufferWithCount', 'bufferWithTime', 'bufferWithTimeOrCount', 'timeout', 'transduce', 'dispatch',
  'select', 'passthrough', 'output', 'outputCount'];

/** Run an ESM snippet with Node from the package root, so `thingflow-xs` resolves to this package. */
function esm(code: string): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out);
}

describe('the built package', () => {
  test("import 'thingflow-xs' gives API.md's names, fluent filters included", () => {
    const seen = esm(`
      import * as tf from 'thingflow-xs';
      const proto = Object.getOwnPropertyNames(tf.OutputThing.prototype);
      console.log(JSON.stringify({ names: Object.keys(tf), proto }));
    `) as { names: string[]; proto: string[] };
    expect(seen.names).toEqual(expect.arrayContaining([...CORE, ...MQTT, ...WOT, ...HOST_ONLY]));
    expect(seen.proto).toEqual(expect.arrayContaining(FLUENT));
  });

  test('on Node the package root gives the scheduler a real-time clock by default', () => {
    const seen = esm(`
      import { Scheduler, NodeClock } from 'thingflow-xs';
      console.log(JSON.stringify(new Scheduler().clock instanceof NodeClock));
    `);
    expect(seen).toBe(true);
  });

  test("import 'thingflow-xs/sim' gives the simulated board and its models", () => {
    const seen = esm(`
      import * as sim from 'thingflow-xs/sim';
      console.log(JSON.stringify(Object.keys(sim)));
    `) as string[];
    expect(seen).toEqual(expect.arrayContaining(['createSimDevice', 'Tmp102Model', 'Mcp9808Model', 'Adxl345Model']));
    expect(seen.some((n) => n === 'Tsl2591Model' || n === 'Bh1750Model')).toBe(true);
  });

  test('the .d.ts types let an app type-check against the package (module augmentation included)', () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'esnext', '--moduleResolution', 'bundler',
      '--target', 'es2022', '--skipLibCheck', '--types', 'node', join(__dirname, 'fixtures/consumer.ts')], { cwd: root, encoding: 'utf8' });
  });

  test('dist/thingflow.xs.js is one plain script: no imports, no host globals, defines globalThis.thingflow', () => {
    const source = readFileSync(join(root, 'dist/thingflow.xs.js'), 'utf8');
    expect(source).not.toMatch(/^\s*import\s|\brequire\(|\bimport\(/m);
    // A context with nothing but ECMA-262: no console, process, setTimeout, TextEncoder.
    const context = vm.createContext(Object.create(null));
    vm.runInContext(source, context);
    const tf = vm.runInContext('globalThis.thingflow', context);
    const names = Object.keys(tf);
    expect(names).toEqual(expect.arrayContaining([...CORE, ...MQTT, ...WOT]));
    for (const hostOnly of HOST_ONLY) expect(names).not.toContain(hostOnly);
    const proto = vm.runInContext('Object.getOwnPropertyNames(thingflow.OutputThing.prototype)', context);
    expect(Array.from(proto)).toEqual(expect.arrayContaining(FLUENT));
  });
});
