/**
 * `thingflow-xs emulate` on real firmware, as a user runs it: the CLI boots
 * the image in rp2040js on the simulated board and prints the firmware's
 * console, its LED and a summary. The same decisions as the three-way tests
 * (board-scenarios.ts), here with board time counted from reset. Needs the
 * images and the bootrom (firmware-test-env.ts); skipped in one line each
 * otherwise.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliVerb } from '../sim/cli-process';
import { startBroker } from '../support/brokers';
import { firmwareTestEnv, type FirmwareTestEnv } from './firmware-test-env';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'tf-emulate-fw-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withFirmware(app: string, target: string, name: string, fn: (env: FirmwareTestEnv) => void | Promise<void>, settings: readonly string[] = []): void {
  const env = firmwareTestEnv(app, target, process.env, { settings });
  if (typeof env === 'string') {
    console.log(env);
    test.skip(name, () => {});
  } else {
    test(name, async () => { await fn(env); }, 180_000);
  }
}

const emulate = (env: FirmwareTestEnv, ...args: string[]) => runCliVerb('emulate', [env.uf2, '--bootrom', env.bootrom, ...args], 170_000);

withFirmware('lux-demo', 'pico', 'the lux demo at night: the LED comes on at the 60 s sample, both sensors read, a plot of the LED against the day', (env) => {
  const plot = join(dir, 'lux.svg');
  const r = emulate(env, '--duration', '3m', '--seed', '7', '--plot', plot);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const lines = r.out.split('\n');
  expect(lines[0]).toBe(`Emulating ${env.uf2} (pico: LED GPIO25, TMP102 ALERT GPIO6, button GPIO15) from 00:00 for 3m00s, seed 7`);
  // At the 60 s sample (its milliseconds are the emulated chip's timing: the bus, the flash cache, the port's turn).
  expect(lines).toContainEqual(expect.stringMatching(/^00:01:00\.5\d\d {2}GPIO25 \(LED\) high$/));
  expect(lines.filter((l) => /GPIO25 \(LED\) high/.test(l))).toHaveLength(1);
  expect(r.out).toMatch(/^00:00:00\.5\d\d {2}lux demo: light every 60 s → runningAvg\(5\)/m);
  // High from that switch to the end of the 3 min run, to the millisecond the switch line gives.
  const highAt = Number(/^00:01:00\.(\d{3}) {2}GPIO25 \(LED\) high$/m.exec(r.out)?.[1]);
  expect(r.out).toMatch(new RegExp(`^ {2}GPIO25 \\(LED\\): {2}1 switching, high for 1m59\\.${String(1000 - highAt).replace(/0+$/, '')}s, now high$`, 'm'));
  expect(r.out).toMatch(/^ {2}I2C: {11}2\d transactions, 0 failed, \d\.\d ms on the wire$/m);
  // Two timer wakes after boot (60 s, 120 s), each the bench's per-wake figure within a few cycles.
  expect(r.out).toMatch(/then 2 wakes \(\d{3},\d{3} cycles each\)/);
  const svg = readFileSync(plot, 'utf8');
  expect(svg).toContain('LED on pin 25');
  expect(svg).toContain('Light at the board');
});

withFirmware('app-grow-light', 'pico', 'the grow light at dusk with the MCP9808 NACKing 20:10 to 20:25: on at 19:15, off at the first temperature after the fault, as in the three-way test', (env) => {
  const r = emulate(env, '--start', '19:00', '--duration', '2h', '--seed', '7', '--fault', 'mcp9808:nack@70m-85m', '--no-plot');
  expect(r.code).toBe(0);
  const led = r.out.split('\n').filter((l) => /GPIO25 \(LED\)/.test(l) && !/^ /.test(l));
  expect(led).toEqual([
    expect.stringMatching(/^19:00:00\.5\d\d {2}GPIO25 \(LED\) low$/),
    expect.stringMatching(/^19:15:00\.5\d\d {2}GPIO25 \(LED\) high$/),
    expect.stringMatching(/^20:25:30\.5\d\d {2}GPIO25 \(LED\) low$/),
  ]);
  expect(r.out).toMatch(/^ {2}faults: {8}mcp9808 \(0x18\): nack 15$/m);
});

withFirmware('lux-demo', 'pico', 'with --i2c, each transaction is printed once it is over on the wire: all its bytes, its time at 400 kHz', (env) => {
  const r = emulate(env, '--duration', '3m', '--seed', '7', '--no-plot', '--i2c');
  expect(r.code).toBe(0);
  const i2c = r.out.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d{3} {2}i2c0 /.test(l));
  const period = 2.656; // µs: the pico-sdk's 400 kHz counts (332 cycles at 125 MHz)
  const wire = (l: string) => Number(/, (\d+) µs on the wire$/.exec(l)![1]);
  // The TSL2591's channel reads: a pointer write (start, address, byte), then a repeated-start read of 4 and the stop.
  const channels = i2c.filter((l, k) => / 0x29 read /.test(l) && / 0x29 write \[b4\]/.test(i2c[k - 1] ?? ''));
  expect(channels).toHaveLength(2); // the two timer wakes (at the first sample, at boot, no conversion is done yet)
  for (const l of channels) {
    expect(l).toMatch(/ read \[[0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2}\] ack, /);
    expect(wire(l)).toBe(Math.round((1 + 9 + 4 * 9 + 1) * period));
  }
  // Every line whole: a register pointer write (one byte, no stop: a read follows) 19 periods; a register write
  // (pointer and data, with the stop) and a read (repeated start, bytes, stop) 11 + 9 per byte.
  for (const l of i2c) {
    const bytes = /\[([^\]]*)\]/.exec(l)![1].split(' ').length;
    const periods = / write /.test(l) && bytes === 1 ? 1 + 9 + 9 : 1 + 9 + 9 * bytes + 1;
    expect([l, wire(l)]).toEqual([l, Math.round(periods * period)]);
  }
  // The summary's wire time is the lines' (each rounded to a µs).
  const total = Number(/ (\d+\.\d) ms on the wire$/m.exec(r.out)![1]);
  expect(Math.abs(i2c.reduce((ms, l) => ms + wire(l) / 1000, 0) - total)).toBeLessThan(0.1);
});

withFirmware('button-toggle', 'pico', 'the button toggle: each --press reaches GPIO15 with its bounce, and the LED toggles once per press', (env) => {
  const r = emulate(env, '--duration', '5s', '--press', '1s,2500ms', '--no-plot', '--i2c');
  expect(r.code).toBe(0);
  const led = r.out.split('\n').filter((l) => /GPIO25 \(LED\) (high|low)$/.test(l));
  expect(led).toEqual([expect.stringMatching(/^00:00:00\.5\d\d {2}GPIO25 \(LED\) low$/), expect.stringMatching(/^00:00:01\.00\d {2}GPIO25 \(LED\) high$/), expect.stringMatching(/^00:00:02\.50\d {2}GPIO25 \(LED\) low$/)]);
  expect(r.out).toMatch(/^ {2}I2C: {11}0 transactions, 0 failed$/m);
});

withFirmware('lux-demo', 'pico/pico_w', 'a Pico W image at dusk: its radio comes up, and the LED on it comes on at the same sample as the plain pico\'s', (env) => {
  const r = emulate(env, '--start', '19:00', '--duration', '70m', '--seed', '7', '--no-plot');
  expect(r.code).toBe(0);
  expect(r.out).not.toMatch(/failed to start|\[CYW43\]/);
  const led = r.out.split('\n').filter((l) => /CYW43 GPIO0 \(LED\) (high|low)$/.test(l));
  expect(led).toEqual([expect.stringMatching(/^19:00:00\.9\d\d {2}CYW43 GPIO0 \(LED\) low$/), expect.stringMatching(/^20:07:00\.9\d\d {2}CYW43 GPIO0 \(LED\) high$/)]);
  expect(r.out).toMatch(/^ {2}CYW43 radio: {3}up at 0\.9\d\d s \(2\d\d,\d{3} bytes of firmware loaded, \d+ ioctls answered\)$/m);
  expect(r.out).toMatch(/^ {2}Wi-Fi: {9}not joined \(an image built without ssid=\.\.\. never tries\)$/m);
  // The plain pico's image of the same app, same day: the LED at the same sample (20:07), on GPIO25.
  const pico = firmwareTestEnv('lux-demo', 'pico');
  if (typeof pico === 'string') return;
  const p = emulate(pico, '--start', '19:00', '--duration', '70m', '--seed', '7', '--no-plot');
  expect(p.out).toMatch(/^20:07:00\.5\d\d {2}GPIO25 \(LED\) high$/m);
});

withFirmware('fleet-device', 'pico/pico_w', 'a networked Pico W image with --relay: it joins the emulated Wi-Fi, takes 10.0.0.2, and its MQTT connection to the gateway reaches the broker on this machine', async (env) => {
  const broker = await startBroker('aedes'); // in a process of its own: the CLI runs while this one waits for it
  try {
    const r = emulate(env, '--duration', '30s', '--relay', `1883=localhost:${broker.port}`, '--no-plot');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^00:00:01\.\d{3} {2}IP address 10\.0\.0\.2$/m);
    expect(r.out).toMatch(/^00:00:\d\d\.\d{3} {2}fleet-device: dev-0001 connected to 10\.0\.0\.1:1883$/m);
    expect(r.out).toMatch(/^00:00:01\.\d{3} {2}got unix time \d+ from pool\.ntp\.org$/m); // the day's midnight and a second, from the gateway
    const told = Number(/got unix time (\d+)/.exec(r.out)![1]);
    expect(told % 86_400).toBe(1);
    expect(r.out).toContain(`  Wi-Fi:         joined "thingflow-emulated", 10.0.0.2 by DHCP; the time by SNTP; looked up pool.ntp.org (the gateway); TCP to 10.0.0.1:1883 relayed to localhost:${broker.port}`);
  } finally {
    await broker.stop();
  }
}, ['ssid=thingflow-emulated', 'password=emulated-wifi', 'mqtt.host=10.0.0.1']);

withFirmware('fleet-device', 'pico/pico_w', 'a Pico W image with --wifi-away: with its access point away at power-up the app starts after wifiWaitMs, and the board joins once the access point is back', async (env) => {
  const broker = await startBroker('aedes');
  try {
    const r = emulate(env, '--duration', '60s', '--wifi-away', '0s-25s', '--relay', `1883=localhost:${broker.port}`, '--no-plot');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^00:00:1[56]\.\d{3} {2}Wi-Fi: not joined after 15000 ms; the app starts, and joining goes on$/m);
    const joined = /^00:00:(\d\d)\.\d{3} {2}IP address 10\.0\.0\.2$/m.exec(r.out);
    expect(Number(joined?.[1])).toBeGreaterThanOrEqual(25);
    expect(r.out).toMatch(/^00:00:\d\d\.\d{3} {2}fleet-device: dev-0001 connected to 10\.0\.0\.1:1883$/m);
    expect(r.out).toMatch(/^ {2}access point: {2}away 0s-25s; the board asked to join \d+ times, [4-9] found no network$/m);
  } finally {
    await broker.stop();
  }
}, ['ssid=thingflow-emulated', 'password=emulated-wifi', 'mqtt.host=10.0.0.1']);

withFirmware('host-check', 'pico/pico_w', 'a Pico W\'s Web Thing with --forward: a client here gets its Thing Description from the board while the emulation runs, and the summary counts the connection', async (env) => {
  const port = 20_000 + (process.pid % 20_000);
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/cli.ts', 'emulate', env.uf2, '--bootrom', env.bootrom, '--duration', '20s', '--forward', `${port}=18080`, '--no-plot', '--quiet'], { cwd: join(__dirname, '../..') });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    while (!/wot listening/.test(out)) {
      if (child.exitCode !== null) throw new Error(`emulate exited: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(30_000) });
    expect([r.status, (await r.json() as { title: string }).title]).toEqual([200, 'Host check']);
    expect(await exited).toBe(0);
    expect(out).toMatch(/; 1 connection to its ports \(18080\), 1 taken$/m);
  } finally {
    child.kill();
  }
}, ['ssid=thingflow-emulated', 'password=emulated-wifi', 'mqtt.host=10.0.0.1', 'mqtt.port=1883', 'mdns=host-check']);
