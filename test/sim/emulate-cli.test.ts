/**
 * `thingflow-xs emulate` without the SDK or the bootrom (CI): its command line,
 * the board pins it takes from manifests/boards.json, the lines it prints, and
 * an image it must refuse, through the real CLI. Runs of real firmware are in
 * test/firmware/emulate.firmware.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../sim/cli-args';
import { clockMs, eventLine, formatEmulationSummary, parseEmulateArgs, pinsForTarget, readForwards, readRelays, readWifiAway, targetFromName } from '../../sim/emulate-cli';
import { ROOT, runCliVerb } from './cli-process';

let dir: string;
let uf2: string;
let bootrom: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-emulate-'));
  uf2 = join(dir, 'app.pico.uf2');
  bootrom = join(dir, 'bootrom.bin');
  writeFileSync(bootrom, Buffer.alloc(16384));
  // Two blocks of an RP2350 image: picotool's leading "absolute" block, then one for flash.
  const block = (family: number) => {
    const b = Buffer.alloc(512);
    b.writeUInt32LE(0x0a324655, 0);
    b.writeUInt32LE(0x9e5d5157, 4);
    b.writeUInt32LE(0x2000, 8);
    b.writeUInt32LE(0x10000000, 12);
    b.writeUInt32LE(256, 16);
    b.writeUInt32LE(family, 28);
    b.writeUInt32LE(0x0ab16f30, 508);
    return b;
  };
  writeFileSync(uf2, Buffer.concat([block(0xe48bff57), block(0xe48bff59)]));
  // An RP2040 image of eight Thumb instructions: GPIO25 to SIO, an output, high; then `bkpt #3`, as a panic ends.
  const program = Buffer.alloc(256);
  [0x4803, 0x2105, 0x6001, 0x4803, 0x4903, 0x6241, 0x6141, 0xbe03].forEach((op, i) => program.writeUInt16LE(op, 2 * i));
  program.writeUInt32LE(0x400140cc, 0x10); // IO_BANK0 GPIO25_CTRL (FUNCSEL 5: SIO)
  program.writeUInt32LE(0xd0000000, 0x14); // SIO: GPIO_OE_SET at +0x24, GPIO_OUT_SET at +0x14
  program.writeUInt32LE(1 << 25, 0x18);
  const image = block(0xe48bff56);
  program.copy(image, 32);
  writeFileSync(join(dir, 'halts.pico.uf2'), image);
  // The same, but it then sleeps for ever (`wfe` in a loop) instead of halting: its literals one word further on.
  const sleeper = Buffer.alloc(256);
  [0x4804, 0x2105, 0x6001, 0x4804, 0x4904, 0x6241, 0x6141, 0xbf20, 0xe7fd].forEach((op, i) => sleeper.writeUInt16LE(op, 2 * i));
  sleeper.writeUInt32LE(0x400140cc, 0x14);
  sleeper.writeUInt32LE(0xd0000000, 0x18);
  sleeper.writeUInt32LE(1 << 25, 0x1c);
  const sleeperImage = block(0xe48bff56);
  sleeper.copy(sleeperImage, 32);
  writeFileSync(join(dir, 'sleeps.pico.uf2'), sleeperImage);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const usage = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    parseEmulateArgs(argv, env);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};

describe('the command line', () => {
  test('defaults: 10 minutes from midnight, seed 1, the target from the file name, a plot beside the name', () => {
    const a = parseEmulateArgs([uf2, '--bootrom', bootrom]);
    expect(a).toMatchObject({ firmware: uf2, bootrom, target: 'pico', durationMs: 600_000, startHour: 0, seed: 1, faults: [], presses: [], i2c: false, plot: 'out/app.pico.svg', quiet: false });
  });

  test('every option read and checked as sim reads it', () => {
    const a = parseEmulateArgs([uf2, '--duration', '2h', '--start', '19:30', '--seed', '7', '--fault', 'mcp9808:nack@70m-85m', '--press', '10s,1m', '--i2c', '--no-plot', '--quiet', '--target', 'pico/xiao_rp2040'], { RP2040_BOOTROM: bootrom });
    expect(a).toMatchObject({ bootrom, target: 'pico/xiao_rp2040', durationMs: 7_200_000, startHour: 19.5, seed: 7, faults: ['mcp9808:nack@70m-85m'], presses: [10_000, 60_000], i2c: true, plot: undefined, quiet: true });
  });

  test('an app source, a missing file, no bootrom, another chip\'s target, a bad fault: each a usage error that says what to do', () => {
    expect(usage(['examples/grow-light.ts', '--bootrom', bootrom])).toBe("emulate boots a built image (.uf2), got 'examples/grow-light.ts': build it first, e.g. thingflow-xs firmware pico examples/grow-light.ts (it writes out/firmware/<app>.pico.uf2)");
    expect(usage([join(dir, 'none.uf2'), '--bootrom', bootrom])).toMatch(/^no such file: .*none\.uf2$/);
    expect(usage([uf2])).toMatch(/^no bootrom: give --bootrom <file> or set RP2040_BOOTROM \(the RP2040's B1 bootrom, which rp2040js does not ship/);
    expect(usage([uf2], { RP2040_BOOTROM: join(dir, 'nope.ts') })).toMatch(/^RP2040_BOOTROM: no such file: .*nope\.ts$/);
    expect(usage([uf2, '--bootrom', bootrom, '--target', 'esp32'])).toBe("--target: the emulator is an RP2040, so pico or pico/<board>, got 'esp32'");
    expect(usage([uf2, '--bootrom', bootrom, '--fault', 'tsl2591:melt'])).toBe("--fault: bad fault kind 'melt' in 'tsl2591:melt': one of nack, dropout, stuck, spike, hang");
    expect(usage([uf2, '--bootrom', bootrom, '--fault', 'tsl2591:nack@20m', '--duration', '10m'])).toBe("--fault: fault 'tsl2591:nack@20m' starts at 20m00s, when the run (10m00s) is over: it would never strike");
    expect(usage([uf2, '--bootrom', bootrom, '--duration', '10'])).toMatch(/^--duration: duration '10' has no unit/);
    expect(usage([uf2, '--bootrom', bootrom, '--bootrm', 'x'])).toBe("unknown option '--bootrm' (did you mean --bootrom?)");
    expect(usage([uf2, uf2, '--bootrom', bootrom])).toMatch(/^unexpected argument/);
  });

  test('the target from the file name, as thingflow-xs firmware names its images', () => {
    expect(targetFromName('out/firmware/lux-demo.pico.uf2')).toBe('pico');
    expect(targetFromName('out/firmware/lux-demo.pico-pico_w.uf2')).toBe('pico/pico_w');
    expect(targetFromName('out/firmware/app-grow-light.pico-xiao_rp2040.uf2')).toBe('pico/xiao_rp2040');
    expect(targetFromName('xs_pico.uf2')).toBe('pico');
  });
});

describe('--speed', () => {
  test('unpaced by default; --speed n or max, --realtime for 1; out of range, not a number, both, or a run that would take over a month of real time: usage errors', () => {
    const speed = (...args: string[]) => (parseEmulateArgs([uf2, '--bootrom', bootrom, ...args]) as { speed: number }).speed;
    expect([speed(), speed('--speed', '2.5'), speed('--speed', 'max'), speed('--realtime')]).toEqual([Infinity, 2.5, Infinity, 1]);
    expect(usage([uf2, '--bootrom', bootrom, '--speed', 'fast'])).toBe("--speed takes a number from 0.01 to 1000000, or max; got 'fast'");
    expect(usage([uf2, '--bootrom', bootrom, '--speed', '0.001'])).toBe('--speed: the speed must be from 0.01 to 1000000 simulated seconds per real second (or max), got 0.001');
    expect(usage([uf2, '--bootrom', bootrom, '--speed', '2', '--realtime'])).toBe('--speed and --realtime contradict each other: give one');
    expect(usage([uf2, '--bootrom', bootrom, '--duration', '31d', '--speed', '0.5'])).toMatch(/^--speed: 31 days at speed 0\.5 would take about 62 days of real time/);
  });
});

describe('--forward', () => {
  test('a port here to the same port on the board, or here=board; bad ports and repeats are usage errors', () => {
    expect([...readForwards(['18080', '8080=80'])]).toEqual([[18080, 18080], [8080, 80]]);
    expect(() => readForwards(['0'])).toThrow(/--forward 0: a port from 1 to 65535, got '0'/);
    expect(() => readForwards(['8080=x'])).toThrow(/--forward 8080=x: a port from 1 to 65535, got 'x'/);
    expect(() => readForwards(['8080=80', '8080'])).toThrow(/--forward 8080 is given twice/);
  });
});

describe('--wifi-away', () => {
  test('spans of board time with units, in order; a span that ends before it starts, starts after the run, overlaps another or has no unit is a usage error', () => {
    expect(readWifiAway(['2m-3m', '0s-30s'], 600_000)).toEqual([{ fromMs: 0, toMs: 30_000 }, { fromMs: 120_000, toMs: 180_000 }]);
    expect(readWifiAway(['9m-20m'], 600_000)).toEqual([{ fromMs: 540_000, toMs: 1_200_000 }]); // away to the end of the run
    expect(() => readWifiAway(['3m-2m'], 600_000)).toThrow(/--wifi-away 3m-2m: the access point must come back after it goes/);
    expect(() => readWifiAway(['11m-12m'], 600_000)).toThrow(/--wifi-away 11m-12m: starts after the run ends/);
    expect(() => readWifiAway(['1m-3m', '2m-4m'], 600_000)).toThrow(/--wifi-away: the spans overlap/);
    expect(() => readWifiAway(['1-3'], 600_000)).toThrow(/--wifi-away 1-3: /);
    expect(() => readWifiAway(['1m'], 600_000)).toThrow(/--wifi-away takes <from>-<to>/);
  });
});

describe('--relay', () => {
  test('a port alone is the same port on localhost; <port>=<host>:<port> another; a bad one or a repeat is a usage error', () => {
    expect([...readRelays(['1883', '80=192.168.1.5:8080', '8883=:18883'])]).toEqual([
      [1883, { host: 'localhost', port: 1883 }], [80, { host: '192.168.1.5', port: 8080 }], [8883, { host: 'localhost', port: 18883 }],
    ]);
    expect(() => readRelays(['0'])).toThrow(/--relay 0: a port from 1 to 65535, got '0'/);
    expect(() => readRelays(['1883=localhost'])).toThrow(/--relay takes <port> or <port>=<host>:<port>, got '1883=localhost'/);
    expect(() => readRelays(['1883=localhost:99999'])).toThrow(/a port from 1 to 65535, got '99999'/);
    expect(() => readRelays(['1883', '1883=x:1'])).toThrow(/--relay 1883 is given twice/);
  });
});

describe('the board', () => {
  test('each target\'s GPIOs from manifests/boards.json: a board without a section gets the plain pico\'s, as mcconfig gives it', () => {
    expect(pinsForTarget('pico', ROOT)).toEqual({ led: 25, alert: 6, button: 15, radio: undefined });
    expect(pinsForTarget('pico/xiao_rp2040', ROOT)).toEqual(pinsForTarget('pico', ROOT));
    // The Pico W's LED is Moddable's pin 32, the radio's GPIO 0: the emulator then models the radio.
    expect(pinsForTarget('pico/pico_w', ROOT)).toEqual({ led: 32, alert: 6, button: 15, radio: 'cyw43' });
  });

  test('events print at the time of day, the LED named, on the RP2040 or on a Pico W\'s radio', () => {
    const pins = pinsForTarget('pico/pico_w', ROOT);
    expect(clockMs(19, 5_130_513)).toBe('20:25:30.513');
    expect(clockMs(23.5, 3_600_000)).toBe('00:30:00.000');
    expect(eventLine({ kind: 'console', t: 511, line: 'hello' }, 0, pins)).toBe('00:00:00.511  hello');
    expect(eventLine({ kind: 'gpio', t: 60_514, gpio: 25, level: 1 }, 0, pinsForTarget('pico', ROOT))).toBe('00:01:00.514  GPIO25 (LED) high');
    expect(eventLine({ kind: 'gpio', t: 60_514, gpio: 32, level: 1 }, 0, pins)).toBe('00:01:00.514  CYW43 GPIO0 (LED) high');
    expect(eventLine({ kind: 'gpio', t: 860, gpio: 7, level: 0 }, 0, pins)).toBe('00:00:00.860  GPIO7 low');
    const tx = { t: 512, bus: 0, address: 0x29, op: 'read' as const, bytes: [0x50], result: 'ack' as const, cycles: 0, endCycles: 0, wireNanos: 53_120, done: true };
    expect(eventLine({ kind: 'i2c', t: 512, tx }, 0, pins)).toBe('00:00:00.512  i2c0 0x29 read [50] ack, 53 µs on the wire');
  });

  test('a Pico W\'s TCP connections to the gateway are said once per port and outcome, with how many, as the board retries', () => {
    const pins = pinsForTarget('pico/pico_w', ROOT);
    const refused = { port: 1883, accepted: false };
    const relayed = { port: 8883, accepted: true };
    const run = {
      leds: [], faults: [], busHangs: 0, durationMs: 40_000, plannedMs: 40_000, interrupted: false, realMs: 40_000, busyCycles: 0, asleepFraction: 1,
      wakes: 0, bootMs: undefined, bootCycles: 0, consoleLines: 3, i2c: { transactions: 0, failed: 0, wireMs: 0 }, halted: undefined, svg: '',
      device: undefined as never,
      radio: {
        upAtMs: 421, ioctls: 38, downloadedBytes: 224_940, joined: 'thingflow-emulated', leases: 1, lookups: [], timeAnswers: 0,
        connections: [refused, relayed, refused, refused, refused, refused, refused, relayed, refused], accepted: [], joins: 1, failedJoins: 0, away: [],
      },
    };
    const summary = formatEmulationSummary(run, { seed: 1, target: 'pico/pico_w', relays: new Map([[8883, { host: 'localhost', port: 9883 }]]) }, pins);
    expect(summary).toMatch(/^ {2}Wi-Fi: {9}joined "thingflow-emulated", 10\.0\.0\.2 by DHCP; TCP to 10\.0\.0\.1:1883 refused 7 times \(no --relay for it\); TCP to 10\.0\.0\.1:8883 relayed to localhost:9883 \(2 connections\)$/m);
  });
});

describe('through the CLI', () => {
  test('help, and a usage error with exit code 2', () => {
    const help = runCliVerb('emulate', ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: thingflow-xs emulate <firmware\.uf2> \[options\]/);
    const bad = runCliVerb('emulate', ['examples/grow-light.ts'], 60_000, { RP2040_BOOTROM: bootrom });
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("thingflow-xs: emulate boots a built image (.uf2), got 'examples/grow-light.ts': build it first, e.g. thingflow-xs firmware pico examples/grow-light.ts (it writes out/firmware/<app>.pico.uf2)\n(thingflow-xs emulate --help lists the options)\n");
  });

  test.each(['source', 'dist'] as const)('from %s: an image that drives its LED and halts: the GPIO printed as it happens, the halt in the summary with where, exit code 1', (how) => {
    // From dist as the npm bin runs it (`npm test` builds dist/ first): the board's pins come from the package's manifests/boards.json.
    const args = [join(dir, 'halts.pico.uf2'), '--bootrom', bootrom, '--duration', '1s', '--no-plot'];
    const r = how === 'source' ? runCliVerb('emulate', args) : (() => {
      const p = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'emulate', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      return { code: p.status, out: p.stdout, err: p.stderr };
    })();
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines.slice(1, 3)).toEqual(['00:00:00.000  GPIO25 (LED) low', '00:00:00.000  GPIO25 (LED) high']); // output enabled, then set
    expect(lines[3]).toMatch(/^Halted after 0s of 1s emulated, in \d+\.\d s real time \(pico firmware, seed 1\)$/);
    expect(r.out).toMatch(/^ {2}GPIO25 \(LED\): {2}1 switching, high for 0s, now high$/m);
    expect(r.out).toMatch(/^ {2}core: {10}never slept: busy 0\.0 ms at 125 MHz$/m);
    expect(r.out).toMatch(/^ {2}HALTED: {8}at 0s \(0\.000 s\), the core met breakpoint 3 at 0x1000000e: a panic or a fault in the firmware/m);
  });

  test('paced: an image that sets its LED and sleeps, one emulated second at --speed 0.25, takes four seconds of real time or more (this image alone emulates at about real time: a second of it took 1.6 s unpaced), said at the start', () => {
    const r = runCliVerb('emulate', [join(dir, 'sleeps.pico.uf2'), '--bootrom', bootrom, '--duration', '1s', '--no-plot', '--speed', '0.25']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/from 00:00 for 1s, seed 1, paced at 0\.25x \(about 4s of real time\)$/);
    expect(lines.slice(1, 3)).toEqual(['00:00:00.000  GPIO25 (LED) low', '00:00:00.000  GPIO25 (LED) high']);
    expect(Number(/^Emulated 1s of pico firmware in (\d+\.\d) s real time/m.exec(r.out)?.[1])).toBeGreaterThanOrEqual(4);
  });

  test('an RP2350 image is refused in one line naming the chip, exit code 1, nothing run', () => {
    const r = runCliVerb('emulate', [uf2, '--bootrom', bootrom, '--no-plot']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`thingflow-xs emulate: ${uf2}: an image for RP2350 (Arm, secure): a pico2 or pico_2_w build, not the RP2040: the emulator (rp2040js) runs RP2040 images only (pico, pico/pico_w, pico/xiao_rp2040, ...)\n`);
    expect(r.out).not.toMatch(/Emulated/);
  });
});
