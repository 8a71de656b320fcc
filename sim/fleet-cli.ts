/**
 * `thingflow-xs fleet <app> --devices 1000 --broker embedded|mqtt://host:port`: run a fleet of
 * simulated boards (sim/fleet.ts), with a progress line, a summary and a plot. Arguments are read
 * by `util.parseArgs` in strict mode, as `sim`'s are.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setErrorReporter } from '../runtime/core/report-error';
import { parseStrict, UsageError } from './cli-args';
import { formatDuration, parseDuration } from './duration';
import { loadAppModule } from './load-app';
import { runFleet, type FleetApp, type FleetOptions, type FleetProgress, type FleetResult } from './fleet';

export const FLEET_HELP = `Usage: thingflow-xs fleet <app> [options]

Runs <app> on every board of a simulated fleet: each board its own clock, scheduler, device models
(its own seed and weather) and MQTT client (its own client id, a persistent session, a last will
on things/{thingId}/availability). <app>'s default export receives
{ index, id, thingId, device, board, scheduler, clock, mqtt, countSent }; examples/fleet-device.ts
is one. Prints a progress line, then a summary; writes an SVG plot of the fleet.

Options:
  --devices <n>        boards in the fleet, 1 to 10000 (default 100)
  --broker <target>    embedded (an MQTT broker in this process) or mqtt://host[:port] (default embedded)
  --duration <time>    simulated time, with a unit: 30m, 2h, 1d (default 1h)
  --speed <n>          simulated seconds per real second, 1 to 100000 (default 60)
  --seed <n>           seed of the boards' weather and noise (default 1)
  --kill-broker <when> stop the embedded broker for a while: <from>+<length>, e.g. 20m+2m (repeatable)
  --drop-device <spec> cut one board's network: <n>@<from>+<length>, e.g. 4@10m+5m (board n counts from 1; repeatable)
  --flaky <fraction>   this fraction of the boards loses its network for 30 s of every 10 min (e.g. 0.1)
  --plot <file.svg>    where to write the plot (default out/fleet.svg)
  --no-plot            do not write a plot
  --quiet              no progress line
  -h, --help           this help

Exit codes: 0 the run completed and lost nothing; 1 messages were lost, a device never connected,
or the run could not start; 2 a usage error.
`;

const OPTIONS = {
  devices: { type: 'string' },
  broker: { type: 'string' },
  duration: { type: 'string' },
  speed: { type: 'string' },
  seed: { type: 'string' },
  'kill-broker': { type: 'string', multiple: true },
  'drop-device': { type: 'string', multiple: true },
  flaky: { type: 'string' },
  plot: { type: 'string' },
  'no-plot': { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface FleetCliArgs {
  app: string;
  options: FleetOptions;
  plot: string | undefined;
  quiet: boolean;
}

function span(text: string, flag: string): number {
  try {
    return parseDuration(text, { requireUnit: true });
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
}

function whole(text: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, got '${text}'`);
  return n;
}

/** `<from>+<length>` within the run. */
function window(text: string, flag: string, durationMs: number): { atMs: number; forMs: number } {
  const m = /^([^+]+)\+(.+)$/.exec(text);
  if (!m) throw new UsageError(`${flag} takes <from>+<length> (e.g. 20m+2m), got '${text}'`);
  const atMs = span(m[1], flag);
  const forMs = span(m[2], flag);
  if (atMs >= durationMs) throw new UsageError(`${flag} ${text} starts at or after the end of the ${formatDuration(durationMs)} run`);
  if (forMs <= 0) throw new UsageError(`${flag} ${text} lasts no time`);
  return { atMs, forMs };
}

/** Read `fleet <app> [options]`; `'help'` when help was asked for. */
export function parseFleetArgs(argv: string[]): FleetCliArgs | 'help' {
  const args = argv[0] === 'fleet' ? argv.slice(1) : argv;
  if (args.length === 0) return 'help';
  const parsed = parseStrict(args, OPTIONS);
  const v = parsed.values;
  if (v.help) return 'help';
  const [app, ...extra] = parsed.positionals;
  if (!app) throw new UsageError('no app given (thingflow-xs fleet <app.ts> [options])');
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}': one app at a time, and every option starts with --`);
  if (v.plot !== undefined && v['no-plot']) throw new UsageError('--plot and --no-plot contradict each other: give one');
  const devices = v.devices !== undefined ? whole(v.devices, '--devices', 1, 10_000) : 100;
  const broker = v.broker ?? 'embedded';
  if (broker !== 'embedded' && !/^mqtt:\/\/[^/\s]+\/?$/.test(broker)) throw new UsageError(`--broker takes embedded or mqtt://host[:port], got '${broker}'`);
  const durationMs = v.duration !== undefined ? span(v.duration, '--duration') : 3_600_000;
  if (durationMs <= 0 || durationMs > 31 * 86_400_000) throw new UsageError(`--duration must be more than 0 and at most 31d, got '${v.duration}'`);
  const speed = v.speed !== undefined ? Number(v.speed) : 60;
  if (!(speed >= 1 && speed <= 100_000)) throw new UsageError(`--speed takes a number from 1 to 100000, got '${v.speed}'`);
  const brokerOutages = (v['kill-broker'] ?? []).map((w) => window(w, '--kill-broker', durationMs));
  if (brokerOutages.length > 0 && broker !== 'embedded') throw new UsageError('--kill-broker needs --broker embedded (stop an external broker yourself)');
  const networkOutages = (v['drop-device'] ?? []).map((spec) => {
    const m = /^(\d+)@(.+)$/.exec(spec);
    if (!m) throw new UsageError(`--drop-device takes <n>@<from>+<length> (e.g. 4@10m+5m), got '${spec}'`);
    const n = whole(m[1], '--drop-device', 1, devices);
    return { device: n - 1, ...window(m[2], '--drop-device', durationMs) };
  });
  let flaky: FleetOptions['flaky'];
  if (v.flaky !== undefined) {
    const f = Number(v.flaky);
    if (!(f > 0 && f <= 1)) throw new UsageError(`--flaky takes a fraction of the fleet, more than 0 and at most 1, got '${v.flaky}'`);
    flaky = { fraction: f };
  }
  return {
    app,
    options: {
      devices, broker, durationMs, speed, seed: v.seed !== undefined ? whole(v.seed, '--seed', 0, 0xffff_ffff) : 1,
      brokerOutages, networkOutages, flaky,
    },
    plot: v['no-plot'] ? undefined : v.plot ?? 'out/fleet.svg',
    quiet: v.quiet === true,
  };
}

export function fleetProgressLine(p: FleetProgress): string {
  const pct = Math.floor((p.simulatedMs / p.durationMs) * 100);
  return `fleet ${formatDuration(p.simulatedMs)} of ${formatDuration(p.durationMs)} (${pct}%)  ${p.connected}/${p.devices} connected  ${p.sent.toLocaleString('en-US')} sent  ${p.received.toLocaleString('en-US')} received`;
}

export function formatFleetSummary(r: FleetResult): string {
  const lines = [
    `Fleet of ${r.devices} boards, ${formatDuration(r.durationMs)} simulated in ${(r.realMs / 1000).toFixed(1)} s`,
    `  all connected in     ${(r.connectAllMs / 1000).toFixed(1)} s`,
    `  readings             ${r.sent.toLocaleString('en-US')} sent, ${r.received.toLocaleString('en-US')} received at the broker (${Math.round(r.messagesPerSecond).toLocaleString('en-US')}/s), ${r.duplicates} QoS 1 duplicates`,
    `  lost                 ${r.lost}${r.dropped ? ` (and ${r.dropped} dropped by full device queues, counted)` : ''}`,
    `  reconnects           ${r.reconnects}`,
    `  memory               ${(r.heapPerDeviceBytes / 1024).toFixed(1)} KiB of JS heap per board (board, models, runtime, MQTT client)` +
      (r.heapMeasuredAfterGc ? '' : ', approximate: run node with --expose-gc for a measured figure'),
  ];
  for (const rec of r.recoveries) {
    lines.push(`  after the outage at ${formatDuration(rec.afterOutageAt)}: every board back within ${(rec.backWithinMs / 1000).toFixed(1)} s, peak ${Math.round(rec.peakReconnectsPerSecond)} reconnects/s`);
  }
  return lines.join('\n');
}

/** Run the fleet command; resolves to the exit code. */
export async function fleetMain(argv: string[]): Promise<number> {
  const args = parseFleetArgs(argv);
  if (args === 'help') {
    process.stdout.write(FLEET_HELP);
    return 0;
  }
  const app = await loadAppModule<FleetApp>(args.app);
  const tty = process.stdout.isTTY === true;
  let errors = 0;
  setErrorReporter(() => { errors++; });
  let result: FleetResult;
  try {
    result = await runFleet(app, {
      ...args.options,
      log: (m) => process.stdout.write(`${tty ? '\r' : ''}${m}\n`),
      progressEveryMs: tty ? 250 : 5000,
      onProgress: args.quiet ? undefined : (p) => process.stdout.write(tty ? `\r${fleetProgressLine(p)}` : `${fleetProgressLine(p)}\n`),
    });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    process.stderr.write(`thingflow-xs: the fleet could not run: ${(e as Error).message}\n`);
    return 1;
  } finally {
    setErrorReporter(undefined);
  }
  if (tty) process.stdout.write('\n');
  process.stdout.write(`${formatFleetSummary(result)}\n`);
  if (errors > 0) process.stdout.write(`  errors reported      ${errors} (read failures, refused requests...)\n`);
  if (args.plot) {
    const path = resolve(args.plot);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, result.svg);
    process.stdout.write(`Plot written to ${path}\n`);
  }
  return result.lost > 0 ? 1 : 0;
}
