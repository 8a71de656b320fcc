/**
 * A scenario is written once and run on two engines: on Node against the
 * TypeScript runtime, and in a real XS machine against dist/thingflow.xs.js
 * (where `tf` is `globalThis.thingflow`). Its output lines must be identical.
 *
 * Rules for scenario files, because on XS they are transpiled and evaluated as
 * a plain script with no module loader:
 * - import only types (`import type`); reach the runtime through `tf`;
 * - print with `out` only values whose text is engine-independent (numbers,
 *   JSON, our own error names and messages; not engine TypeError messages).
 */
import type * as Runtime from '../../runtime/index';

export type ThingflowRuntime = typeof Runtime;
export type Out = (line: string) => void;
export type Scenario = (tf: ThingflowRuntime, out: Out) => void;
export type ScenarioTable = Record<string, Scenario>;
