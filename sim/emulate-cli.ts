/**
 * `thingflow-xs emulate <firmware.uf2>`: boot a firmware image that
 * `thingflow-xs firmware` built in an emulated Raspberry Pi Pico whose I2C bus
 * and pins are the simulated board (sim/emulate.ts), print what its console
 * says and what its pins do as it happens, then a summary and a plot. Arguments
 * are read by `util.parseArgs` in strict mode, as `sim`'s are.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseStrict, readDuration, readFaults, readPresses, readSeed, readSpeed, readStart, UsageError } from './cli-args';
import { faultLines } from './cli-summary';
import { formatDuration, parseDuration } from './duration';
import { RP2040_CLOCK_HZ } from './emulator/rp2040-host';
import { CYW43_GPIO_BASE_PIN } from './emulator/cyw43';
import { emulateFirmware, type EmulatedEvent, type EmulatedPins, type EmulateResult } from './emulate';
import { FirmwareImageError } from './emulator/firmware-image';
import { checkRunBounds, formatSpan, realTimeEstimateMs, SimOptionsError } from './run-bounds';

export const EMULATE_HELP = `Usage: thingflow-xs emulate <firmware.uf2> [options]

Boots <firmware.uf2> (built by thingflow-xs firmware pico <app>: out/firmware/<app>.pico.uf2) in an
emulated Raspberry Pi Pico (rp2040js: an RP2040 at 125 MHz) whose I2C buses are the simulated board
(TSL2591 0x29, TMP102 0x48, MCP9808 0x18, ADXL345 0x53, BH1750 0x23) and whose GPIOs are its pins.
Prints the firmware's console and every GPIO it drives as they happen, then a summary (LED time,
I2C traffic, how long the core slept), and writes an SVG plot of the LEDs against the simulated
day. Board time starts at reset: the firmware's boot is part of the run.

Options:
  --bootrom <file>    the RP2040's B1 bootrom, which rp2040js does not ship: its repository's
                      demo/bootrom.ts, or a 16 KB .bin (default: $RP2040_BOOTROM)
  --target <board>    the board the image was built for: pico, pico/pico_w, pico/<board> (default:
                      from the file name, <app>.<target with - for />.uf2, else pico); its GPIOs
                      for the LED, the TMP102's ALERT and the button come from manifests/boards.json
  --duration <time>   emulated time to run, with a unit: 10m, 2h, 30s (default 10m; the emulator
                      runs about 100 times faster than real time while the firmware sleeps)
  --start <HH:MM>     time of day at reset (default 00:00)
  --seed <n>          seed for clouds and sensor noise, 0 to 4294967295 (default 1)
  --fault <spec>      inject a fault, as thingflow-xs sim takes it; repeatable. e.g. --fault tsl2591:nack@1m-3m
  --press <time>[,<time>...]
                      a finger presses the board's button at each time after reset; repeatable
  --relay <port>[=<host>:<port>]
                      a Pico W's TCP connections to its Wi-Fi gateway's port (10.0.0.1:<port>) reach
                      <host>:<port> on this machine (default localhost, the same port): an MQTT
                      broker, say; repeatable. Build the image for it: mqtt.host=10.0.0.1
  --forward <port>[=<board port>]
                      a Pico W's server (its Web Thing, say) on 127.0.0.1:<port> here: each connection
                      reaches the board's port (default the same) through the gateway; repeatable.
                      Unpaced, the emulation runs as fast as it can: give it a --duration long
                      enough for your client (a busy Pico W runs at a few times real time), or
                      pace it (--realtime)
  --wifi-away <from>-<to>
                      a Pico W's access point is off the air over that span of board time (1m-3m;
                      0s-2m: at power-up): a joined board loses its link, and joins meanwhile find
                      no network; repeatable
  --speed <n|max>     emulated seconds per real second, 0.01 to 1000000, or max (default max: as
                      fast as the emulator goes). Paced, the board's clock keeps to this machine's:
                      --speed 1 for a client of its Web Thing (its timeouts are then real seconds)
  --realtime          same as --speed 1
  --i2c               also print every I2C transaction (address, direction, bytes, result)
  --plot <file.svg>   where to write the plot (default out/<firmware>.svg)
  --no-plot           do not write a plot
  --quiet             no progress line
  -h, --help          this help

rp2040js emulates the RP2040 only: an RP2350 image (pico2, pico/pico_2_w) is refused. A
pico/pico_w image runs with a model of its CYW43 radio: the driver brings it up, the LED on it
works, and it joins a Wi-Fi network of any name, where a gateway at 10.0.0.1 gives it 10.0.0.2
by DHCP, resolves every name to itself, tells the simulated day's time (SNTP) and relays the TCP
ports --relay names to this machine.

Exit codes: 0 the run completed; 1 the firmware halted (a panic or a fault) or could not be loaded;
2 a usage error; 130 stopped by Ctrl-C before its end.
`;

const OPTIONS = {
  bootrom: { type: 'string' },
  target: { type: 'string' },
  duration: { type: 'string' },
  start: { type: 'string' },
  seed: { type: 'string' },
  fault: { type: 'string', multiple: true },
  press: { type: 'string', multiple: true },
  relay: { type: 'string', multiple: true },
  forward: { type: 'string', multiple: true },
  'wifi-away': { type: 'string', multiple: true },
  speed: { type: 'string' },
  realtime: { type: 'boolean' },
  i2c: { type: 'boolean' },
  plot: { type: 'string' },
  'no-plot': { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface EmulateCliArgs {
  firmware: string;
  bootrom: string;
  target: string;
  durationMs: number;
  startHour: number;
  seed: number;
  faults: string[];
  presses: number[];
  /** The gateway's TCP ports relayed to this machine: port → host and port. */
  relays: Map<number, { host: string; port: number }>;
  /** Ports here (127.0.0.1) forwarded to the board's ports: local port → board port. */
  forwards: Map<number, number>;
  /** Spans of board time when the Wi-Fi access point is off the air, in order. */
  wifiAway: { fromMs: number; toMs: number }[];
  /** Emulated seconds per real second; Infinity: unpaced. */
  speed: number;
  i2c: boolean;
  plot: string | undefined;
  quiet: boolean;
}

const DEFAULT_DURATION_MS = 600_000;
/** A month of emulated time: far beyond any patience at ~100x, but a bound. */
const MAX_DURATION_MS = 31 * 86_400_000;

/** Read `emulate <firmware.uf2> [options]`; `'help'` when help was asked for. */
export function parseEmulateArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): EmulateCliArgs | 'help' {
  const args = argv[0] === 'emulate' ? argv.slice(1) : argv;
  if (args.length === 0) return 'help';
  const parsed = parseStrict(args, OPTIONS);
  const v = parsed.values;
  if (v.help) return 'help';
  const [firmware, ...extra] = parsed.positionals;
  if (!firmware) throw new UsageError('no firmware given (thingflow-xs emulate <firmware.uf2> [options])');
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}': one firmware at a time, and every option starts with --`);
  if (extname(firmware) !== '.uf2') {
    throw new UsageError(`emulate boots a built image (.uf2), got '${firmware}': build it first, e.g. thingflow-xs firmware pico ${firmware} (it writes out/firmware/<app>.pico.uf2)`);
  }
  if (!existsSync(firmware)) throw new UsageError(`no such file: ${firmware}`);
  if (v.plot !== undefined && v['no-plot']) throw new UsageError('--plot and --no-plot contradict each other: give one');
  const bootrom = v.bootrom ?? env.RP2040_BOOTROM ?? '';
  if (bootrom === '') {
    throw new UsageError('no bootrom: give --bootrom <file> or set RP2040_BOOTROM (the RP2040\'s B1 bootrom, which rp2040js does not ship: demo/bootrom.ts in its repository, github.com/wokwi/rp2040js, or a 16 KB .bin)');
  }
  if (!existsSync(bootrom)) throw new UsageError(`${v.bootrom !== undefined ? '--bootrom' : 'RP2040_BOOTROM'}: no such file: ${bootrom}`);
  const target = v.target ?? targetFromName(firmware);
  if (target !== 'pico' && !target.startsWith('pico/')) throw new UsageError(`--target: the emulator is an RP2040, so pico or pico/<board>, got '${target}'`);
  const durationMs = v.duration !== undefined ? readDuration(v.duration) : DEFAULT_DURATION_MS;
  if (durationMs <= 0 || durationMs > MAX_DURATION_MS) throw new UsageError(`--duration must be more than 0 and at most 31d, got '${v.duration}'`);
  const faults = readFaults(v.fault ?? [], durationMs);
  if (v.speed !== undefined && v.realtime) throw new UsageError('--speed and --realtime contradict each other: give one');
  const speed = v.realtime ? 1 : v.speed !== undefined ? readSpeed(v.speed) : Infinity;
  try {
    checkRunBounds(durationMs, speed);
  } catch (e) {
    throw new UsageError(`--speed: ${(e as Error).message}`);
  }
  return {
    firmware,
    bootrom,
    target,
    durationMs,
    startHour: v.start !== undefined ? readStart(v.start) : 0,
    seed: v.seed !== undefined ? readSeed(v.seed) : 1,
    faults,
    presses: readPresses(v.press ?? [], durationMs),
    relays: readRelays(v.relay ?? []),
    forwards: readForwards(v.forward ?? []),
    wifiAway: readWifiAway(v['wifi-away'] ?? [], durationMs),
    speed,
    i2c: v.i2c === true,
    plot: v['no-plot'] ? undefined : v.plot ?? `out/${basename(firmware, '.uf2')}.svg`,
    quiet: v.quiet === true,
  };
}

/** `text`, a TCP port in `option`'s `value`: a whole number from 1 to 65535, else a usage error naming both. */
function portArg(option: string, value: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new UsageError(`${option} ${value}: a port from 1 to 65535, got '${text}'`);
  return n;
}

/** `--relay 1883`, `--relay 1883=localhost:18830`, `--relay 80=192.168.1.5:8080`. */
export function readRelays(values: string[]): Map<number, { host: string; port: number }> {
  const relays = new Map<number, { host: string; port: number }>();
  const portOf = (text: string, value: string) => portArg('--relay', value, text);
  for (const value of values) {
    const m = /^([^=]*)(?:=(.*):([^:]*))?$/.exec(value);
    if (m === null || (value.includes('=') && m[2] === undefined)) throw new UsageError(`--relay takes <port> or <port>=<host>:<port>, got '${value}'`);
    const gatewayPort = portOf(m[1], value);
    if (relays.has(gatewayPort)) throw new UsageError(`--relay ${gatewayPort} is given twice`);
    relays.set(gatewayPort, m[2] === undefined ? { host: 'localhost', port: gatewayPort } : { host: m[2] === '' ? 'localhost' : m[2], port: portOf(m[3], value) });
  }
  return relays;
}

/** `--wifi-away 1m-3m`: the access point is off the air from 1 to 3 minutes after reset (`0s-2m`: at power-up); spans in order, none overlapping. */
export function readWifiAway(values: string[], durationMs: number): { fromMs: number; toMs: number }[] {
  const spans = values.map((value) => {
    const m = /^([^-]+)-([^-]+)$/.exec(value.trim());
    if (m === null) throw new UsageError(`--wifi-away takes <from>-<to>, times after reset with a unit (1m-3m), got '${value}'`);
    let fromMs: number, toMs: number;
    try {
      fromMs = parseDuration(m[1], { requireUnit: true });
      toMs = parseDuration(m[2], { requireUnit: true });
    } catch (e) {
      throw new UsageError(`--wifi-away ${value}: ${(e as Error).message}`);
    }
    if (!(toMs > fromMs)) throw new UsageError(`--wifi-away ${value}: the access point must come back after it goes (${m[2]} is not after ${m[1]})`);
    if (fromMs >= durationMs) throw new UsageError(`--wifi-away ${value}: starts after the run ends (${formatDuration(durationMs)})`);
    return { fromMs, toMs };
  }).sort((a, b) => a.fromMs - b.fromMs);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].fromMs < spans[i - 1].toMs) throw new UsageError('--wifi-away: the spans overlap; give each outage once');
  }
  return spans;
}

/** `--forward 18080` (the same port here and on the board), `--forward 8080=18080` (here=board). */
export function readForwards(values: string[]): Map<number, number> {
  const forwards = new Map<number, number>();
  const portOf = (text: string, value: string) => portArg('--forward', value, text);
  for (const value of values) {
    const m = /^([^=]+)(?:=(.+))?$/.exec(value);
    if (m === null) throw new UsageError(`--forward takes <port> or <port here>=<board port>, got '${value}'`);
    const local = portOf(m[1], value);
    if (forwards.has(local)) throw new UsageError(`--forward ${local} is given twice`);
    forwards.set(local, m[2] === undefined ? local : portOf(m[2], value));
  }
  return forwards;
}

/** `lux-demo.pico-pico_w.uf2` → `pico/pico_w` (tools/firmware-env.ts `firmwareStem`); `pico` when the name says no board. */
export function targetFromName(file: string): string {
  const stem = basename(file, '.uf2');
  const dot = stem.lastIndexOf('.');
  const tail = dot < 0 ? '' : stem.slice(dot + 1);
  if (tail === 'pico') return 'pico';
  if (tail.startsWith('pico-')) return `pico/${tail.slice(5)}`;
  return 'pico';
}

interface BoardsManifest {
  platforms: { [target: string]: { config?: { led?: number; alert?: number; button?: number } } };
}

/** The target's GPIOs from manifests/boards.json: its own section, else the plain pico's (as mcconfig falls back). */
export function pinsForTarget(target: string, packageRoot: string): EmulatedPins {
  const boards = JSON.parse(readFileSync(join(packageRoot, 'manifests', 'boards.json'), 'utf8')) as BoardsManifest;
  const own = boards.platforms[target]?.config ?? {};
  const pico = boards.platforms.pico?.config ?? {};
  const pin = (name: 'led' | 'alert' | 'button'): number => {
    const n = own[name] ?? pico[name];
    if (typeof n !== 'number') throw new Error(`manifests/boards.json gives ${target} no ${name} pin`);
    return n;
  };
  const led = pin('led');
  // An LED past the RP2040's GPIO29 is on a Pico W's CYW43 radio (pico_w.h): Moddable's pins from 32 are the radio's GPIOs.
  return { led, alert: pin('alert'), button: pin('button'), radio: led >= CYW43_GPIO_BASE_PIN ? 'cyw43' : undefined };
}

/** `GPIO25 (LED)`, `CYW43 GPIO0 (LED)` (Moddable's pin 32, on a Pico W's radio), `GPIO7`. */
function gpioName(gpio: number, pins: EmulatedPins): string {
  const name = pins.radio !== undefined && gpio >= CYW43_GPIO_BASE_PIN ? `CYW43 GPIO${gpio - CYW43_GPIO_BASE_PIN}` : `GPIO${gpio}`;
  return gpio === pins.led ? `${name} (LED)` : name;
}

/** `HH:MM:SS.mmm` of the simulated day. */
export function clockMs(startHour: number, t: number): string {
  const ms = Math.round(startHour * 3_600_000 + t) % 86_400_000;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** One event as a line: the time of day, then what happened. */
export function eventLine(e: EmulatedEvent, startHour: number, pins: EmulatedPins): string {
  const at = clockMs(startHour, e.t);
  if (e.kind === 'console') return `${at}  ${e.line}`;
  if (e.kind === 'gpio') return `${at}  ${gpioName(e.gpio, pins)} ${e.level ? 'high' : 'low'}`;
  const tx = e.tx;
  const bytes = tx.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${at}  i2c${tx.bus} 0x${tx.address.toString(16).padStart(2, '0')} ${tx.op} [${bytes}] ${tx.result}, ${Math.round(tx.wireNanos / 1000)} µs on the wire`;
}

/**
 * A Pico W's TCP connections to the gateway, one clause per port and outcome in the order first made,
 * with how many: a board retries a refused broker every few seconds, and each try is not news.
 */
function tcpSummary(connections: readonly { port: number; accepted: boolean }[], relays: EmulateCliArgs['relays']): string {
  const seen = new Map<string, { port: number; accepted: boolean; n: number }>();
  for (const c of connections) {
    const key = `${c.port} ${c.accepted}`;
    const s = seen.get(key);
    if (s === undefined) seen.set(key, { port: c.port, accepted: c.accepted, n: 1 });
    else s.n++;
  }
  return [...seen.values()].map(({ port, accepted, n }) => {
    const to = relays.get(port);
    return accepted
      ? `TCP to 10.0.0.1:${port} relayed to ${to?.host}:${to?.port}${n === 1 ? '' : ` (${n} connections)`}`
      : `TCP to 10.0.0.1:${port} refused${n === 1 ? '' : ` ${n} times`} (no --relay for it)`;
  }).join('; ');
}

/** What the run did, for people. */
export function formatEmulationSummary(r: EmulateResult, a: Pick<EmulateCliArgs, 'seed' | 'target' | 'relays'>, pins: EmulatedPins): string {
  const real = `${(r.realMs / 1000).toFixed(1)} s real time`;
  const pace = r.realMs >= 100 ? `, ${Math.round(r.durationMs / r.realMs)}x real time` : '';
  const ran = `${formatDuration(r.durationMs)} of ${formatDuration(r.plannedMs)} emulated`;
  const lines = [r.halted !== undefined
    ? `Halted after ${ran}, in ${real} (${a.target} firmware, seed ${a.seed})`
    : r.interrupted
      ? `Stopped by Ctrl-C after ${ran}, in ${real}`
      : `Emulated ${formatDuration(r.durationMs)} of ${a.target} firmware in ${real} (seed ${a.seed}${pace})`];
  lines.push(`  console:       ${r.consoleLines} line${r.consoleLines === 1 ? '' : 's'}`);
  for (const led of r.leds) {
    lines.push(`  ${`${gpioName(led.pin, pins)}:`.padEnd(14)} ${led.switchings} switching${led.switchings === 1 ? '' : 's'}, high for ${formatDuration(led.onMs)}, now ${led.state ? 'high' : 'low'}`);
  }
  if (r.radio) {
    const radio = r.radio;
    lines.push(radio.upAtMs === undefined
      ? '  CYW43 radio:   never came up (its driver\'s messages, if any, are on the console above)'
      : `  CYW43 radio:   up at ${(radio.upAtMs / 1000).toFixed(3)} s (${radio.downloadedBytes.toLocaleString('en-US')} bytes of firmware loaded, ${radio.ioctls} ioctls answered)`);
    if (radio.joined === undefined) lines.push(radio.joins > 0 ? '  Wi-Fi:         not joined at the end (its access point away)' : '  Wi-Fi:         not joined (an image built without ssid=... never tries)');
    else {
      const tcp = radio.connections.length === 0 ? 'no TCP connection' : tcpSummary(radio.connections, a.relays);
      const inbound = radio.accepted.length === 0 ? '' : `; ${radio.accepted.length} connection${radio.accepted.length === 1 ? '' : 's'} to its ports (${[...new Set(radio.accepted.map((c) => c.port))].join(', ')}), ${radio.accepted.filter((c) => c.accepted === true).length} taken`;
      const names = [...new Set(radio.lookups)];
      const asked = [radio.timeAnswers > 0 ? 'the time by SNTP' : '', names.length > 0 ? `looked up ${names.join(', ')} (the gateway)` : ''].filter((x) => x !== '');
      lines.push(`  Wi-Fi:         joined "${radio.joined}"${radio.leases > 0 ? ', 10.0.0.2 by DHCP' : ''}${asked.length > 0 ? `; ${asked.join('; ')}` : ''}; ${tcp}${inbound}`);
    }
    if (radio.away.length > 0) {
      const spans = radio.away.map((w) => `${formatDuration(w.fromMs)}-${formatDuration(w.toMs)}`).join(', ');
      lines.push(`  access point:  away ${spans}; the board asked to join ${radio.joins} time${radio.joins === 1 ? '' : 's'}, ${radio.failedJoins} found no network${radio.joined === undefined ? ' (not joined at the end)' : ''}`);
    }
  }
  if (r.leds.length === 0) lines.push('  GPIOs:         none driven by the app');
  const wire = r.i2c.transactions > 0 ? `, ${r.i2c.wireMs.toFixed(1)} ms on the wire` : '';
  lines.push(`  I2C:           ${r.i2c.transactions} transactions, ${r.i2c.failed} failed${wire}`);
  lines.push(...faultLines(r));
  const ms = (cycles: number) => (cycles / RP2040_CLOCK_HZ) * 1000;
  if (r.bootMs === undefined) lines.push(`  core:          never slept: busy ${ms(r.busyCycles).toFixed(1)} ms at 125 MHz`);
  else {
    const afterBoot = r.busyCycles - r.bootCycles;
    const span = r.durationMs - r.bootMs;
    const perHour = span > 0 ? (ms(afterBoot) / span) * 3_600_000 : 0;
    const perWake = r.wakes > 0 ? ` (${Math.round(afterBoot / r.wakes).toLocaleString('en-US')} cycles each)` : '';
    lines.push(`  core:          asleep ${(r.asleepFraction * 100).toFixed(1)} % of the run; boot ${ms(r.bootCycles).toFixed(1)} ms busy until its first sleep at ${(r.bootMs / 1000).toFixed(3)} s`);
    lines.push(`                 then ${r.wakes} wake${r.wakes === 1 ? '' : 's'}${perWake}, awake ${perHour.toFixed(1)} ms per hour at 125 MHz`);
  }
  if (r.halted) {
    lines.push(`  HALTED:        at ${formatDuration(r.halted.atMs)} (${(r.halted.atMs / 1000).toFixed(3)} s), the core met ${r.halted.code === 0 ? 'a breakpoint' : `breakpoint ${r.halted.code}`} at 0x${r.halted.pc.toString(16)}: a panic or a fault in the firmware (its console, above, may say which)`);
  }
  return lines.join('\n');
}

/** Run the verb; resolves to the exit code. `packageRoot` holds manifests/boards.json. */
export async function emulateMain(argv: string[], opts: { packageRoot: string; signal?: { readonly aborted: boolean } }): Promise<number> {
  const a = parseEmulateArgs(argv);
  if (a === 'help') {
    process.stdout.write(EMULATE_HELP);
    return 0;
  }
  const out = (m: string) => process.stdout.write(`${m}\n`);
  const tty = process.stdout.isTTY === true;
  const pins = pinsForTarget(a.target, opts.packageRoot);
  out(`Emulating ${a.firmware} (${a.target}: LED GPIO${pins.led}, TMP102 ALERT GPIO${pins.alert}, button GPIO${pins.button}) from ${clockMs(a.startHour, 0).slice(0, 5)} for ${formatDuration(a.durationMs)}, seed ${a.seed}${a.speed === Infinity ? '' : `, paced at ${a.speed}x (about ${formatSpan(realTimeEstimateMs(a.durationMs, a.speed))} of real time)`}`);
  let progressShown = false;
  const say = (line: string) => {
    if (progressShown) process.stdout.write('\r\x1b[K');
    progressShown = false;
    out(line);
  };
  let result: EmulateResult;
  try {
    result = await emulateFirmware({
      uf2: a.firmware, bootrom: a.bootrom, durationMs: a.durationMs, startHour: a.startHour, seed: a.seed,
      faults: a.faults, presses: a.presses, relays: a.relays, forwards: a.forwards, wifiAway: a.wifiAway, pins, signal: opts.signal, speed: a.speed,
      onEvent: (e) => {
        // An app's I2C only when asked.
        if (e.kind !== 'i2c' || a.i2c) say(eventLine(e, a.startHour, pins));
      },
      onProgress: a.quiet || !tty ? undefined : (p) => {
        progressShown = true;
        process.stdout.write(`\r  ${clockMs(a.startHour, p.emulatedMs).slice(0, 8)}  ${Math.floor((p.emulatedMs / p.durationMs) * 100)}% of ${formatDuration(p.durationMs)}`);
      },
    });
  } catch (e) {
    if (e instanceof SimOptionsError) throw new UsageError(e.message);
    if (!(e instanceof FirmwareImageError)) throw e;
    // The images themselves (not UF2, another chip, a short bootrom): said in one line.
    process.stderr.write(`thingflow-xs emulate: ${(e as Error).message}\n`);
    return 1;
  }
  if (progressShown) process.stdout.write('\r\x1b[K');
  out(formatEmulationSummary(result, a, pins));
  if (a.plot) {
    const path = resolve(a.plot);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, result.svg);
    out(`Plot written to ${path}`);
  }
  if (result.halted) return 1;
  return result.interrupted ? 130 : 0;
}
