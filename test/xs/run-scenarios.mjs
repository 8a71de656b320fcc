/**
 * Child process used by the jest helper (xs-scenarios.ts): runs scenarios in
 * real XS machines and writes their output as JSON on stdout.
 *
 * stdin: { bundle: path of dist/thingflow.xs.js, script: scenario file as a
 *          plain script that leaves its table in globalThis.__scenarios,
 *          names: scenario names, bare?: delete xsnap's host globals first,
 *          frozen?: freeze the runtime's classes and their prototypes after it loads,
 *          as a Moddable preload leaves them: an assignment that shadows a method throws there }
 * stdout: { results: { [name]: string[] } }
 *
 * Each scenario gets a fresh XS machine, so one cannot leak state into another.
 */
import { readFileSync } from 'node:fs';
import { startXsWorker } from './xsnap-worker.mjs';

/** Globals xsnap adds to a plain XS machine; a "bare" run removes them before the bundle loads. */
const XSNAP_HOST_GLOBALS = ['setImmediate', 'gc', 'issueCommand', 'performance', 'currentMeterLimit', 'resetMeter', 'TextDecoder', 'TextEncoder', 'Base64', 'harden', 'print'];

function readStdin() {
  return readFileSync(0, 'utf8');
}

async function runOne(job, bundleText, name) {
  const xs = await startXsWorker({ name: `scenario-${name.replace(/[^A-Za-z0-9_.-]/g, '-')}` });
  try {
    // Keep TextEncoder for the reply channel under another name, then drop host globals.
    await xs.evaluate(`globalThis.__encoder = new TextEncoder();`);
    if (job.bare) {
      await xs.evaluate(XSNAP_HOST_GLOBALS.map((g) => `delete globalThis.${g};`).join('\n'));
      const check = await xs.worker.evaluate(`globalThis.__encoder.encode(JSON.stringify(${JSON.stringify(XSNAP_HOST_GLOBALS)}.filter((g) => g in globalThis))).buffer`);
      const left = new TextDecoder().decode(check.reply);
      if (left !== '[]') throw new Error(`could not remove xsnap host globals: ${left}`);
    }
    await xs.evaluate(bundleText);
    if (job.frozen) {
      await xs.evaluate(`for (const name of Object.keys(globalThis.thingflow)) {
        const v = globalThis.thingflow[name];
        if (typeof v === 'function') { if (v.prototype) Object.freeze(v.prototype); Object.freeze(v); }
      }`);
    }
    await xs.evaluate(job.script);
    const { worker } = xs;
    const run = `(function () {
      var lines = [];
      try {
        var scenario = globalThis.__scenarios[${JSON.stringify(name)}];
        if (typeof scenario !== 'function') throw new Error('no scenario named ' + ${JSON.stringify(name)});
        scenario(globalThis.thingflow, function (line) { lines.push(String(line)); });
      } catch (e) {
        lines.push('THREW ' + (e && e.name) + ': ' + (e && e.message));
      }
      return globalThis.__encoder.encode(JSON.stringify(lines)).buffer;
    })()`;
    const { reply } = await worker.evaluate(run);
    return JSON.parse(new TextDecoder().decode(reply));
  } finally {
    await xs.close();
  }
}

const job = JSON.parse(readStdin());
const bundleText = readFileSync(job.bundle, 'utf8');
const results = {};
// A few XS machines at a time: each scenario still gets its own.
const PARALLEL = 4;
let next = 0;
async function lane() {
  while (next < job.names.length) {
    const name = job.names[next++];
    try {
      results[name] = await runOne(job, bundleText, name);
    } catch (e) {
      results[name] = [`XS FAILED: ${e && e.message}`];
    }
  }
}
await Promise.all(Array.from({ length: PARALLEL }, lane));
process.stdout.write(JSON.stringify({ results }));
