/**
 * dist/thingflow.xs.js needs nothing but ECMA-262: it evaluates and runs the
 * lux example in an XS machine from which every xsnap host global (print,
 * TextEncoder, setImmediate, performance, gc, harden, ...) has been deleted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarios as core } from '../scenarios/core';
import { scenarios as filters } from '../scenarios/filters';
import { scenarios as scheduler } from '../scenarios/scheduler';
import { runOnNode, runOnXs, xsBundlePath } from './xs-scenarios';

const LUX = 'the lux example: sensor → map → runningAvg(5) → map(threshold) → LED';
const DAY = 'a day of the lux sensor: one wake per minute, 1440 wakes';
const EXPORTS = 'the runtime exports the same names on both engines';

// Which globals the code needs is proven by running it in the bare machine below; a text search
// cannot tell (the WoT page's browser script is a string inside the bundle).
test('the bundle is one plain script: no import, export or require', () => {
  const text = readFileSync(xsBundlePath(), 'utf8');
  expect(text).not.toMatch(/^\s*(import|export)\s/m);
  expect(text).not.toMatch(/\brequire\s*\(/);
  expect(text).toMatch(/globalThis\.thingflow = thingflow;\s*$/);
});

test('in a bare XS machine the bundle evaluates, defines globalThis.thingflow and runs the lux example', () => {
  const luxOnXs = runOnXs(join(__dirname, '../scenarios/filters.ts'), [LUX], { bare: true })[LUX];
  expect(luxOnXs).toEqual(runOnNode(filters, LUX));
  expect(luxOnXs).toContain('LED stream completed');
  const dayOnXs = runOnXs(join(__dirname, '../scenarios/scheduler.ts'), [DAY], { bare: true })[DAY];
  expect(dayOnXs).toEqual(runOnNode(scheduler, DAY));
}, 120_000);

// A Moddable build preloads the runtime: its classes and prototypes are frozen at link time, so an
// instance that assigns over a method (`this.onNext = ...`) throws "not writable" there, on a board,
// while Node and an unfrozen XS machine accept it. Freezing them here catches that class of bug.
test('with the runtime frozen as a Moddable preload leaves it, the lux example and a day still run', () => {
  const luxOnXs = runOnXs(join(__dirname, '../scenarios/filters.ts'), [LUX], { bare: true, frozen: true })[LUX];
  expect(luxOnXs).toEqual(runOnNode(filters, LUX));
  const dayOnXs = runOnXs(join(__dirname, '../scenarios/scheduler.ts'), [DAY], { bare: true, frozen: true })[DAY];
  expect(dayOnXs).toEqual(runOnNode(scheduler, DAY));
}, 120_000);

test('globalThis.thingflow on XS has exactly the exports of runtime/index on Node', () => {
  const onXs = runOnXs(join(__dirname, '../scenarios/core.ts'), [EXPORTS], { bare: true })[EXPORTS];
  const onNode = runOnNode(core, EXPORTS);
  expect(onXs).toEqual(onNode);
  expect(onXs).toContain('OutputThing: function');
  expect(onXs).toContain('Scheduler: function');
  expect(onXs).toContain('runningAvg: function');
}, 120_000);
