/**
 * The fleet's device app (manifests/fleet-device) as pico/pico_w firmware in
 * rp2040js, on the network of the emulated Pico W (sim/emulator/cyw43.ts,
 * emulated-lan.ts): it joins the Wi-Fi, takes its address by DHCP and, through
 * its own lwIP and the runtime's MQTT client over Moddable's TCP, talks to a
 * real broker here (aedes), relayed from the gateway's 10.0.0.1:1883. The
 * checks are those test/hosts/moddable/lin-fleet-check.mjs makes of the same
 * app on Moddable's lin simulator: what a fleet gateway relies on.
 *
 * Needs fleet-device.pico-pico_w.uf2 built for that network (the command is
 * in the skip line: its Wi-Fi, and the broker at the gateway, `mqtt.host`
 * being a nested config property) and the bootrom; skipped in one line
 * otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { binutil, moddableBuildDir } from '../../tools/firmware-env';
import mqtt from 'mqtt';
import { startBroker, type TestBroker } from '../support/brokers';
import { elfSymbol } from '../../sim/emulator/elf-symbols';
import { firmwareTestEnv } from './firmware-test-env';
import { wifiHost } from './night-host';
import type { Rp2040Host } from '../../sim/emulator/rp2040-host';
import { LWIP_STATEFUL, type LwipLockCheck } from './lwip-lock-check';
import type { HeapIrqCheck } from './heap-irq-check';
import { busSleepWaits } from './radio-bus-sleeps';
import { cHeapLeft } from './c-heap-left';

const SETTINGS = ['ssid=thingflow-emulated', 'password=emulated-wifi', 'mqtt.host=10.0.0.1'];
const env = firmwareTestEnv('fleet-device', 'pico/pico_w', process.env, { settings: SETTINGS });
if (typeof env === 'string') console.log(env);
const firmware = typeof env === 'string' ? describe.skip : describe;

const ID = 'dev-0001';
const THINGS = `things/urn:dev:thingflow-xs:fleet:${ID}`;

firmware('the fleet device as pico/pico_w firmware, on the emulated Pico W\'s Wi-Fi, with a real broker', () => {
  let broker: TestBroker;
  let listener: mqtt.MqttClient;
  let host: Rp2040Host;
  let lock: LwipLockCheck;
  let heap: HeapIrqCheck;
  const relayed: Socket[] = [];
  const heard: { topic: string; text: string; qos: number; retain: boolean }[] = [];

  /** Run the emulation on until `done` holds (checked as each emulated 100 ms ends, the broker answering in between), at most `ms` more. */
  async function emulateUntil(done: () => boolean, ms: number, what: string): Promise<void> {
    const until = host.emulatedMs + ms;
    while (!done()) {
      if (host.emulatedMs >= until || host.halted) {
        throw new Error(`${what}: not within ${ms} emulated ms (halted: ${JSON.stringify(host.halted)}); console: ${host.consoleLines.map((c) => c.line).join(' | ')}; heard: ${heard.map((h) => h.topic).join(', ')}`);
      }
      await host.runUntil(host.emulatedMs + 100);
      await new Promise((r) => setTimeout(r, 1)); // the broker's own turn
    }
  }
  const heardOn = (topic: string, test: (m: (typeof heard)[number]) => boolean = () => true) => () => heard.some((m) => m.topic === topic && test(m));

  beforeAll(async () => {
    if (typeof env === 'string') return;
    broker = await startBroker('aedes');
    listener = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'fleet-firmware-test' });
    listener.on('message', (topic, payload, packet) => heard.push({ topic, text: payload.toString(), qos: packet.qos, retain: packet.retain }));
    await new Promise((r) => listener.on('connect', r));
    await new Promise((r) => listener.subscribe([`fleet/${ID}/lux`, `${THINGS}/#`], { qos: 1 }, r));
    ({ host, lock, heap } = wifiHost(env, broker.port, relayed, {}, [elfSymbol(env.elf, 'tcp_tmr')!]));
  });
  afterAll(async () => {
    if (typeof env === 'string') return;
    for (const s of relayed) s.destroy();
    listener.end(true);
    await broker.stop();
  });

  test('joins the Wi-Fi, takes 10.0.0.2 by DHCP, and connects to the broker as thingflow-fleet-dev-0001', async () => {
    const connected = () => host.consoleLines.some((c) => c.line === `fleet-device: ${ID} connected to 10.0.0.1:1883`);
    await emulateUntil(() => connected() || host.consoleLines.some((c) => c.line === 'No Wi-Fi SSID'), 20_000, 'the MQTT connection');
    expect(host.consoleLines.map((c) => c.line)).not.toContain('No Wi-Fi SSID'); // built without the settings in the skip line's command
    const console = host.consoleLines.map((c) => c.line);
    expect(console).toContain('Wi-Fi connected to "thingflow-emulated"'); // Moddable's setup reads the SSID back from the radio
    expect(console).toContain('IP address 10.0.0.2');
    expect(host.radio!.joinedSsid).toBe('thingflow-emulated');
    expect(host.lan!.leases).toBe(1);
    expect(host.lan!.connections).toEqual([{ port: 1883, accepted: true }]);
    expect(connected()).toBe(true);
  }, 120_000);

  test('its Web Thing over MQTT: description, values and availability, retained for a gateway that comes later', async () => {
    await emulateUntil(() => heardOn(`${THINGS}/availability`, (m) => m.text === 'online')() && heardOn(`${THINGS}/td`)() && heardOn(`${THINGS}/values`)(), 10_000, 'the Thing\'s retained topics');
    const late = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'fleet-firmware-test-late' });
    const retained: { [part: string]: string } = {};
    late.on('message', (topic, payload, packet) => { if (packet.retain) retained[topic.slice(THINGS.length + 1)] = payload.toString(); });
    await new Promise((r) => late.on('connect', r));
    await new Promise((r) => late.subscribe(`${THINGS}/#`, { qos: 1 }, r));
    await new Promise((r) => setTimeout(r, 300));
    late.end(true);
    const td = JSON.parse(retained.td ?? '{}');
    expect([td.id, td.title, Object.keys(td.properties ?? {}).sort()]).toEqual([`urn:dev:thingflow-xs:fleet:${ID}`, `Fleet board ${ID}`, ['illuminance', 'led']]);
    expect(typeof JSON.parse(retained.values ?? '{}').illuminance).toBe('number');
    expect(retained.availability).toBe('online');
  }, 120_000);

  test('a gateway\'s property write is taken; an unknown property is refused on the error topic', async () => {
    listener.publish(`${THINGS}/set`, JSON.stringify({ led: true }), { qos: 1 });
    await emulateUntil(heardOn(`${THINGS}/values`, (m) => JSON.parse(m.text).led === true), 5_000, 'the LED written');
    listener.publish(`${THINGS}/set`, JSON.stringify({ nope: 1 }), { qos: 1 });
    await emulateUntil(heardOn(`${THINGS}/error`), 5_000, 'the refusal');
    expect(JSON.parse(heard.find((m) => m.topic === `${THINGS}/error`)!.text).message).toMatch(/nope/);
  }, 120_000);

  test('publishes its light on fleet/dev-0001/lux as ThingFlow JSON events at QoS 1 (the sample 60 s after the app\'s start), the Thing\'s values following', async () => {
    await emulateUntil(heardOn(`fleet/${ID}/lux`), 75_000, 'a light reading');
    const m = heard.find((h) => h.topic === `fleet/${ID}/lux`)!;
    const [device, ts, lux] = JSON.parse(m.text) as [string, number, number];
    expect([device, typeof ts, m.qos]).toEqual([ID, 'number', 1]);
    expect(lux).toBeGreaterThanOrEqual(0);
    await emulateUntil(heardOn(`${THINGS}/values`, (v) => JSON.parse(v.text).illuminance === lux), 5_000, 'the values with the reading');
    expect(host.halted).toBeUndefined();
  }, 180_000);

  test('connected with nothing in flight, its TCP timer batches: between the minute\'s work it wakes the board no more (it did 4 times a second), and it still ticks for every 250 ms (hosts/moddable/pico/lwip-timers.c)', async () => {
    if (typeof env === 'string') throw new Error(env);
    const tcpTmr = elfSymbol(env.elf, 'tcp_tmr')!;
    const ticks = () => host.entries.filter((e) => e.pc === tcpTmr).length;
    await emulateUntil(() => host.emulatedMs >= 90_000, 30_000, 'the quiet half of the minute');
    const [sleeps, ticksAt90] = [host.sleeps.length, ticks()];
    await emulateUntil(() => host.emulatedMs >= 115_000, 30_000, 'the next sample, nearly');
    // The wakes of those 25 s that ran TCP's timer: with it every 250 ms, 100 (the radio driver's own polling after
    // the minute's publishes, every 50 ms for 2.5 s, wakes it whatever TCP does).
    const wakes = host.sleeps.slice(sleeps - 1);
    let wakesWithTcp = 0;
    for (let i = 0; i + 1 < wakes.length; i++) {
      if (host.entries.some((e) => e.pc === tcpTmr && e.cycles >= wakes[i].cycles && e.cycles < wakes[i + 1].cycles)) wakesWithTcp++;
    }
    expect(wakesWithTcp).toBeLessThanOrEqual(5);
    expect(relayed.length).toBe(1);
    // Its ticks are owed, not lost: paid before TCP is touched, and a batch at a time otherwise.
    await emulateUntil(() => host.emulatedMs >= 180_000, 70_000, 'two more minutes');
    const paid = ticks() - ticksAt90;
    expect(paid).toBeGreaterThanOrEqual(90 * 4 - 240);
    expect(paid).toBeLessThanOrEqual(90 * 4 + 240);
    expect(host.halted).toBeUndefined();
  }, 180_000);

  test('after each of the minute\'s exchanges the radio\'s bus sleeps once idle 2.45 s, as the driver decides, and the board wakes once for that, not every 50 ms to count the time (hosts/moddable/pico/radio-bus-sleep.c)', async () => {
    if (typeof env === 'string') throw new Error(env);
    const from = host.emulatedMs;
    const sleeps = host.sleeps.length;
    await emulateUntil(() => host.emulatedMs >= from + 60_000, 70_000, 'a minute');
    const waits = busSleepWaits(host, from);
    // The minute's sample and the Thing's values, each an exchange with the broker, and the bus asleep after each.
    expect(waits.length).toBeGreaterThanOrEqual(2);
    for (const w of waits) {
      expect(w.idleMs).toBeGreaterThanOrEqual(2400);
      expect(w.idleMs).toBeLessThan(2600);
      expect(w.wakes).toBeLessThanOrEqual(3);
    }
    // The minute's wakes: its work and lwIP's batches; the driver's checks were ~100 more.
    expect(host.sleeps.length - sleeps).toBeLessThanOrEqual(40);
    expect(host.halted).toBeUndefined();
  }, 120_000);

  test('its last will: when the board is gone (its connection cut) the broker says it is offline', async () => {
    for (const s of relayed) s.destroy();
    const deadline = Date.now() + 10_000;
    while (!heardOn(`${THINGS}/availability`, (m) => m.text === 'offline')() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(heardOn(`${THINGS}/availability`, (m) => m.text === 'offline')()).toBe(true);
  }, 30_000);

  test('every lwIP call of the run, from joining to the cut connection, held the radio\'s lock (lwip-lock.c): none ran where the radio\'s background work could enter lwIP too', async () => {
    const until = host.emulatedMs + 5_000; // the board meets its closed connection and goes on
    await emulateUntil(() => host.emulatedMs >= until, 6_000, 'five seconds after the cut');
    expect(lock.watched).toBeGreaterThan(100);
    expect(lock.checked.locked).toBeGreaterThan(1_000);
    expect([...lock.violations.values()]).toEqual([]);
  }, 60_000);

  test('the C heap was never worked on by an interrupt and the main loop at once (heap-lock.c): the radio\'s callbacks allocate from an interrupt, and the main loop masks interrupts inside the heap', () => {
    expect(heap.fromInterrupts.size).toBeGreaterThan(0);
    expect(heap.mainLoop.calls).toBeGreaterThan(100); // 350 in a run
    expect({ unmasked: heap.mainLoop.unmasked, interleaved: heap.interleaved }).toEqual({ unmasked: 0, interleaved: { count: 0 } });
  });
});

/**
 * The fleet device on a broker of its own, on the emulated network with `network`'s options: `check` gets its host, its
 * lock check and `runUntilConnected` (the emulation in 100 ms steps until the board says it connected, or until `untilMs`
 * of emulated time: whether it did). The broker is stopped and the relayed connections closed after.
 */
async function onItsOwnBroker(network: Parameters<typeof wifiHost>[3], check: (board: { host: Rp2040Host; lock: LwipLockCheck; runUntilConnected: (untilMs: number) => Promise<boolean> }) => Promise<void>): Promise<void> {
  if (typeof env === 'string') throw new Error(env);
  const broker = await startBroker('aedes');
  const relayed: Socket[] = [];
  try {
    const { host, lock } = wifiHost(env, broker.port, relayed, network);
    const connected = () => host.consoleLines.some((c) => c.line === `fleet-device: ${ID} connected to 10.0.0.1:1883`);
    const runUntilConnected = async (untilMs: number) => {
      while (!connected() && host.emulatedMs < untilMs && host.halted === undefined) {
        await host.runUntil(host.emulatedMs + 100);
        await new Promise((r) => setTimeout(r, 1));
      }
      return connected();
    };
    await check({ host, lock, runUntilConnected });
  } finally {
    for (const s of relayed) s.destroy();
    await broker.stop();
  }
}

firmware('the fleet device\'s firmware on a network that answers at once (round trip 0: the worst timing for its lwIP calls)', () => {
  test('connects to the broker and runs on through its first QoS 1 publish with no panic: the radio\'s background work never runs lwIP input inside the app\'s own lwIP call', async () => {
    await onItsOwnBroker({ roundTripMs: 0 }, async ({ host, lock, runUntilConnected }) => {
      expect(await runUntilConnected(30_000)).toBe(true);
      while (host.emulatedMs < 75_000 && host.halted === undefined) {
        await host.runUntil(host.emulatedMs + 500);
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(host.halted === undefined ? '' : host.consoleLines.map((c) => c.line).join(' | ')).toBe('');
      expect([...lock.violations.values()]).toEqual([]); // and none of its lwIP calls ran without the lock
    });
  }, 120_000);
});

firmware('the fleet device\'s firmware when the gateway does not answer its first two DHCP DISCOVERs (lost datagrams)', () => {
  test('the board asks again on DHCP\'s timer, 2 s and then 4 s later (lwIP\'s backoff), takes its lease and connects: the timer runs while a request is out (hosts/moddable/pico/lwip-timers.c), and then no more', async () => {
    await onItsOwnBroker({}, async ({ host, lock, runUntilConnected }) => {
      const lan = host.lan!;
      lan.ignoreDhcp = 2;
      expect(await runUntilConnected(60_000)).toBe(true);
      const messages = lan.dhcpMessages;
      expect(messages.map((m) => `${m.type} ${m.answered}`)).toEqual(['DISCOVER false', 'DISCOVER false', 'DISCOVER true', 'REQUEST true']);
      const gaps = [messages[1].atMs - messages[0].atMs, messages[2].atMs - messages[1].atMs];
      expect(gaps.map((g) => Math.round(g / 500) * 500)).toEqual([2000, 4000]); // lwIP counts them in its 500 ms ticks
      expect(lan.leases).toBe(1);
      expect([...lock.violations.values()]).toEqual([]);
    });
  }, 120_000);
});

/**
 * The fleet device on a broker of its own, with a listener here for its readings on fleet/<id>/lux
 * (timestamps in seconds since reset), the emulation run on in 100 ms steps (`run`), the board's
 * console lines and MQTT connections, and `stop` to end it all. `refuse` refuses the board's
 * connections to the broker while it says so.
 */
async function outageBoard(clientId: string, opts: { refuse?: () => boolean; wallClockAtResetMs?: number; image?: typeof env; timerStartUs?: number } = {}) {
  const { refuse, wallClockAtResetMs = 0, image = env, timerStartUs } = opts;
  if (typeof image === 'string') throw new Error(image);
  const broker = await startBroker('aedes');
  const listener = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { clientId });
  const lux: { at: number; ts: number }[] = [];
  await new Promise((r) => listener.on('connect', r));
  await new Promise((r) => listener.subscribe(`fleet/${ID}/lux`, { qos: 1 }, r));
  const relayed: Socket[] = [];
  const { host, lock } = wifiHost(image, broker.port, relayed, { wallClockAtResetMs, refuse }, [], [], undefined, { timerStartUs });
  listener.on('message', (topic, payload) => topic === `fleet/${ID}/lux` && lux.push({ at: host.emulatedMs, ts: (JSON.parse(payload.toString()) as [string, number, number])[1] }));
  // `stepMs`: how much emulated time the broker and the relays wait for their turn (100 ms; longer for hours of a quiet board).
  const run = async (untilMs: number, stepMs = 100) => {
    while (host.emulatedMs < untilMs && host.halted === undefined) {
      await host.runUntil(host.emulatedMs + stepMs);
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  const lines = (test: (line: string) => boolean) => host.consoleLines.filter((c) => test(c.line));
  const connects = () => lines((l) => l === `fleet-device: ${ID} connected to 10.0.0.1:1883`).map((c) => c.t);
  const stop = async () => {
    for (const s of relayed) s.destroy();
    listener.end(true);
    await broker.stop();
  };
  return { host, lock, lux, listener, relayed, run, lines, connects, stop, radio: host.radio! };
}

/**
 * The emulated LAN's date at the board's reset, for the tests of the board's time (0 elsewhere: readings count from
 * boot). Not on a whole second, as no real board's reset is: a clock set to whole seconds over the board's own
 * milliseconds (Moddable's SNTP and `Time.set`) was then up to a second off; on a whole second, by chance, right.
 */
const DATED_RESET_MS = Date.UTC(2026, 11, 7, 12, 0, 0) + 437;

/** The TSL2591's address: each reading of the fleet device's light is its read of this sensor. */
const TSL2591_ADDRESS = 0x29;

/**
 * For each reading that carries the date (`ts` in Unix seconds), its stamp less the emulated wall-clock time of the
 * light sensor's read nearest to it (ms): how far the board's clock was from the network's time when it took it.
 * (The board's bus times are ms since reset, the emulated LAN's wall clock `DATED_RESET_MS` then.)
 */
function stampErrorsMs(host: Rp2040Host, lux: readonly { ts: number }[]): number[] {
  const reads = host.bridges.flatMap((bridge) => bridge.transactions).filter((tx) => tx.address === TSL2591_ADDRESS && tx.op === 'read').map((tx) => DATED_RESET_MS + tx.t);
  return lux.filter((l) => l.ts >= 1e9).map((l) => {
    const stampMs = l.ts * 1000;
    let nearest = Infinity;
    for (const at of reads) if (Math.abs(stampMs - at) < Math.abs(nearest)) nearest = stampMs - at;
    return nearest;
  });
}

/** A board's clock set by SNTP is this close to the network's time (ms): the stamp comes a few ms before its read. */
const CLOCK_SET_WITHIN_MS = 25;

/**
 * The fleet device on a day with a date, its time server 10 s ahead of the board from its first answer on (the board's
 * crystal ran slow), run to 4 minutes past the re-sync due 6 h after that answer (`away`: with its access point away
 * from 30 s before it to 60 s after). Checks what both cases share: two answers, the clock moved by about 10 s and said
 * so, and the readings stamped 60 s apart with the one step of the move between them, about 0 s off the emulated time
 * before and 10 s after. Returns the board (to stop), the answers' times and when the re-sync was due.
 */
async function resyncedBoard(clientId: string, away: boolean, timerStartUs?: number) {
  const b = await outageBoard(clientId, { wallClockAtResetMs: DATED_RESET_MS, timerStartUs });
  try {
    return await resyncChecked(b, away);
  } catch (e) {
    await b.stop();
    throw e;
  }
}

async function resyncChecked(b: Awaited<ReturnType<typeof outageBoard>>, away: boolean) {
  await b.run(60_000);
  const firstAnswer = b.lines((l) => l.startsWith('got unix time ')).map((c) => c.t);
  expect(firstAnswer).toHaveLength(1);
  b.host.lan!.ntpOffsetMs = 10_000;
  const resyncAt = firstAnswer[0] + 6 * 3_600_000;
  if (away) {
    await b.run(resyncAt - 30_000, 1000);
    b.radio.setAccessPoint(false);
    await b.run(resyncAt + 60_000, 1000);
    expect(b.lines((l) => l.startsWith('got unix time '))).toHaveLength(1); // not asked off the network
    b.radio.setAccessPoint(true);
  }
  await b.run(resyncAt + 240_000, 1000);
  expect(b.host.halted).toBeUndefined();
  const answers = b.lines((l) => l.startsWith('got unix time ')).map((c) => c.t);
  expect(answers).toHaveLength(2);
  // The clock moves by the server's 10 s, to the millisecond (whole seconds over the board's own milliseconds, it was
  // 10 s give or take two).
  const moved = b.lines((l) => l.startsWith('SNTP: clock set again, ')).map((c) => Number(/, ([+-]\d+) ms$/.exec(c.line)![1]));
  expect(moved).toHaveLength(1);
  expect(Math.abs(moved[0] - 10_000)).toBeLessThan(CLOCK_SET_WITHIN_MS);
  // Each reading once (QoS 1 is at least once: one in flight when the link went is sent again after), in order (the
  // offline queue's): 60 s apart, but for the one step of the move.
  const stamps = [...new Set(b.lux.map((l) => l.ts))];
  expect(stamps.length).toBeGreaterThanOrEqual(360);
  const steps = stamps.slice(1).map((ts, i) => ts - stamps[i]);
  const odd = steps.flatMap((d, i) => (Math.abs(d - 60) < 0.1 ? [] : [i]));
  expect(odd).toHaveLength(1);
  expect(steps[odd[0]]).toBeCloseTo(60 + moved[0] / 1000, 2);
  // Each reading's stamp less the emulated time of its read: within a few ms before the move, the server's 10 s after.
  const errors = stampErrorsMs(b.host, stamps.map((ts) => ({ ts })));
  expect(errors.slice(0, odd[0] + 1).filter((e) => Math.abs(e) >= CLOCK_SET_WITHIN_MS)).toEqual([]);
  expect(errors.slice(odd[0] + 1).filter((e) => Math.abs(e - 10_000) >= CLOCK_SET_WITHIN_MS)).toEqual([]);
  expect(errors.length - odd[0] - 1).toBeGreaterThanOrEqual(3);
  // The app's own Date.now() too: set again to within the half second `Time.set`'s whole seconds allow of the
  // server's time (hosts/moddable/setup-network.ts); after the wrap too, where its milliseconds are the uptime's
  // and no longer Time.ticks' (2^32 ms is not whole seconds).
  expect(Math.abs(boardDateNow(b.host) - (DATED_RESET_MS + b.host.emulatedMs + 10_000))).toBeLessThanOrEqual(500 + CLOCK_SET_WITHIN_MS);
  return { b, answers, resyncAt };
}

/**
 * The board's `Date.now()` now, as its port reads it (hosts/moddable/pico/time-of-day.c): the seconds `Time.set`
 * left over the uptime's, read from the board's RAM, and the RP2040's 64-bit microsecond timer.
 */
function boardDateNow(host: Rp2040Host): number {
  const secondsAtBoot = host.simulator.rp2040.readUint32(elfSymbol((env as { elf: string }).elf, 'secondsAtBoot')!);
  const us = host.timerUs;
  return ((secondsAtBoot + Math.floor(us / 1e6)) >>> 0) * 1000 + (Math.floor(us / 1000) % 1000);
}

/**
 * The readings split at the board's SNTP answer (`timeAtMs`, emulated): at least `counts.before` taken before it count
 * from boot; at least `counts.after` carry the date, the emulated reset's plus a time after the answer and before
 * `untilMs`. Returns those times (seconds since reset).
 */
function expectDatedFromTheAnswer(lux: readonly { ts: number }[], timeAtMs: number, untilMs: number, counts: { before: number; after: number }): number[] {
  const before = lux.filter((l) => l.ts < 1e9);
  const after = lux.filter((l) => l.ts >= 1e9);
  expect(before.length).toBeGreaterThanOrEqual(counts.before);
  expect(before.every((l) => l.ts < timeAtMs / 1000)).toBe(true);
  expect(after.length).toBeGreaterThanOrEqual(counts.after);
  const sinceReset = after.map((l) => l.ts - DATED_RESET_MS / 1000);
  expect(sinceReset.every((t) => t > timeAtMs / 1000 && t < untilMs / 1000)).toBe(true);
  return sinceReset;
}

firmware('the fleet device\'s firmware when its broker goes away for 90 s (connection cut, new ones refused)', () => {
  test('its MQTT client backs off and reconnects, and the reading taken during the outage arrives after it (QoS 1, held in the offline queue)', async () => {
    let outage = false;
    // During the outage the board's connections to the broker are refused.
    const { host, lock, lux, relayed, run, connects, stop } = await outageBoard('fleet-firmware-outage-test', { refuse: () => outage });
    try {
      await run(30_000);
      expect(connects()).toHaveLength(1);
      outage = true;
      for (const s of relayed) s.destroy(); // the broker's side of the connection is gone
      await run(120_000);
      outage = false;
      expect(lux).toEqual([]); // the 60 s reading is waiting on the board
      const refused = host.lan!.connections.filter((c) => !c.accepted).length;
      // Attempts through 90 s, backing off from 0.5 s, doubling, to the fleet device's 10 s (fleet-device-identity.ts), with jitter.
      expect(refused).toBeGreaterThanOrEqual(9);
      expect(refused).toBeLessThanOrEqual(20);
      await run(200_000);
      expect(host.halted).toBeUndefined();
      expect(connects()).toHaveLength(2);
      expect(connects()[1]).toBeGreaterThan(120_000);
      expect(connects()[1]).toBeLessThan(132_000); // within one back-off step (at most 10 s) of the broker's return
      // The reading of the 60 s sample (taken during the outage) arrived after the reconnection, then the 120 s and 180 s ones.
      expect(lux.map((l) => Math.round(l.ts / 60))).toEqual([1, 2, 3]);
      expect(lux[0].at).toBeGreaterThan(connects()[1]);
      expect([...lock.violations.values()]).toEqual([]); // the refused connections and the reconnection included
    } finally {
      await stop();
    }
  }, 180_000);
});

firmware('the fleet device\'s firmware when its broker is away for 110 minutes (its offline queue of 100 overflows)', () => {
  test('the newest 99 readings of the outage arrive after it, in order, and the board\'s memory holds: each minute\'s retained Thing values supersede the last queued ones instead of taking the readings\' room', async () => {
    if (typeof env === 'string') throw new Error(env);
    let outage = false;
    const { host, lux, listener, relayed, run, connects, stop } = await outageBoard('fleet-firmware-long-outage-test', { refuse: () => outage });
    try {
      await run(30_000);
      expect(connects()).toHaveLength(1);
      const heapAtConnect = cHeapLeft(host, env.elf);
      outage = true;
      for (const s of relayed) s.destroy();
      const back = 30_000 + 110 * 60_000;
      await run(back);
      outage = false;
      expect(lux).toEqual([]);
      await run(back + 150_000);
      expect(host.halted).toBeUndefined();
      expect(connects()).toHaveLength(2);
      const minutes = lux.map((l) => Math.round(l.ts / 60));
      // Readings 1 to 110 were taken offline: the queue (100 messages) kept the newest 99 and the Thing's last values,
      // and the Thing's state said on reconnection (online, its description, its values) pushed none of them out.
      const offline = minutes.filter((m) => m * 60_000 < back);
      expect(offline).toEqual(Array.from({ length: 99 }, (_, i) => 12 + i));
      expect(minutes.slice(99)).toEqual(Array.from({ length: minutes.length - 99 }, (_, i) => 111 + i));
      expect(minutes.length).toBeGreaterThanOrEqual(101);
      // A full queue lives in the XS heap the manifest creates: the C heap left is what it was when connected.
      expect(cHeapLeft(host, env.elf)).toBe(heapAtConnect);
      // The broker kept no session: the board subscribed again, and a gateway's write reaches it.
      const values: { led: boolean; retain: boolean; illuminance: number }[] = [];
      listener.on('message', (topic, payload, packet) => { if (topic === `${THINGS}/values`) values.push({ ...(JSON.parse(payload.toString()) as { led: boolean; illuminance: number }), retain: packet.retain }); });
      const settle = async (done: () => boolean) => { for (let i = 0; i < 200 && !done(); i++) await run(host.emulatedMs + 100); };
      await new Promise((r) => listener.subscribe(`${THINGS}/values`, { qos: 1 }, r));
      await settle(() => values.length > 0);
      expect([values[0].retain, values[0].led]).toEqual([true, true]); // retained: the dark's LED on (a minute's sample may follow)
      listener.publish(`${THINGS}/set`, JSON.stringify({ led: false }), { qos: 1 });
      await settle(() => values.some((v) => !v.led));
      expect(values.map((v) => v.led)).toContain(false);
    } finally {
      await stop();
    }
  }, 480_000);
});

firmware('the fleet device\'s firmware and its DHCP lease (10 minutes here: the emulated router gives a day unless told)', () => {
  test('renewed at half its time; with the router\'s DHCP away past the lease the board loses its address, asks again until DHCP is back, takes one and reconnects; no reading lost', async () => {
    const b = await outageBoard('fleet-firmware-lease-test');
    try {
      const lan = b.host.lan!;
      lan.leaseSeconds = 600;
      await b.run(250_000);
      expect(b.connects()).toHaveLength(1);
      lan.ignoreDhcp = 12; // the renewal at 300 s and the next eleven asks go unanswered
      await b.run(1_500_000);
      expect(b.host.halted).toBeUndefined();
      const asks = lan.dhcpMessages.map((m) => ({ type: m.type, s: m.atMs / 1000, answered: m.answered }));
      expect(asks.slice(0, 2).map((m) => [m.type, m.answered])).toEqual([['DISCOVER', true], ['REQUEST', true]]);
      const leasedAt = asks[1].s;
      const unanswered = asks.filter((m) => !m.answered);
      expect(unanswered).toHaveLength(12);
      // Renewing from T1 (half the lease), then rebinding: asked for the same address until the lease ran out.
      expect(unanswered[0].type).toBe('REQUEST');
      expect(unanswered[0].s - leasedAt).toBeGreaterThan(295);
      expect(unanswered[0].s - leasedAt).toBeLessThan(310);
      const renewing = unanswered.filter((m) => m.type === 'REQUEST');
      const discovering = unanswered.filter((m) => m.type === 'DISCOVER');
      expect(unanswered).toEqual([...renewing, ...discovering]);
      expect(renewing.length).toBeGreaterThanOrEqual(3);
      expect(renewing.every((m) => m.s < leasedAt + 600)).toBe(true);
      // The lease gone, the address with it: the board starts over with DISCOVER, and DHCP answers one once back.
      expect(discovering[0].s - leasedAt).toBeGreaterThan(595);
      const back = asks.find((m, i) => i >= 2 && m.answered)!;
      expect(back.type).toBe('DISCOVER');
      // Its MQTT connection went with the address; the client reconnects once the board has one again.
      expect(b.connects()).toHaveLength(2);
      expect(b.connects()[1] / 1000).toBeGreaterThan(back.s);
      expect(b.connects()[1] / 1000).toBeLessThan(back.s + 15);
      // Renewed at half the new lease since, each answered.
      const since = asks.slice(asks.indexOf(back) + 2);
      expect(since.length).toBeGreaterThanOrEqual(1);
      expect(since.every((m) => m.type === 'REQUEST' && m.answered)).toBe(true);
      // Every reading arrived: those taken while the board had no address waited in its queue.
      const minutes = b.lux.map((l) => Math.round(l.ts / 60));
      expect(minutes).toEqual(Array.from({ length: minutes.length }, (_, i) => i + 1));
      expect(minutes.length).toBeGreaterThanOrEqual(24);
      expect([...b.lock.violations.values()]).toEqual([]);
    } finally {
      await b.stop();
    }
  }, 300_000);
});

firmware('the fleet device\'s firmware when its Wi-Fi access point is away (hosts/moddable/setup-network: Moddable\'s setup joined once)', () => {
  test('away at power-up: the app starts after wifiWaitMs (15 s) without the network, the board joins when the access point comes, and the reading taken offline reaches the broker', async () => {
    const b = await outageBoard('fleet-firmware-wifi-test');
    try {
      b.radio.setAccessPoint(false);
      await b.run(45_000);
      const started = b.lines((l) => l.startsWith('Wi-Fi: not joined after 15000 ms; the app starts'));
      expect(started).toHaveLength(1);
      expect(started[0].t).toBeGreaterThan(15_000);
      expect(started[0].t).toBeLessThan(17_000);
      // The app runs: its MQTT client is trying (with no link, each attempt fails at once).
      expect(b.lines((l) => l.startsWith(`fleet-device: ${ID} reconnects in`)).length).toBeGreaterThan(0);
      // Joins tried again: 1 s, 2 s, 4 s, 8 s, 16 s after each failure.
      expect(b.radio.failedJoins).toBeGreaterThanOrEqual(4);
      expect(b.radio.failedJoins).toBeLessThanOrEqual(7);
      expect(b.connects()).toEqual([]);
      b.radio.setAccessPoint(true);
      await b.run(110_000);
      expect(b.host.halted).toBeUndefined();
      expect(b.radio.joinedSsid).toBe('thingflow-emulated');
      expect(b.lines((l) => l === 'IP address 10.0.0.2')).toHaveLength(1);
      // Each try with the link down failed at once; its socket is closed (lwip-lock.c), so lwIP's five pcbs are not used up.
      expect(b.lines((l) => /no socket|connect error/.test(l))).toEqual([]);
      expect(b.connects()).toHaveLength(1);
      expect(b.connects()[0]).toBeLessThan(45_000 + 40_000); // within a back-off step of joining and the client's own
      // The first readings (the sample at the app's start and 60 s after it) arrived once connected.
      expect(b.lux.length).toBeGreaterThanOrEqual(1);
      expect(b.lux[0].at).toBeGreaterThan(b.connects()[0]);
      expect([...b.lock.violations.values()]).toEqual([]);
    } finally {
      await b.stop();
    }
  }, 240_000);

  test('away at power-up on a day with a date: the readings taken once the board has the time (SNTP, at its join after the app started) carry it; the one taken before counts from boot (all of them did, the scheduler having read the clock once, at its run)', async () => {
    const b = await outageBoard('fleet-firmware-late-time-test', { wallClockAtResetMs: DATED_RESET_MS });
    try {
      b.radio.setAccessPoint(false);
      await b.run(100_000); // the reading 60 s after the app's start is taken meanwhile
      b.radio.setAccessPoint(true);
      await b.run(270_000);
      const timeAt = b.lines((l) => l.startsWith('got unix time ')).map((c) => c.t);
      expect(timeAt).toHaveLength(1);
      // The app started at ~16 s without the network; its reading at ~76 s was taken without the time.
      const dated = expectDatedFromTheAnswer(b.lux, timeAt[0], 270_000, { before: 1, after: 2 });
      expect(dated[1] - dated[0]).toBeCloseTo(60, 1);
    } finally {
      await b.stop();
    }
  }, 240_000);

  test('its time server silent when it joins: the app starts without the time, the board asks again a minute later and two minutes after that, and the readings once it has an answer carry the date (it asked only at a join: a board on a stable network published seconds since boot for good)', async () => {
    const b = await outageBoard('fleet-firmware-silent-sntp-test', { wallClockAtResetMs: DATED_RESET_MS });
    try {
      b.host.lan!.ignoreNtp = 10; // the first two asks, five requests each
      await b.run(330_000);
      expect(b.host.halted).toBeUndefined();
      // Joined at once; the app's start waited for the time until wifiWaitMs, and the line says which (it said "not joined").
      expect(b.lines((l) => l.startsWith('Wi-Fi: ') && l.includes('the app starts')).map((c) => c.line)).toEqual(['Wi-Fi: joined, no time yet after 15000 ms; the app starts']);
      expect(b.lines((l) => l === "can't get time")).toHaveLength(2);
      const asked = b.lines((l) => l.startsWith('SNTP: asking again in ')).map((c) => c.line);
      expect(asked).toEqual(['SNTP: asking again in 60 s', 'SNTP: asking again in 120 s']);
      const timeAt = b.lines((l) => l.startsWith('got unix time ')).map((c) => c.t);
      expect(timeAt).toHaveLength(1);
      expect(timeAt[0]).toBeGreaterThan(200_000);
      expect(timeAt[0]).toBeLessThan(250_000);
      expect(b.connects()).toHaveLength(1); // the MQTT client did not wait for the time
      expectDatedFromTheAnswer(b.lux, timeAt[0], 330_000, { before: 2, after: 1 });
    } finally {
      await b.stop();
    }
  }, 240_000);

  test('its readings stamped with the network\'s time to the millisecond: within a few ms of their sensor reads, the reset not on a whole second (whole seconds over the board\'s own milliseconds, they were 0.44 s off here)', async () => {
    const b = await outageBoard('fleet-firmware-clock-ms-test', { wallClockAtResetMs: DATED_RESET_MS });
    try {
      await b.run(200_000);
      expect(b.lines((l) => l.startsWith('got unix time '))).toHaveLength(1);
      const errors = stampErrorsMs(b.host, b.lux);
      expect(errors.length).toBeGreaterThanOrEqual(3);
      expect(errors.filter((e) => Math.abs(e) >= CLOCK_SET_WITHIN_MS)).toEqual([]);
    } finally {
      await b.stop();
    }
  }, 240_000);

  test('its clock set again by SNTP 6 h after its first answer (a board\'s crystal drifts from the network\'s time): the time server 10 s ahead of the board by then, the readings after the re-sync carry the server\'s time, 60 s apart again', async () => {
    const { b, answers, resyncAt } = await resyncedBoard('fleet-firmware-resync-test', false);
    try {
      expect(answers[1]).toBeGreaterThanOrEqual(resyncAt);
      expect(answers[1]).toBeLessThan(resyncAt + 5_000);
      expect(b.connects()).toHaveLength(1); // connected all along
    } finally {
      await b.stop();
    }
  }, 900_000);

  test('its clock 0.3 s ahead of the server at the re-sync (a crystal\'s drift over 6 h): slewed, not stepped: the readings stay 60 s apart give or take 500 ppm, never a step back, and carry the server\'s time within 10 minutes', async () => {
    const b = await outageBoard('fleet-firmware-slew-test', { wallClockAtResetMs: DATED_RESET_MS });
    try {
      await b.run(60_000);
      const firstAnswer = b.lines((l) => l.startsWith('got unix time ')).map((c) => c.t);
      expect(firstAnswer).toHaveLength(1);
      b.host.lan!.ntpOffsetMs = -300;
      const resyncAt = firstAnswer[0] + 6 * 3_600_000;
      await b.run(resyncAt + 15 * 60_000, 1000);
      expect(b.host.halted).toBeUndefined();
      expect(b.lines((l) => l.startsWith('got unix time '))).toHaveLength(2);
      const moved = b.lines((l) => l.startsWith('SNTP: clock set again, ')).map((c) => Number(/, ([+-]\d+) ms$/.exec(c.line)![1]));
      expect(moved).toHaveLength(1);
      expect(Math.abs(moved[0] + 300)).toBeLessThan(CLOCK_SET_WITHIN_MS);
      const stamps = [...new Set(b.lux.map((l) => l.ts))];
      const steps = stamps.slice(1).map((ts, i) => ts - stamps[i]);
      expect(steps.filter((d) => Math.abs(d - 60) > 60 * 0.0005 + 0.001)).toEqual([]);
      const errors = stampErrorsMs(b.host, stamps.map((ts) => ({ ts })));
      const beforeResync = stamps.filter((ts) => ts * 1000 - DATED_RESET_MS < resyncAt).length;
      expect(errors.slice(0, beforeResync).filter((e) => Math.abs(e) >= CLOCK_SET_WITHIN_MS)).toEqual([]);
      // On its way: each minute's reading 30 ms nearer the server's time; there, once the 0.3 s is spent.
      expect(errors.slice(beforeResync, beforeResync + 3).every((e) => e < -CLOCK_SET_WITHIN_MS && e > -300 + CLOCK_SET_WITHIN_MS)).toBe(true);
      expect(errors.slice(-3).filter((e) => Math.abs(e + 300) >= CLOCK_SET_WITHIN_MS)).toEqual([]);
    } finally {
      await b.stop();
    }
  }, 900_000);

  test('off the network when its clock is due to be set again: asked at the next join, the readings after carry the server\'s time', async () => {
    const { b, answers, resyncAt } = await resyncedBoard('fleet-firmware-resync-away-test', true);
    try {
      const joined = b.lines((l) => l.startsWith('IP address ')).map((c) => c.t);
      expect(joined).toHaveLength(2);
      expect(joined[1]).toBeGreaterThan(resyncAt + 60_000); // the access point back
      expect(answers[1]).toBeGreaterThan(joined[1]);
      expect(answers[1]).toBeLessThan(joined[1] + 5_000);
      expect(b.connects()).toHaveLength(2);
    } finally {
      await b.stop();
    }
  }, 900_000);

  test('off the air for 60 s mid-run: the board sees its link go, joins again when the access point is back, takes its address again and reconnects to the broker; the reading taken meanwhile arrives after', async () => {
    const b = await outageBoard('fleet-firmware-wifi-test');
    try {
      await b.run(30_000);
      expect(b.connects()).toHaveLength(1);
      expect(b.lines((l) => l.startsWith('Wi-Fi: not joined after'))).toEqual([]); // joined before wifiWaitMs: the app started then
      b.radio.setAccessPoint(false);
      await b.run(90_000);
      expect(b.lines((l) => l === 'Wi-Fi disconnected').length).toBe(1);
      expect(b.radio.failedJoins).toBeGreaterThanOrEqual(4);
      expect(b.lux).toEqual([]); // the 60 s reading is waiting on the board
      b.radio.setAccessPoint(true);
      await b.run(200_000);
      expect(b.host.halted).toBeUndefined();
      expect(b.lines((l) => l === 'IP address 10.0.0.2')).toHaveLength(2);
      expect(b.connects()).toHaveLength(2);
      expect(b.connects()[1]).toBeGreaterThan(90_000);
      expect(b.lux.map((l) => Math.round(l.ts / 60))).toEqual(expect.arrayContaining([1, 2, 3]));
      expect(b.lux[0].at).toBeGreaterThan(b.connects()[1]);
      expect([...b.lock.violations.values()]).toEqual([]);
    } finally {
      await b.stop();
    }
  }, 240_000);
});

firmware('the fleet device\'s firmware on a board up 49.7 days (the RP2040\'s timer started near 2^32 ms)', () => {
  test('its clock set again by SNTP after the wrap (the first answer 3 h before it, the re-sync 3 h after): moved by the server\'s 10 s, not by the 49.7 days Moddable\'s Date.now() fell back at the wrap, the readings after carrying the server\'s time, and Date.now() set to the nearest second', async () => {
    // The timer started 115 ms earlier than 3 h before the wrap: at the re-sync the board's milliseconds are then
    // 256 ms off the server's second. Date.now()'s second is chosen from its own milliseconds, the uptime's; chosen
    // from Time.ticks', 296 ms off those after the wrap (2^32 ms is not whole seconds), it was the next one, 744 ms
    // ahead of the server.
    const { b, answers, resyncAt } = await resyncedBoard('fleet-firmware-resync-wrap-test', false, (2 ** 32 - 3 * 3_600_000 - 115) * 1000);
    try {
      expect(answers[1]).toBeGreaterThanOrEqual(resyncAt);
      expect(answers[1]).toBeLessThan(resyncAt + 5_000);
      expect(b.connects()).toHaveLength(1);
    } finally {
      await b.stop();
    }
  }, 900_000);

  test('across the wrap of its 32-bit millisecond counts (Time.ticks, Moddable\'s timers, lwIP\'s sys_now and its timers, 3 min after reset) it stays connected, and its readings keep the date, 60 s apart', async () => {
    const b = await outageBoard('fleet-firmware-wrap-test', { wallClockAtResetMs: DATED_RESET_MS, timerStartUs: (2 ** 32 - 180_000) * 1000 });
    try {
      await b.run(480_000);
      expect(b.host.halted).toBeUndefined();
      expect(b.host.timerUs / 1000).toBeGreaterThan(2 ** 32 + 280_000); // wrapped
      expect(b.connects()).toHaveLength(1);
      const sinceReset = b.lux.map((l) => l.ts - DATED_RESET_MS / 1000);
      expect(sinceReset.length).toBeGreaterThanOrEqual(7);
      expect(sinceReset.every((t, i) => t > 0 && t < b.lux[i].at / 1000 + 1)).toBe(true);
      expect(sinceReset.slice(1).every((t, i) => Math.abs(t - sinceReset[i] - 60) < 0.1)).toBe(true);
      expect([...b.lock.violations.values()]).toEqual([]);
    } finally {
      await b.stop();
    }
  }, 240_000);
});

/** The debug build, what a developer flashes to work under xsbug (`--debug`), built for the same network. */
const debugEnv = firmwareTestEnv('fleet-device', 'pico/pico_w', process.env, { settings: SETTINGS, subdir: 'debug', debug: true });
if (typeof debugEnv === 'string') console.log(debugEnv);

(typeof debugEnv === 'string' ? describe.skip : describe)('the fleet device\'s debug build for pico/pico_w (XS\'s debugger in the image, the C compiled for debugging)', () => {
  test('says hello to xsbug, waits for it and, with none there, joins, takes the time, connects and publishes its readings, every lwIP call under the radio\'s lock', async () => {
    const b = await outageBoard('fleet-firmware-debug-test', { wallClockAtResetMs: DATED_RESET_MS, image: debugEnv });
    try {
      await b.run(190_000);
      expect(b.host.halted).toBeUndefined();
      expect(b.lines((l) => /^<xsbug><login name="main" value="XS [\d.]+ 32-bit/.test(l))).toHaveLength(1);
      expect(b.lux.length).toBeGreaterThanOrEqual(3);
      const sinceReset = b.lux.map((l) => l.ts - DATED_RESET_MS / 1000);
      expect(sinceReset.every((t, i) => t > 0 && t < b.lux[i].at / 1000 + 1)).toBe(true); // dated: SNTP answered
      expect(sinceReset[2] - sinceReset[1]).toBeCloseTo(60, 1);
      expect([...b.lock.violations.values()]).toEqual([]);
    } finally {
      await b.stop();
    }
  }, 240_000);
});

firmware('the fleet device\'s image: Moddable\'s C code and lwIP', () => {
  test('every lwIP function Moddable\'s code in the image calls is one lwip-lock.c wraps (calls the run did not make included: RAW sockets, a static address)', () => {
    if (typeof env === 'string') throw new Error(env);
    // The objects of this very image: Moddable's build of it, when its ELF is the one under test.
    const app = join(moddableBuildDir(), 'tmp/pico/pico_w/release/fleet-device');
    const built = join(moddableBuildDir(), 'bin/pico/pico_w/release/fleet-device/xs_pico.elf');
    if (!existsSync(built) || !readFileSync(built).equals(readFileSync(env.elf))) {
      console.log(`skipped: ${env.elf} was not built in ${moddableBuildDir()} (its objects are not there to read)`);
      return;
    }
    const net = JSON.parse(readFileSync(join(__dirname, '../../manifests/thingflow-net.json'), 'utf8')) as { platforms: { [board: string]: { build?: { LDFLAGS: string } } } };
    const wrapped = new Set([...net.platforms['pico/pico_w'].build!.LDFLAGS.matchAll(/--wrap=(\w+)/g)].map((m) => m[1]));
    const calls: string[] = [];
    // Not the project's own lwIP code: lwip-lock.c holds the lock itself, and lwip-timers.c runs in lwIP's timeout or inside a wrapped (locked) call.
    for (const object of readdirSync(app).filter((f) => f.endsWith('.c.o') && f !== 'lwip-lock.c.o' && f !== 'lwip-timers.c.o')) {
      const r = spawnSync(binutil('nm'), ['-u', join(app, object)], { encoding: 'utf8' });
      for (const [, name] of r.stdout.matchAll(/^\s+U (\w+)$/gm)) if (LWIP_STATEFUL.test(name) && name !== 'netif_list') calls.push(`${name} (${object})`);
    }
    expect(calls.length).toBeGreaterThan(20);
    expect(calls.filter((c) => !wrapped.has(c.split(' ')[0]))).toEqual([]);
  });
});
