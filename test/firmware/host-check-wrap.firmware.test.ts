/**
 * The Web Thing on a board up 49.7 days: the host check app (test/firmware/host-check.firmware.test.ts) as Pico W
 * firmware, the RP2040's timer started a minute before its 32-bit millisecond counts wrap (`Time.ticks`,
 * Moddable's timers, lwIP's `sys_now`). The board's WoT server times its connections on `Time.ticks`
 * (`ConnectionGuard`'s ages modulo 2^32, the closing linger, a stalled client's budget): across the wrap a
 * client out of reach is still given up within STALLED_MS, not at once and not never, an action's 700 ms
 * wait still takes 700 ms, and HTTP and WebSocket clients are served before and after.
 *
 * Needs host-check.pico-pico_w.uf2 (the same image as host-check.firmware.test.ts) and the bootrom; skipped
 * in one line otherwise.
 */
import { createConnection, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { startBroker, type TestBroker } from '../support/brokers';
import { boardWeb, type BoardWeb } from './board-web';
import { firmwareTestEnv } from './firmware-test-env';
import { wifiHost } from './night-host';
import { tcpPcbLists, type LwipLockCheck } from './lwip-lock-check';
import type { Rp2040Host } from '../../sim/emulator/rp2040-host';

const SETTINGS = ['ssid=thingflow-emulated', 'password=emulated-wifi', 'mqtt.host=10.0.0.1', 'mqtt.port=1883', 'mdns=host-check'];
const env = firmwareTestEnv('host-check', 'pico/pico_w', process.env, { settings: SETTINGS });
if (typeof env === 'string') console.log(env);
const firmware = typeof env === 'string' ? describe.skip : describe;
const WOT_PORT = 18080;
/** The board's counts wrap this long after reset (emulated ms). */
const WRAP_AT_MS = 60_000;

firmware('the Web Thing on an emulated Pico W up 49.7 days (its timer started a minute before the 32-bit millisecond counts wrap)', () => {
  let broker: TestBroker;
  let host: Rp2040Host;
  let lock: LwipLockCheck;
  let web: BoardWeb;
  const relayed: Socket[] = [];
  const lines = () => host.consoleLines.map((c) => c.line);
  const wotPcbs = () => tcpPcbLists(host, (env as { elf: string }).elf).tcp_active_pcbs.pcbs.filter((p) => p.localPort === WOT_PORT);
  const until = (done: () => boolean, ms: number, what: string) => web.until(done, ms, what);
  const request = (path: string, init?: RequestInit) => fetch(`${web.base}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
  const postWait = (ms: number) => request('/wot/actions/wait', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ms }) });

  beforeAll(async () => {
    if (typeof env === 'string') return;
    broker = await startBroker('aedes');
    ({ host, lock } = wifiHost(env, broker.port, relayed, {}, [], [], undefined, { timerStartUs: (2 ** 32 - WRAP_AT_MS) * 1000 }));
    web = await boardWeb(host, WOT_PORT);
  }, 90_000);

  afterAll(async () => {
    if (typeof env === 'string') return;
    await web.close(relayed);
    await broker.stop();
  });

  test('it serves across the wrap: a client out of reach since 3 s before it given up within STALLED_MS (10 s), an action\'s 700 ms wait straddling it taking 700 ms, HTTP and WebSocket before and after, every lwIP call under the radio\'s lock', async () => {
    expect(host.emulatedMs).toBeLessThan(WRAP_AT_MS - 20_000); // listening well before the wrap
    expect((await request('/properties/count')).status).toBe(200);
    // The actions' history full, so that GET /actions is the 6 KB answer, several segments: a client out of reach
    // holds the board's budget until it is given up, not only its closing linger.
    for (let i = 0; i < 40; i++) expect((await postWait(1)).status).toBe(204);
    expect(host.emulatedMs).toBeLessThan(WRAP_AT_MS - 5_000);
    await until(() => host.emulatedMs >= WRAP_AT_MS - 3_000, 240_000, '3 s before the wrap');

    const s = createConnection(Number(new URL(web.base).port), '127.0.0.1');
    s.on('error', () => {});
    await new Promise((r) => s.once('connect', r));
    await until(() => web.clients.some((c) => c.remotePort === s.localPort), 20_000, 'the gateway\'s side of the connection');
    await until(() => host.lan!.accepted.at(-1)!.accepted === true, 20_000, 'the board\'s SYN-ACK');
    host.lan!.goSilent(web.clients.find((c) => c.remotePort === s.localPort)!);
    const lostBefore = host.lan!.lostToSilence;
    s.write('GET /actions HTTP/1.1\r\nHost: host-check.local\r\n\r\n');
    const started = host.emulatedMs;
    try {
      await until(() => host.lan!.lostToSilence > lostBefore, 20_000, 'the board\'s answer, lost');
      // An action's wait that straddles the wrap.
      const waitSent = host.emulatedMs;
      expect(waitSent).toBeLessThan(WRAP_AT_MS);
      expect((await postWait(700)).status).toBe(204);
      const waited = host.emulatedMs - waitSent;
      expect(waited).toBeGreaterThanOrEqual(700);
      expect(waited).toBeLessThan(1_500);
      await until(() => wotPcbs().length === 0 || host.emulatedMs > started + 30_000, 120_000, 'no connection on the WoT port, or 30 emulated s');
      const gone = host.emulatedMs - started;
      expect(started + gone).toBeGreaterThan(WRAP_AT_MS); // given up after the wrap
      expect({ goneInTime: gone < 13_000 ? true : `${(gone / 1000).toFixed(1)} s`, left: wotPcbs().map((p) => p.state) }).toEqual({ goneInTime: true, left: [] });
    } finally {
      s.destroy();
    }

    // After the wrap: HTTP and a WebSocket session.
    const count = await request('/properties/count');
    expect(count.status).toBe(200);
    expect(typeof (await count.json() as { count: unknown }).count).toBe('number');
    const ws = new WebSocket(`${web.base.replace('http', 'ws')}/`);
    const got: { messageType: string; data: Record<string, unknown> }[] = [];
    ws.on('message', (m) => got.push(JSON.parse(m.toString())));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    ws.send(JSON.stringify({ messageType: 'setProperty', data: { led: true } })); // off since boot
    await until(() => lines().includes('host-check: led on') && got.some((m) => m.messageType === 'propertyStatus' && m.data.led === true), 20_000, 'the LED on and its propertyStatus');
    ws.close();
    expect(host.halted).toBeUndefined();
    expect(host.timerUs / 1000).toBeGreaterThan(2 ** 32); // wrapped
    // The app's own count of time since its start (Time.ticks less the start, wrap-safe) went on through the wrap.
    const since = lines().filter((l) => l.startsWith('host-check: sample ')).map((l) => Number(/ at \+(\d+) ms,/.exec(l)?.[1]));
    expect(since.every((ms, i) => i === 0 || (ms - since[i - 1] > 0 && ms - since[i - 1] < 1_000))).toBe(true);
    expect([...lock.violations.values()]).toEqual([]);
  }, 600_000);

  test('its Date.now() runs on through the wrap, as its clock does: each sample\'s Date.now() as far from its time since the start as the first\'s (Moddable\'s pico port read it from the 32-bit millisecond count: it fell back 49.7 days)', () => {
    const sampleLines = host.consoleLines.filter((c) => c.line.startsWith('host-check: sample '));
    // 250 ms apart, before the wrap and after it (`t`: emulated ms since reset).
    expect(sampleLines.filter((c) => c.t < WRAP_AT_MS).length).toBeGreaterThan(20);
    expect(sampleLines.filter((c) => c.t > WRAP_AT_MS).length).toBeGreaterThan(20);
    const samples = sampleLines.map((c) => /at \+(\d+) ms, Date\.now\(\) (\d+)$/.exec(c.line));
    expect(samples.every((m) => m !== null)).toBe(true);
    const read = samples.map((m) => ({ since: Number(m![1]), date: Number(m![2]) }));
    // Both from the same timer, read one after the other: they keep the same distance, but for the few ms a
    // collection of the XS heap between the two reads may take (seen: 3 ms, now and then). Moddable's own
    // Date.now() fell 2^32 ms behind at the wrap.
    const apart = read[0].date - read[0].since;
    expect(read.map((r) => ({ at: r.since, by: r.date - r.since - apart })).filter((d) => Math.abs(d.by) > 10)).toEqual([]);
  });
});
