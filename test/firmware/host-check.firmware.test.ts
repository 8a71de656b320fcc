/**
 * The Web Thing on the device itself, as Pico W firmware: the host check app
 * (manifests/host-check: a counter sampled every 250 ms, a Thing with its
 * `count` and `led` properties and a `wait` action, the runtime's
 * WebThingServer on Moddable's HTTP server) in rp2040js, on the emulated Pico
 * W's Wi-Fi. A real HTTP and WebSocket client here reaches the board's port
 * 18080 through the emulated network's gateway (`EmulatedLan.accept`), as a
 * client on the LAN would: the checks are those
 * test/hosts/moddable/lin-host-check.mjs makes of the same app on Moddable's
 * lin simulator. Every lwIP call of the run must hold the radio's lock
 * (lwip-lock-check.ts): a server accepts connections, which the fleet device
 * never does.
 *
 * Needs host-check.pico-pico_w.uf2 built for the emulated network (the
 * command is in the skip line) and the bootrom; skipped in one line otherwise.
 */
import { createConnection, type Socket } from 'node:net';
import dnsPacket from 'dns-packet';
import mqtt from 'mqtt';
import { WebSocket } from 'ws';
import { startBroker, type TestBroker } from '../support/brokers';
import { cHeapLeft } from './c-heap-left';
import { boardWeb, type BoardWeb } from './board-web';
import { firmwareTestEnv } from './firmware-test-env';
import { wifiHost } from './night-host';
import { lwipHeapBlocks, tcpPcbLists, tcpPcbQueued, type LwipLockCheck } from './lwip-lock-check';
import type { HeapIrqCheck } from './heap-irq-check';
import { elfSymbol, elfSymbolEntry } from '../../sim/emulator/elf-symbols';
import type { Rp2040Host } from '../../sim/emulator/rp2040-host';

const SETTINGS = ['ssid=thingflow-emulated', 'password=emulated-wifi', 'mqtt.host=10.0.0.1', 'mqtt.port=1883', 'mdns=host-check'];
const env = firmwareTestEnv('host-check', 'pico/pico_w', process.env, { settings: SETTINGS });
if (typeof env === 'string') console.log(env);
const firmware = typeof env === 'string' ? describe.skip : describe;
/** The app's `config.wotPort`. */
const WOT_PORT = 18080;

firmware('the Web Thing on an emulated Pico W: the host check app as firmware, reached from here over its Wi-Fi', () => {
  let broker: TestBroker;
  let host: Rp2040Host;
  let lock: LwipLockCheck;
  let heap: HeapIrqCheck;
  let web: BoardWeb;
  /** Where the pico-sdk's busy_wait_us_32 is: Moddable's `modDelayMilliseconds`. */
  let busyWait: number;
  /** lwIP's heap at each entry of busy_wait_us_32: what filled it when a write was refused. */
  const heapAtWaits: string[] = [];
  /** lwIP's heap, each time it was asked for a segment's buffer while a small block (a header-only segment held for its ACK) was in it. */
  const segmentsBesideSmallBlocks: string[] = [];
  /** Writes lwIP took for a socket while it held one of its earlier writes, and writes made while two other sockets held one (in-flight.ts). */
  const writesWithDataOut: string[] = [];
  const writesBesideTwoHeld: string[] = [];
  /** Chunks of a socket's write given to lwIP after it had sent the write's first part: the rest takes a second segment's buffer. */
  const writesSplit: string[] = [];
  /** Armed by a test: the next write in pieces gets the client's ACK in between two of them; then where it came. */
  let ackMidWrite: 'off' | 'armed' | string = 'off';
  let segmentBuffers = 0;
  /**
   * What Moddable's listener (modSocket.c's didAccept) was handed that it mishandles: an accept lwIP made without a
   * connection (no pcb for a client's SYN), which it queued as a socket; a connection it refused (its queue full), whose
   * pcb lwIP then left open with no owner, its client never answered. lwip-lock.c's accept wrapper keeps both from it.
   */
  const listenerMishaps: string[] = [];
  /** How many of the next socket messages to fail as the port's modMessagePostToMachine fails when its malloc finds no C heap; each failed, when. */
  let socketPostsToFail = 0;
  const failedSocketPosts: string[] = [];
  /** Moddable's socket waits with busy_wait_us_32 (25 ms, the whole board stopped) each time lwIP refuses a write for want of heap: its entries between two busy-cycle counts. */
  const busyWaitsBetween = (from: number, to: number) => host.entries.filter((e) => e.pc === busyWait && e.cycles >= from && e.cycles < to).length;
  const relayed: Socket[] = [];
  const lines = () => host.consoleLines.map((c) => c.line);
  /** The WoT server's `connectionsTimedOut`, as the app last told it (at a sample, when it moved). */
  const timedOut = () => {
    const told = lines().filter((l) => l.startsWith('host-check: connections timed out ')).at(-1);
    return told === undefined ? 0 : Number(told.slice('host-check: connections timed out '.length));
  };
  /** The board's TCP connections on its WoT port, as lwIP's active pcb list has them. */
  const wotPcbs = () => tcpPcbLists(host, (env as { elf: string }).elf).tcp_active_pcbs.pcbs.filter((p) => p.localPort === WOT_PORT);
  /** Wall-clock wait (the emulation runs on meanwhile) until `done` (board-web.ts). */
  const until = (done: () => boolean, ms: number, what: string) => web.until(done, ms, what);

  /** `fetch` with a deadline: a board that stops answering fails the test with what it was doing, not a jest timeout. */
  async function request(path: string, init?: RequestInit): Promise<Response> {
    try {
      return await fetch(`${web.base}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
    } catch (e) {
      throw new Error(`${init?.method ?? 'GET'} ${path}: ${String(e)}${e instanceof Error && e.cause !== undefined ? ` (${String(e.cause)})` : ''} at ${host.emulatedMs.toFixed(0)} emulated ms (halted: ${JSON.stringify(host.halted)}, emulation: ${String(web.failure ?? 'running')}); connections ${JSON.stringify(host.lan!.accepted)}, ${host.lan!.resets} reset, ${host.lan!.retransmits} sent again; console: ${lines().slice(-6).join(' | ')}`);
    }
  }

  /** The action history (`GET /actions`): its status and how many actions it lists. */
  const fetchActions = () => request('/actions').then(async (r) => [r.status, (JSON.parse(await r.text()) as unknown[]).length]);
  let historyFull = false;
  /**
   * The actions' history at its limit, so that `/actions` is the 6 KB answer (several segments) for the
   * tests that need one, each of them run alone too: with the history empty it is one small segment,
   * and a test of a stalled or silent client would pass by another way (the closing linger, not the sweep).
   */
  async function actionHistoryFull(): Promise<void> {
    if (historyFull) return;
    // The Thing keeps the latest 32 (DEFAULT_HISTORY_LIMITS): more, posted, leave it full.
    for (let i = 0; i < 40; i++) {
      expect((await request('/wot/actions/wait', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ms: 1 }) })).status).toBe(204);
    }
    historyFull = true;
  }

  /**
   * What lwIP's heap made the board wait for (busy waits of 25 ms, the heap at each) while `clients` ran, the
   * gateway acknowledging the board's data `ackDelayMs` late as a client's TCP does: none, when the board's budget holds.
   */
  async function heapWaitsWithLateAcks(ackDelayMs: number, clients: () => Promise<void>): Promise<{ waits: number; heap: string[] }> {
    host.lan!.ackDelayMs = ackDelayMs;
    try {
      const from = host.busyCycles;
      const heapsFrom = heapAtWaits.length;
      await clients();
      return { waits: busyWaitsBetween(from, host.busyCycles), heap: heapAtWaits.slice(heapsFrom) };
    } finally {
      host.lan!.ackDelayMs = 0;
    }
  }

  beforeAll(async () => {
    if (typeof env === 'string') return;
    broker = await startBroker('aedes');
    busyWait = elfSymbol(env.elf, 'busy_wait_us_32')!;
    // lwIP's heap as it was at each busy wait (the board waits when lwIP refuses a write for want of it).
    // With the board's TCP connections then (state and the client's port), so a failure says whose buffers filled it.
    const connections = () => tcpPcbLists(host, env.elf).tcp_active_pcbs.pcbs.map((p) => `${p.localPort}-${p.remotePort} ${p.state}`).join(', ');
    const waitedOn = { at: new Set([busyWait]), call: () => heapAtWaits.push(`${host.emulatedMs.toFixed(0)} ms, from ${(host.simulator.rp2040.core.LR >>> 0).toString(16)}: ${lwipHeapBlocks(host, env.elf).join(' ')}; connections ${connections()}`) };
    // Each allocation from lwIP's heap of a segment's buffer (TCP_OVERSIZE: 1,532 bytes, whatever the write): the small blocks held then.
    const segmentBuffer = { at: new Set([elfSymbol(env.elf, 'mem_malloc')!]), call: () => {
      if (host.simulator.rp2040.core.registers[0] < 1500) return;
      segmentBuffers++;
      const blocks = lwipHeapBlocks(host, env.elf);
      if (blocks.some((b) => /^U\d+/.test(b) && Number(b.slice(1).split(' ')[0]) < 200)) segmentsBesideSmallBlocks.push(`${host.emulatedMs.toFixed(0)} ms: ${blocks.join(' ')}; connections ${connections()}`);
    } };
    // The board's budget for lwIP's heap (hosts/moddable/in-flight.ts), checked where lwIP takes each write: a socket is given its
    // next write only once lwIP holds nothing of its last, and only while fewer than BOARD_SEGMENTS (2) other sockets hold one.
    // A write is the app's, one call of a socket's write (Moddable's `socket`, the ECMA-419 TCP socket): the former gives lwIP
    // a buffer from flash 128 bytes at a time, each a tcp_write of the same write, checked at the first.
    const queuedText = (q: { unsent: number[]; unacked: number[] }) => `unsent [${q.unsent.join(' ')}], unacked [${q.unacked.join(' ')}]`;
    let writeBegun = false;
    // The pcb a write is filling, from its first tcp_write on: Moddable's `socket` gives lwIP a write from flash 128 bytes at a
    // time, each chunk appended to the segment the first began, so one buffer for the write, unless lwIP sends that segment
    // before the write is done (see writesSplit).
    let filling = 0;
    const socketWrite = { at: new Set([elfSymbol(env.elf, 'xs_socket_write')!, elfSymbol(env.elf, 'xs_tcp_write')!]), call: () => { writeBegun = true; filling = 0; } };
    const tcpWrite = { at: new Set([elfSymbol(env.elf, 'tcp_write')!]), call: () => {
      const core = host.simulator.rp2040.core;
      const pcb = core.registers[0] >>> 0;
      const length = core.registers[2] & 0xffff;
      if (!writeBegun) {
        if (pcb !== filling) return;
        const own = tcpPcbQueued(host, pcb);
        if (ackMidWrite === 'armed' && own.unacked.length === 0 && own.unsent.length > 0) {
          // The client's ACK comes in between two pieces of the write (see the test that arms it).
          const port = tcpPcbLists(host, env.elf).tcp_active_pcbs.pcbs.find((p) => p.address === pcb)?.localPort;
          if (port !== undefined && host.lan!.ackNow(port)) ackMidWrite = `at ${host.emulatedMs.toFixed(0)} ms, a piece of ${length} bytes to port ${port}`;
        }
        if (own.unacked.length > 0) {
          const written = tcpPcbLists(host, env.elf).tcp_active_pcbs.pcbs.find((p) => p.address === pcb);
          writesSplit.push(`${expect.getState().currentTestName ?? '(between tests)'}: ${host.emulatedMs.toFixed(0)} ms, a chunk of ${length} bytes to ${written?.localPort ?? '?'}-${written?.remotePort ?? '?'} after lwIP sent the write's first part (${queuedText(own)})`);
          filling = 0; // once for the write
        }
        return;
      }
      writeBegun = false;
      filling = pcb;
      const active = tcpPcbLists(host, env.elf).tcp_active_pcbs.pcbs;
      // Data held: a SYN's or a FIN's segment alone (no data) is no write of the app's (nor a segment's buffer: the test above).
      const held = active.map((p) => ({ p, q: tcpPcbQueued(host, p.address) })).filter((x) => x.q.unsent.concat(x.q.unacked).some((n) => n > 0));
      const own = held.find((x) => x.p.address === pcb);
      const others = held.filter((x) => x.p.address !== pcb);
      const written = active.find((p) => p.address === pcb);
      const at = `${expect.getState().currentTestName ?? '(between tests)'}: ${host.emulatedMs.toFixed(0)} ms, a write of ${length} bytes to ${written?.localPort ?? '?'}-${written?.remotePort ?? '?'}`;
      const othersText = others.map((x) => `${x.p.localPort}-${x.p.remotePort} ${x.p.state} ${queuedText(x.q)}`).join('; ');
      if (own !== undefined) writesWithDataOut.push(`${at} while lwIP held ${queuedText(own.q)} of its own; others: ${othersText}`);
      if (others.length >= 2) writesBesideTwoHeld.push(`${at} while others held: ${othersText}`);
    } };
    const didAccept = elfSymbolEntry(env.elf, 'didAccept')!;
    let accepting = 0;
    const acceptWithoutConnection = { at: new Set([didAccept.address]), call: () => {
      accepting = host.simulator.rp2040.core.registers[1] >>> 0;
      if (accepting === 0) listenerMishaps.push(`${host.emulatedMs.toFixed(0)} ms: an accept without a connection (lwIP had no pcb for a SYN)`);
    } };
    // didAccept frees the socket record it made only when its queue is full, and returns ERR_ABRT, which tells lwIP the pcb was aborted.
    const refusedConnection = { at: new Set([elfSymbol(env.elf, '__wrap_free')!]), call: () => {
      const from = (host.simulator.rp2040.core.LR >>> 0) & ~1;
      if (accepting !== 0 && from >= didAccept.address && from < didAccept.address + didAccept.size) listenerMishaps.push(`${host.emulatedMs.toFixed(0)} ms: a connection (client port ${host.simulator.rp2040.readUint16(accepting + 24)}) refused, the listener's queue full: its pcb left open, no owner; connections ${connections()}`);
    } };
    // modMessagePostToMachine mallocs each message and returns -1 when it cannot: made to, for the socket's callback.
    const socketClearPending = elfSymbol(env.elf, 'socketClearPending')!;
    const failedPost = { at: new Set([elfSymbol(env.elf, 'modMessagePostToMachine')!]), call: () => {
      const core = host.simulator.rp2040.core;
      if (socketPostsToFail === 0 || ((core.registers[3] >>> 0) & ~1) !== socketClearPending) return;
      socketPostsToFail--;
      failedSocketPosts.push(`${host.emulatedMs.toFixed(0)} ms, for socket record ${(host.simulator.rp2040.readUint32(core.SP >>> 0) >>> 0).toString(16)}`);
      core.registers[0] = 0xffffffff;
      core.PC = (core.LR >>> 0) & ~1;
    } };
    ({ host, lock, heap } = wifiHost(env, broker.port, relayed, {}, [busyWait], [waitedOn, segmentBuffer, socketWrite, tcpWrite, acceptWithoutConnection, refusedConnection, failedPost]));
    // A client's connection here is one from the gateway to the board's WoT port (board-web.ts).
    web = await boardWeb(host, WOT_PORT);
  }, 90_000);
  afterAll(async () => {
    if (typeof env === 'string') return;
    await web.close(relayed);
    await broker.stop();
  });

  test('eight HTTP clients at once, twice, more than the board has TCP pcbs: each is answered, and no connection is left open on the board', async () => {
    // First, while the MQTT client may not hold a pcb yet. Moddable's listener queued 4 accepted connections; one accepted
    // before the app took the others was left with no owner: its client never answered, its pcb held for good (the
    // queue is now 8, manifests/thingflow-net.json). Then two of each eight were refused: the server's connection guard,
    // holding six, shed the oldest connection still in its headers, one whose request had come but was not yet read. A
    // connection younger than the guard's shedGraceMs is now spared and the newer one waits for its place.
    const elf = (env as { elf: string }).elf;
    web.stepMs = 2;
    const mishapsFrom = listenerMishaps.length;
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => fetch(`${web.base}${i % 2 === 0 ? '/properties/count' : '/'}`, { signal: AbortSignal.timeout(20_000) })
        .then((r) => r.status, (e: Error) => (e.name === 'TimeoutError' ? 'no answer in 20 s' : 'refused'))));
      expect({ round, unanswered: answers.filter((a) => a === 'no answer in 20 s').length, answers }).toEqual({ round, unanswered: 0, answers: answers.map(() => 200) });
    }
    expect(listenerMishaps.slice(mishapsFrom)).toEqual([]);
    const open = () => wotPcbs().filter((p) => p.state === 'ESTABLISHED');
    await until(() => open().length === 0, 10_000, `the board's connections closed (${JSON.stringify(open())})`);
    web.stepMs = 20;
  }, 90_000);

  test('sixteen HTTP clients at once, three times the connections lwIP has (five, one the MQTT client\'s): each is answered (the old image took a connection lwIP could not make for one: Moddable\'s listener hands the app a socket for a failed accept, with no connection behind it, and such sockets filled the guard\'s places and its waiting line, and real clients were refused)', async () => {
    web.stepMs = 2;
    try {
      const started = host.emulatedMs;
      const mishapsFrom = listenerMishaps.length;
      const answers = await Promise.all(Array.from({ length: 16 }, () => fetch(`${web.base}/properties/count`, { signal: AbortSignal.timeout(30_000) })
        .then((r) => r.status, (e: Error) => (e.name === 'TimeoutError' ? 'no answer in 30 s' : `refused (${String(e.cause)})`))));
      // Once in a run of the whole file, one of the sixteen had no answer in 30 s (wall clock): where the board and the gateway were then.
      const where = answers.every((a) => a === 200) ? '' : `${(host.emulatedMs - started).toFixed(0)} emulated ms; gateway's connections to the board ${JSON.stringify(host.lan!.accepted.slice(-20).map((a) => a.accepted))}, ${host.lan!.resets} reset, ${host.lan!.retransmits} sent again; board's pcbs ${tcpPcbLists(host, (env as { elf: string }).elf).tcp_active_pcbs.pcbs.map((p) => `${p.localPort}-${p.remotePort} ${p.state}`).join(', ')}; console: ${lines().slice(-4).join(' | ')}`;
      expect({ answers, where, listenerMishaps: listenerMishaps.slice(mishapsFrom) }).toEqual({ answers: answers.map(() => 200), where: '', listenerMishaps: [] });
    } finally {
      web.stepMs = 20;
    }
  }, 120_000);

  test('HTTP GET / is the Thing Description, with its WebSocket link; GET /properties/count a number', async () => {
    const r = await request('/');
    const td = await r.json() as { title: string; links?: { rel: string; href: string }[] };
    expect([r.status, td.title]).toEqual([200, 'Host check']);
    expect(td.links?.some((l) => l.rel === 'alternate' && l.href.startsWith('ws'))).toBe(true);
    const count = await request('/properties/count');
    expect([count.status, typeof (await count.json() as { count: unknown }).count]).toEqual([200, 'number']);
    expect(host.lan!.accepted.every((a) => a.accepted === true)).toBe(true);
  }, 60_000);

  test('HTTP PUT /properties/led drives the flow on the board; an unknown property is 404, a value outside the schema 400, an oversized body 413, and the board keeps serving', async () => {
    const r = await request('/properties/led', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ led: true }) });
    expect([r.status, await r.json()]).toEqual([200, { led: true }]);
    await until(() => lines().includes('host-check: led on'), 20_000, 'the LED on');
    const unknown = await request('/properties/nope');
    expect([unknown.status, (await unknown.json() as { status: string }).status]).toEqual([404, '404 Not Found']);
    // The old image answered 500: PropertyError's constructor assigned `this.name`, which the preload had made read-only.
    const wrong = await request('/properties/led', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"led":"x"}' });
    expect([wrong.status, (await wrong.json() as { status: string }).status]).toEqual([400, '400 Bad Request']);
    const big = await request('/properties/led', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(17 * 1024) });
    expect(big.status).toBe(413);
    expect((await request('/properties')).status).toBe(200);
  }, 60_000);

  /** A WebSocket handshake by hand, for frames written by hand (each write its own TCP segment): the socket, and what it has received. */
  async function rawWebSocket(): Promise<{ socket: Socket; got: Buffer[] }> {
    const socket = createConnection((web.server.address() as { port: number }).port, '127.0.0.1');
    socket.setNoDelay(true);
    const got: Buffer[] = [];
    socket.on('data', (d) => got.push(d));
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    await until(() => Buffer.concat(got).includes('\r\n\r\n'), 20_000, 'the handshake');
    return { socket, got };
  }

  /**
   * Two of the board's connections stop reading (256 bytes of room each, at their gateway sides), and are read again
   * after: what the board did about them within 30 emulated s of their buffers filling. The stall tests want them
   * ended soon (within 6 s: the stall sweep, not a later bound), reset, counted, no pcb left and the MQTT connection kept.
   */
  async function bothStopReading(gatewaySides: Socket[]) {
    const mqttClosedBefore = lines().filter((l) => /mqtt closed/.test(l)).length;
    const resetsBefore = host.lan!.resets;
    const timedOutBefore = timedOut();
    for (const side of gatewaySides) host.lan!.stopReading(side, 256);
    try {
      await until(() => gatewaySides.every((side) => host.lan!.unreadBytes(side) === 256), 30_000, 'both clients\' buffers full');
      const full = host.emulatedMs;
      await until(() => gatewaySides.every((side) => host.lan!.boardEnded(side)) || host.emulatedMs > full + 30_000, 120_000, 'the board ending both, or 30 emulated s');
      const ended = host.emulatedMs - full;
      await until(() => wotPcbs().length === 0 || host.emulatedMs > full + 30_000, 120_000, 'no connection on the WoT port, or 30 emulated s');
      await until(() => timedOut() - timedOutBefore >= 2 || host.emulatedMs > full + 30_000, 120_000, 'both counted, or 30 emulated s');
      return {
        endedSoon: ended < 6_000,
        resets: host.lan!.resets - resetsBefore,
        timedOut: timedOut() - timedOutBefore,
        left: wotPcbs().map((p) => p.state),
        mqttClosed: lines().filter((l) => /mqtt closed/.test(l)).slice(mqttClosedBefore),
      };
    } finally {
      for (const side of gatewaySides) host.lan!.readAgain(side);
    }
  }

  /**
   * Two WebSocket sessions at once, the board's places (BOARD_MAX_SESSIONS): how each went ('open' or the error),
   * both closed, their close handshakes over, before the next test counts the board's writes.
   */
  async function twoSessions(): Promise<string[]> {
    const sessions = [0, 1].map(() => new WebSocket(`${web.base.replace('http', 'ws')}/`));
    try {
      return await Promise.all(sessions.map((ws) => new Promise<string>((resolve) => { ws.once('open', () => resolve('open')); ws.once('error', (e) => resolve(String(e))); })));
    } finally {
      await Promise.all(sessions.map((ws) => new Promise((resolve) => { ws.once('close', resolve); ws.close(); })));
    }
  }

  /** A raw client's connection to the board (its errors left to the test's checks), its side at the gateway here, and its close. */
  async function rawClient(): Promise<{ s: Socket; gatewaySide: Socket; closed: Promise<void> }> {
    const s = createConnection(Number(new URL(web.base).port), '127.0.0.1');
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    s.on('error', () => {});
    await new Promise((r) => s.once('connect', r));
    const gatewaySide = () => web.clients.find((c) => c.remotePort === s.localPort);
    await until(() => gatewaySide() !== undefined, 20_000, 'the gateway\'s side of the connection');
    return { s, gatewaySide: gatewaySide()!, closed };
  }

  /** A raw HTTP exchange: `chunks` written `gapMs` apart (each its own TCP segment to the board), then all it answered until it closed. */
  async function exchange(chunks: string[], gapMs: number): Promise<string> {
    const s = createConnection(Number(new URL(web.base).port), '127.0.0.1');
    s.setNoDelay(true);
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    s.on('error', (e) => { got += ` [${e.message}]`; });
    await new Promise((r) => s.once('connect', r));
    for (const c of chunks) {
      s.write(c);
      await new Promise((r) => setTimeout(r, gapMs));
    }
    const deadline = setTimeout(() => { got += ' [no close in 20 s]'; s.destroy(); }, 20_000);
    await closed;
    clearTimeout(deadline);
    return got;
  }
  const statusLine = (answer: string) => answer.split('\r\n')[0];

  test('HTTP requests in pieces: a request line and its headers in separate segments, a header byte by byte, two requests in one segment, a 9 KB request line; HTTP/1.1 without a Host header', async () => {
    // The old image closed each of these without a word. A segment that ended a line before the headers did made the next
    // `read(String, '\n')` throw "nothing to read" (Moddable's lwIP socket throws when the segment is used up), which ended the
    // connection; and a close with input still unread is a reset in lwIP, which threw away the answer not yet sent.
    const get = 'GET /properties/count HTTP/1.1\r\nHost: host-check.local\r\n\r\n';
    expect(statusLine(await exchange(['GET /properties/count HTTP/1.1\r\n', 'Host: host-check.local\r\n', '\r\n'], 60))).toBe('HTTP/1.1 200 OK');
    expect(statusLine(await exchange(['GET /properties/count HTTP/1.1\r\n', ...'Host: host-check.local\r\n\r\n'.split('')], 15))).toBe('HTTP/1.1 200 OK');
    const twice = await exchange([get + get], 0);
    expect([statusLine(twice), twice.split('HTTP/1.1').length - 1]).toEqual(['HTTP/1.1 200 OK', 1]); // the first answered, then closed
    expect(statusLine(await exchange([`GET /${'x'.repeat(9000)} HTTP/1.1\r\nHost: host-check.local\r\n\r\n`], 0))).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    // HTTP/1.1 without a Host header: 400, as Node's server answers it (the old image answered 200); HTTP/1.0 needs none.
    expect(statusLine(await exchange(['GET /properties/count HTTP/1.1\r\n\r\n'], 0))).toBe('HTTP/1.1 400 Bad Request');
    expect(statusLine(await exchange(['GET /properties/count HTTP/1.0\r\n\r\n'], 0))).toBe('HTTP/1.1 200 OK');
    expect((await request('/properties')).status).toBe(200);
  }, 90_000);

  test('HTTP Expect: 100-continue is met before the body is sent, as Node\'s server meets it (the old image said nothing, and curl waits a second before it sends); another expectation is 417', async () => {
    const s = createConnection(Number(new URL(web.base).port), '127.0.0.1');
    s.setNoDelay(true);
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    await new Promise((r) => s.once('connect', r));
    const body = '{"led":true}';
    s.write(`PUT /properties/led HTTP/1.1\r\nHost: host-check.local\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`);
    try {
      await until(() => got.includes('\r\n\r\n'), 10_000, 'an interim answer before the body');
      expect(got).toBe('HTTP/1.1 100 Continue\r\n\r\n');
      s.write(body);
      await until(() => got.includes('{"led":true}'), 10_000, 'the answer to the body');
      expect(got.split('\r\n\r\n')[1].split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    } finally {
      s.destroy();
    }
    expect(statusLine(await exchange(['PUT /properties/led HTTP/1.1\r\nHost: host-check.local\r\nExpect: the-impossible\r\nContent-Length: 12\r\n\r\n{"led":true}'], 0))).toBe('HTTP/1.1 417 Expectation Failed');
    expect((await request('/properties')).status).toBe(200);
  }, 60_000);

  test('HTTP POST /wot/actions/wait answers when the action completes, 700 emulated ms later', async () => {
    const sent = host.emulatedMs;
    const r = await request('/wot/actions/wait', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ms: 700 }) });
    expect(r.status).toBe(204);
    expect(host.emulatedMs - sent).toBeGreaterThanOrEqual(700);
    expect(lines()).toContain('host-check: wait 700 ms done');
  }, 60_000);

  test('HTTP: a 6 KB answer goes out a segment at a time as the client acknowledges it, and the board never stops to wait for lwIP\'s heap (the old image gave lwIP all of it: 39 refusals, each a 25 ms busy wait of the whole board)', async () => {
    await actionHistoryFull();
    const from = host.busyCycles;
    const r = await request('/actions');
    const text = await r.text();
    const to = host.busyCycles;
    expect(r.status).toBe(200);
    expect(text.length).toBeGreaterThan(6000);
    expect((JSON.parse(text) as unknown[]).length).toBe(32); // the Thing keeps the latest 32 (DEFAULT_HISTORY_LIMITS)
    expect(busyWaitsBetween(from, to)).toBe(0);
    expect((await request('/properties')).status).toBe(200);
  }, 120_000);

  test('HTTP: a client that closes its side once its request is sent (a half-close, as `nc -N` does) still reads the whole answer, the 6 KB one too, and the board then closes (the old image answered nothing: Moddable\'s socket, at the peer\'s FIN, dropped the callbacks that tell of acknowledgements and resets, and the server ended the connection)', async () => {
    await actionHistoryFull();
    const halfClosed = async (path: string): Promise<string> => {
      const s = createConnection({ port: Number(new URL(web.base).port), host: '127.0.0.1', allowHalfOpen: true });
      let got = '';
      s.on('data', (d: Buffer) => { got += d.toString('latin1'); });
      const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
      s.on('error', (e) => { got += ` [${e.message}]`; });
      await new Promise((r) => s.once('connect', r));
      s.end(`GET ${path} HTTP/1.1\r\nHost: host-check.local\r\n\r\n`);
      const deadline = setTimeout(() => { got += ' [no close in 20 s]'; s.destroy(); }, 20_000);
      await closed;
      clearTimeout(deadline);
      return got;
    };
    for (const [path, atLeast] of [['/properties/count', 10], ['/actions', 6000]] as const) {
      const answer = await halfClosed(path);
      const at = answer.indexOf('\r\n\r\n');
      const body = at < 0 ? '' : answer.slice(at + 4);
      const length = Number(/content-length: (\d+)/i.exec(answer.slice(0, at))?.[1]);
      expect({ path, status: answer.split('\r\n')[0], whole: body.length === length && length >= atLeast }).toEqual({ path, status: 'HTTP/1.1 200 OK', whole: true });
      expect(() => JSON.parse(body) as unknown).not.toThrow();
    }
    await until(() => wotPcbs().length === 0, 10_000, `the board's connections closed (${JSON.stringify(wotPcbs())})`);
  }, 90_000);

  test('WebSocket: setProperty drives the flow, and the board pushes propertyStatus for its count and the LED', async () => {
    const ws = new WebSocket(`${web.base.replace('http', 'ws')}/`);
    const got: { messageType: string; data: Record<string, unknown> }[] = [];
    ws.on('message', (m) => got.push(JSON.parse(m.toString())));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    ws.send(JSON.stringify({ messageType: 'setProperty', data: { led: false } }));
    await until(() => lines().includes('host-check: led off') && got.some((m) => m.messageType === 'propertyStatus' && m.data.led === false) && got.some((m) => m.messageType === 'propertyStatus' && 'count' in m.data), 20_000, 'the LED off and the pushes');
    ws.close();
  }, 60_000);

  test('WebSocket: a message in pieces is read whole and soon: 15 KB over a dozen segments, and a frame header alone with its payload 300 ms later', async () => {
    // Moddable's websocket reads a frame as if all of it were in the segment at hand: the old image took the first
    // segment's bytes as the whole message and the rest as frames of their own. Read whole, a 3 KB message then kept
    // the board busy for 4.7 emulated seconds: the JSON depth check's `charCodeAt` loop is quadratic on a board.
    const ws = new WebSocket(`${web.base.replace('http', 'ws')}/`);
    const got: { messageType: string; data: Record<string, unknown> }[] = [];
    ws.on('message', (m) => got.push(JSON.parse(m.toString())));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const sentAt = host.emulatedMs;
    ws.send(`{"messageType":"setProperty",${' '.repeat(15_000)}"data":{"led":true}}`); // under the 16 KiB limit
    await until(() => got.some((m) => m.messageType === 'propertyStatus' && m.data.led === true), 20_000, 'the LED on, from a 15 KB message');
    const tookMs = host.emulatedMs - sentAt;
    expect({ tookMs, errors: got.filter((m) => m.messageType === 'error') }).toEqual({ tookMs: expect.any(Number), errors: [] });
    expect(tookMs).toBeLessThan(3000); // measured: about 1 s, the transfer included
    ws.close();

    const { socket, got: raw } = await rawWebSocket();
    const payload = Buffer.from(JSON.stringify({ messageType: 'setProperty', data: { led: false } }));
    const mask = [7, 1, 9, 4];
    socket.write(Buffer.from([0x81, 0x80 | payload.length, ...mask])); // text, masked, 7-bit length: the header alone
    await new Promise((r) => setTimeout(r, 300));
    socket.write(payload.map((b, i) => b ^ mask[i % 4]));
    await until(() => Buffer.concat(raw).includes('"led":false'), 20_000, 'the LED off, from a frame in two pieces');
    socket.destroy();
    expect((await request('/properties')).status).toBe(200);
  }, 60_000);

  test('WebSocket: a client\'s ping gets a pong with its payload, a message in fragments is read whole, a close is answered with the client\'s code, an unmasked frame is refused with 1002 (the old image answered a ping with its mask, took a fragment for a message, and closed without a close frame)', async () => {
    const ws = new WebSocket(`${web.base.replace('http', 'ws')}/`);
    const got: { messageType: string; data: Record<string, unknown> }[] = [];
    ws.on('message', (m) => got.push(JSON.parse(m.toString())));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    let pong: string | undefined;
    ws.once('pong', (data) => { pong = data.toString(); });
    ws.ping('are you there'); // masked, as every client's frame
    await until(() => pong !== undefined || ws.readyState !== WebSocket.OPEN, 20_000, 'a pong');
    expect(pong).toBe('are you there');
    // One text message in three fragments (RFC 6455 5.4), then one whole, each driving the LED.
    const text = JSON.stringify({ messageType: 'setProperty', data: { led: true } });
    ws.send(text.slice(0, 10), { fin: false });
    ws.send(text.slice(10, 30), { fin: false });
    ws.send(text.slice(30), { fin: true });
    const pushed = (led: boolean) => got.some((m) => m.messageType === 'propertyStatus' && m.data.led === led);
    await until(() => pushed(true) || ws.readyState !== WebSocket.OPEN, 20_000, 'the LED on, from a message in fragments');
    ws.send(JSON.stringify({ messageType: 'setProperty', data: { led: false } }));
    await until(() => pushed(false) || ws.readyState !== WebSocket.OPEN, 20_000, 'the LED off, from the message after it');
    expect(got.filter((m) => m.messageType === 'error')).toEqual([]);
    ws.close(1000, 'done');
    expect(await closed).toBe(1000); // 1006: closed without a close frame

    const { socket, got: raw } = await rawWebSocket();
    const handshake = Buffer.concat(raw).indexOf('\r\n\r\n') + 4;
    socket.write(Buffer.concat([Buffer.from([0x81, 2]), Buffer.from('hi')])); // unmasked: only a server sends such a frame
    const closeFrame = () => Buffer.concat(raw).subarray(handshake).indexOf(Buffer.from([0x88, 0x02]));
    await until(() => closeFrame() >= 0, 20_000, 'a close frame for the unmasked one');
    expect(Buffer.concat(raw).subarray(handshake).readUInt16BE(closeFrame() + 2)).toBe(1002);
    socket.destroy();
    expect((await request('/properties')).status).toBe(200);
  }, 120_000);

  test('WebSocket: a client that stops reading (its receive window closes, 256 bytes in) is over the board\'s byte budget from then on; the board resets the connection (what it holds cannot go), and lwIP lets go of its pcb and buffers, once closeAfterMs (10 s) and the closing linger (ACK_WAIT_MS, 2 s) have passed; it serves meanwhile, and the session\'s place is free again (the old image closed the socket for the app, but lwIP kept the connection, its unsent push and its close frame, probing the closed window for 7.6 minutes: a pcb of five and a buffer of its 4,000-byte heap)', async () => {
    const { socket, got } = await rawWebSocket();
    const gatewaySide = web.clients.at(-1)!;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const pushes = () => Buffer.concat(got).toString('latin1').split('propertyStatus').length - 1;
    await until(() => pushes() >= 2, 20_000, 'pushes of the count');
    const resetsBefore = host.lan!.resets;
    host.lan!.stopReading(gatewaySide, 256);
    const stalled = host.emulatedMs;
    // The count is pushed every 250 ms: the window closes within a second or two, and the socket's write stays out.
    await until(() => host.lan!.unreadBytes(gatewaySide) === 256, 30_000, 'the client\'s buffer full');
    const full = host.emulatedMs - stalled;
    expect((await request('/properties/count')).status).toBe(200);
    await until(() => host.lan!.boardEnded(gatewaySide) || host.emulatedMs > stalled + 30_000, 120_000, 'the board ending the stalled connection, or 30 emulated s');
    const ended = host.lan!.boardEnded(gatewaySide) ? host.emulatedMs - stalled : undefined;
    const left = wotPcbs().map((p) => p.state);
    try {
      expect({ full: full < 3_000, ended: ended !== undefined && ended >= 10_000 && ended <= full + 10_000 + 2_000 + 1_000, wotPcbs: left })
        .toEqual({ full: true, ended: true, wotPcbs: [] });
      expect(host.lan!.resets - resetsBefore).toBe(1); // the board's reset (what the client's buffer held goes with it)
      await closed;
    } finally {
      host.lan!.readAgain(gatewaySide);
      socket.destroy();
    }
    // Both of the board's sessions (BOARD_MAX_SESSIONS) open: the stalled one's place was given back.
    expect(await twoSessions()).toEqual(['open', 'open']);
    expect((await request('/properties')).status).toBe(200);
  }, 240_000);

  test('HTTP: two clients that stop reading the 6 KB answer (256 bytes of room each) hold both of the board\'s in-flight segments; once another socket has waited STALLED_WHILE_WAITED_MS (2 s) for them, the board resets both (nothing acknowledged for as long) and counts them (connectionsTimedOut), lwIP keeps no pcb for them, and the others are served: another client is answered and the MQTT client keeps its connection (the old image held both segments for good: nothing of the board\'s was written again, the MQTT client was dropped by its keep-alive and its reconnections never sent CONNECT)', async () => {
    await actionHistoryFull();
    const mqttClosedBefore = lines().filter((l) => /mqtt closed/.test(l)).length;
    const stalledClients = await Promise.all([0, 1].map(async () => {
      const client = await rawClient();
      host.lan!.stopReading(client.gatewaySide, 256);
      client.s.write('GET /actions HTTP/1.1\r\nHost: host-check.local\r\n\r\n');
      return client;
    }));
    const started = host.emulatedMs;
    const resetsBefore = host.lan!.resets;
    const timedOutBefore = timedOut();
    try {
      // Another client, its connection closed once answered (so that lwIP's pcbs below are the stalled clients' alone).
      const answer = await exchange(['GET /properties/count HTTP/1.1\r\nHost: host-check.local\r\nConnection: close\r\n\r\n'], 0);
      const answeredAfter = host.emulatedMs - started;
      await until(() => stalledClients.every(({ gatewaySide }) => host.lan!.boardEnded(gatewaySide)) || host.emulatedMs > started + 30_000, 120_000, 'the board ending both stalled connections, or 30 emulated s');
      const ended = host.emulatedMs - started;
      await until(() => wotPcbs().length === 0 || host.emulatedMs > started + 30_000, 120_000, 'no connection on the WoT port, or 30 emulated s');
      await until(() => timedOut() - timedOutBefore >= 2 || host.emulatedMs > started + 30_000, 120_000, 'both counted, or 30 emulated s');
      expect({
        answer: statusLine(answer),
        answeredSoon: answeredAfter < 6_000,
        endedSoon: ended < 6_000,
        resets: host.lan!.resets - resetsBefore,
        timedOut: timedOut() - timedOutBefore,
        left: wotPcbs().map((p) => p.state),
        mqttClosed: lines().filter((l) => /mqtt closed/.test(l)).slice(mqttClosedBefore),
      }).toEqual({ answer: 'HTTP/1.1 200 OK', answeredSoon: true, endedSoon: true, resets: 2, timedOut: 2, left: [], mqttClosed: [] });
      await Promise.all(stalledClients.map(({ closed }) => closed));
    } finally {
      for (const { s, gatewaySide } of stalledClients) {
        host.lan!.readAgain(gatewaySide);
        s.destroy();
      }
    }
    expect((await request('/properties')).status).toBe(200);
  }, 240_000);

  test('WebSocket: both of the board\'s sessions stop reading (256 bytes of room each) and hold both in-flight segments; once the MQTT client has waited STALLED_WHILE_WAITED_MS (2 s) for them, the board resets both and counts them (connectionsTimedOut; the old image counted no session), lwIP keeps no pcb for them, the MQTT client keeps its connection, and both places take new sessions', async () => {
    const session = async () => {
      const { socket, got } = await rawWebSocket();
      return { socket, got, gatewaySide: web.clients.at(-1)!, closed: new Promise<void>((resolve) => socket.once('close', () => resolve())) };
    };
    const sessions = [await session(), await session()];
    const pushes = (got: Buffer[]) => Buffer.concat(got).toString('latin1').split('propertyStatus').length - 1;
    await until(() => sessions.every(({ got }) => pushes(got) >= 2), 20_000, 'pushes of the count to both');
    try {
      expect(await bothStopReading(sessions.map(({ gatewaySide }) => gatewaySide))).toEqual({ endedSoon: true, resets: 2, timedOut: 2, left: [], mqttClosed: [] });
      await Promise.all(sessions.map(({ closed }) => closed));
    } finally {
      for (const { socket } of sessions) socket.destroy();
    }
    // Both places free again (BOARD_MAX_SESSIONS): the sessions ended with their sockets.
    expect(await twoSessions()).toEqual(['open', 'open']);
  }, 240_000);

  test('HTTP: both of two event streams stop reading (256 bytes of room each) and hold both in-flight segments; once the MQTT client has waited STALLED_WHILE_WAITED_MS (2 s) for them, the board resets both and counts them (connectionsTimedOut), lwIP keeps no pcb for them, the MQTT client keeps its connection, and a new stream is served', async () => {
    const streams = await Promise.all([0, 1].map(async () => {
      const client = await rawClient();
      let got = '';
      client.s.on('data', (d: Buffer) => { got += d.toString('latin1'); });
      client.s.write('GET /wot/properties/count/observe HTTP/1.1\r\nHost: host-check.local\r\n\r\n');
      return { ...client, events: () => (got.match(/^data: /gm) ?? []).length };
    }));
    await until(() => streams.every(({ events }) => events() >= 2), 20_000, 'events on both streams');
    try {
      expect(await bothStopReading(streams.map(({ gatewaySide }) => gatewaySide))).toEqual({ endedSoon: true, resets: 2, timedOut: 2, left: [], mqttClosed: [] });
      await Promise.all(streams.map(({ closed }) => closed));
    } finally {
      for (const { s } of streams) s.destroy();
    }
    const r = await request('/wot/properties/count/observe');
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'text/event-stream']);
    await r.body!.cancel();
  }, 240_000);

  test('HTTP: a client out of reach (nothing the board sends it is acknowledged, its window open) is given up within STALLED_MS (10 s; sooner once another socket has waited for the budget) and lwIP lets go of it then (a reset), so three clients fetching the 6 KB answer right after never make the board wait for lwIP\'s heap (closed, lwIP kept retransmitting to it for half a minute, its segment\'s buffer in the heap beside the budget\'s two)', async () => {
    await actionHistoryFull();
    const { s, gatewaySide } = await rawClient();
    await until(() => host.lan!.accepted.at(-1)!.accepted === true, 20_000, 'the board\'s SYN-ACK');
    host.lan!.goSilent(gatewaySide); // its request still reaches the board; nothing comes back
    const lostBefore = host.lan!.lostToSilence;
    s.write('GET /actions HTTP/1.1\r\nHost: host-check.local\r\n\r\n');
    const started = host.emulatedMs;
    try {
      await until(() => host.lan!.lostToSilence > lostBefore, 20_000, 'the board\'s answer, lost');
      await until(() => wotPcbs().length === 0 || host.emulatedMs > started + 30_000, 120_000, 'no connection on the WoT port, or 30 emulated s');
      const gone = host.emulatedMs - started;
      expect({ goneInTime: gone < 13_000 ? true : `${(gone / 1000).toFixed(1)} s`, left: wotPcbs().map((p) => p.state) }).toEqual({ goneInTime: true, left: [] });
      expect(await heapWaitsWithLateAcks(40, async () => {
        expect(await Promise.all([0, 1, 2].map(fetchActions))).toEqual([[200, 32], [200, 32], [200, 32]]);
      })).toEqual({ waits: 0, heap: [] });
    } finally {
      s.destroy();
    }
  }, 240_000);

  test('HTTP: three clients fetch the 6 KB answer at once, each acknowledging late as a client\'s TCP does (delayed ACK, 40 ms): the board\'s connections with a write out stay within lwIP\'s heap, and the board never stops to wait for it (the old image: 9 to 15 waits of 25 ms)', async () => {
    await actionHistoryFull();
    // lwIP's heap (4,000 bytes on a Pico W) holds a segment's buffer (~1.5 KB) for each write a connection has out
    // until it is acknowledged, however small the write: three connections with one each do not fit. (After the
    // 15 KB WebSocket message: the XS heap has grown for it, and three 6 KB answers at once fit in it.)
    expect(await heapWaitsWithLateAcks(40, async () => {
      expect(await Promise.all([0, 1, 2].map(fetchActions))).toEqual([[200, 32], [200, 32], [200, 32]]);
    })).toEqual({ waits: 0, heap: [] });
    expect((await request('/properties')).status).toBe(200);
  }, 120_000);

  test('HTTP: eight clients at once, more than the board keeps open, acknowledging late (delayed ACK, 1.5 s): a connection whose answer is out unacknowledged is not shed to make room, and the board never stops to wait for lwIP\'s heap (the old image shed it: its buffer stayed in lwIP\'s heap while the budget counted it no more)', async () => {
    // Each answer is one write, its segment's buffer in lwIP's heap until the client acknowledges it; the board closes the
    // connection then (Connection: close). Six connections hold places at most: the others wait for one. The old image
    // counted an answered connection idle, and the guard's sweep (each second) shed it for a waiting one; now it gives
    // up its place at once and keeps its socket and its share of the budget until the ACK.
    web.stepMs = 2;
    try {
      expect(await heapWaitsWithLateAcks(1500, async () => {
        const answers = await Promise.all(Array.from({ length: 8 }, () => request('/properties/count').then((r) => r.status)));
        expect(answers).toEqual(answers.map(() => 200));
      })).toEqual({ waits: 0, heap: [] });
    } finally {
      web.stepMs = 20;
    }
    expect((await request('/properties')).status).toBe(200);
  }, 120_000);

  test('HTTP: a client\'s ACK that comes in the middle of a write (between the 128-byte pieces Moddable\'s socket gives lwIP) does not send the write\'s first part alone: the write keeps one segment\'s buffer of lwIP\'s heap, as the board\'s budget counts it (the old image sent it, and the rest took a second buffer: pico/lwip-lock.c)', async () => {
    await actionHistoryFull();
    const splitFrom = writesSplit.length;
    ackMidWrite = 'armed';
    try {
      expect(await fetchActions()).toEqual([200, 32]);
    } finally {
      if (ackMidWrite === 'armed') ackMidWrite = 'off';
    }
    expect(ackMidWrite).toMatch(/^at \d+ ms, a piece of \d+ bytes to port 18080$/);
    ackMidWrite = 'off';
    expect(writesSplit.slice(splitFrom)).toEqual([]);
  }, 120_000);

  test('WebSocket: a client connecting while two HTTP answers hold the board\'s budget (200 ms ACKs) gets its handshake once there is room, and the board never stops to wait for lwIP\'s heap (the old image let the websocket module\'s own write, the handshake, past the budget: a third buffer, and waits of 25 ms)', async () => {
    await actionHistoryFull();
    expect(await heapWaitsWithLateAcks(200, async () => {
      const started = host.emulatedMs;
      const mishapsFrom = listenerMishaps.length;
      const answers = Promise.all([0, 1].map(fetchActions));
      await until(() => host.emulatedMs > started + 300, 20_000, 'both answers under way');
      const { socket } = await rawWebSocket();
      expect(await answers).toEqual([[200, 32], [200, 32]]);
      socket.destroy();
    })).toEqual({ waits: 0, heap: [] });
    expect((await request('/properties')).status).toBe(200);
  }, 120_000);

  test('WebSocket: two clients each send a last setProperty and their close frame in one segment, acknowledging late (delayed ACK, 200 ms): the board pushes the change and closes, each socket keeping its share of lwIP\'s heap until its push is acknowledged, and two clients fetching the 6 KB answer meanwhile never make the board wait for the heap', async () => {
    await actionHistoryFull();
    // A client's segments acknowledge what it has had, but nothing it is sent after its last one: here the push the
    // setProperty makes. Closed with it out, lwIP keeps its buffer for the ACK (200 ms later, a Windows client's).
    const masked = (opcode: number, payload: Buffer) => {
      const mask = [3, 1, 4, 1];
      return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, ...mask]), payload.map((b, i) => b ^ mask[i % 4])]);
    };
    const raws = await Promise.all([0, 1].map(() => rawWebSocket()));
    try {
      expect(await heapWaitsWithLateAcks(200, async () => {
        const settled = host.emulatedMs + 500; // the handshakes' answers acknowledged, pushes of the count flowing
        await until(() => host.emulatedMs > settled, 20_000, 'half a second of pushes');
        raws.forEach(({ socket }, i) => socket.write(Buffer.concat([
          masked(0x1, Buffer.from(JSON.stringify({ messageType: 'setProperty', data: { led: i === 0 } }))),
          masked(0x8, Buffer.from([0x03, 0xe8])), // close, 1000
        ])));
        expect(await Promise.all([0, 1].map(fetchActions))).toEqual([[200, 32], [200, 32]]);
      })).toEqual({ waits: 0, heap: [] });
    } finally {
      for (const { socket } of raws) socket.destroy();
    }
    expect((await request('/properties')).status).toBe(200);
  }, 120_000);

  test('HTTP GET /wot/properties/count/observe streams server-sent events as the count changes', async () => {
    const r = await request('/wot/properties/count/observe');
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'text/event-stream']);
    const reader = r.body!.getReader();
    let text = '';
    while ((text.match(/^data: /gm) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const counts = (text.match(/^data: .*$/gm) ?? []).map((l) => (JSON.parse(l.slice(6)) as { count: number }).count);
    expect(counts.length).toBeGreaterThanOrEqual(3);
    expect({ counts, text }).toEqual({ counts: [...new Set(counts)].sort((a, b) => a - b), text });
  }, 60_000);

  test('WebSocket: a message over the size limit is refused before it is read (1009), and the board keeps serving', async () => {
    const ws = new WebSocket(`${web.base.replace('http', 'ws')}/`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(20_000)); // over the server's 16 KiB
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([closed, new Promise((r) => { timer = setTimeout(() => r(`still open after 20 s; emulation ${String(web.failure ?? 'running')} at ${host.emulatedMs.toFixed(0)} ms`), 20_000); })]);
    clearTimeout(timer);
    expect(code).toBe(1009);
    expect((await request('/properties')).status).toBe(200);
  }, 60_000);

  test('WebSocket: an oversized message whose header comes alone, its payload later, is refused as well (1009), and the board keeps serving', async () => {
    // A handshake and a masked frame by hand, so the header ends a segment: the board has none of the payload when it reads the header.
    const { socket, got } = await rawWebSocket();
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(Buffer.concat(got).toString().split('\r\n')[0]).toBe('HTTP/1.1 101 Web Socket Protocol Handshake');
    got.length = 0;
    const length = 20_000;
    socket.write(Buffer.from([0x81, 0xfe, length >> 8, length & 0xff, 1, 2, 3, 4])); // text, masked, 16-bit length
    await new Promise((r) => setTimeout(r, 300));
    socket.write(Buffer.alloc(length, 0x61));
    /** The server's frames so far (unmasked): opcode and payload. The board pushes the count's updates too. */
    const frames = () => {
      const all = Buffer.concat(got);
      const out: { opcode: number; payload: number[] }[] = [];
      for (let at = 0; at + 2 <= all.length;) {
        let n = all[at + 1] & 0x7f;
        let header = 2;
        if (n === 126) [n, header] = [all.readUInt16BE(at + 2), 4];
        if (at + header + n > all.length) break;
        out.push({ opcode: all[at] & 0x0f, payload: [...all.subarray(at + header, at + header + n)] });
        at += header + n;
      }
      return out;
    };
    await until(() => frames().some((f) => f.opcode === 8), 20_000, 'the close frame');
    expect(frames().find((f) => f.opcode === 8)!.payload).toEqual([0x03, 0xf1]); // 1009
    socket.end();
    await ended;
    expect((await request('/properties')).status).toBe(200);
    // Both refused sessions gave their places back (the board takes 2): a WebSocket is still taken, not refused with 503.
    const ws = new WebSocket(`${web.base.replace('http', 'ws')}/`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    ws.close();
  }, 60_000);

  test('WebSocket clients that go away without a close frame leave no connection behind: more of them than lwIP has TCP pcbs, one after another, and the board keeps serving', async () => {
    // lwIP's pool holds MEMP_NUM_TCP_PCB (5) pcbs, and a pcb in CLOSE_WAIT is never reclaimed for a new one.
    for (let i = 0; i < 7; i++) {
      const ws = new WebSocket(`${web.base.replace('http', 'ws')}/`);
      const refused = (why: string) => new Error(`WebSocket ${i + 1}: ${why}; the board's connections: ${JSON.stringify(wotPcbs())}`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', (e) => reject(refused(String(e))));
        timer = setTimeout(() => reject(refused('not open after 20 s')), 20_000);
      }).finally(() => clearTimeout(timer));
      ws.terminate(); // a FIN, no close frame: a client that crashed, a tab killed
      const left = Date.now() + 30_000; // wall clock: a loaded machine emulates slowly
      while (wotPcbs().some((p) => p.state === 'CLOSE_WAIT' || p.state === 'ESTABLISHED') && Date.now() < left && !web.failure) await new Promise((r) => setTimeout(r, 20));
      expect({ client: i + 1, connections: wotPcbs() }).toEqual({ client: i + 1, connections: wotPcbs().filter((p) => p.state !== 'CLOSE_WAIT' && p.state !== 'ESTABLISHED') });
    }
    expect((await request('/properties')).status).toBe(200);
  }, 120_000);

  /** Every record in the board's mDNS datagrams from the `from`th on. */
  const mdnsRecords = (from: number) => host.lan!.mdns.slice(from).flatMap((d) => {
    const m = dnsPacket.decode(Buffer.from(d.data));
    return [...(m.answers ?? []), ...(m.additionals ?? [])] as { type: string; name: string; ttl?: number; data?: unknown }[];
  });
  /** The board's name and both its services announced (not a goodbye) in its mDNS datagrams from the `from`th on. */
  const announced = (from: number) => {
    const records = mdnsRecords(from);
    return records.some((r) => r.type === 'A' && r.name === 'host-check.local' && r.ttl !== 0)
      && ['_webthing._tcp.local', '_wot._tcp.local'].every((n) => records.some((r) => r.type === 'PTR' && r.name === n && r.ttl !== 0));
  };
  /** An MQTT client here, once the board's own is connected (what it publishes to the board reaches the app). */
  async function mqttToBoard(clientId: string): Promise<mqtt.MqttClient> {
    await until(() => lines().includes('host-check: mqtt connected'), 30_000, 'the board\'s MQTT client connected');
    const client = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { clientId });
    await new Promise((r) => client.on('connect', r));
    return client;
  }

  test('mDNS on the LAN: the board claims host-check.local, joins mDNS\'s group, and a query for _webthing._tcp and _wot._tcp, sent once its announcements are over, gets its port, its address and the TXT a WoT client reads (the old image joined no group: Moddable asked lwIP for interface 0, and the board dropped every query)', async () => {
    const lan = host.lan!;
    const records = (from = 0) => mdnsRecords(from);
    await until(() => records().some((r) => r.type === 'A' && r.name === 'host-check.local'), 20_000, 'the host name claimed (its announcement)');
    expect(records().find((r) => r.type === 'A' && r.name === 'host-check.local')!.data).toBe('10.0.0.2');
    // Its IGMP report: without it a switch or router does not forward the group's datagrams to it, nor does its own lwIP take them.
    expect([...lan.groups]).toContain('224.0.0.251');
    // Moddable announces each service 6 times, 500 ms apart doubling to 16 s: an answer in them proves nothing. Wait until they stop.
    let seen = lan.mdns.length;
    let quietSince = host.emulatedMs;
    await until(() => {
      if (lan.mdns.length !== seen) [seen, quietSince] = [lan.mdns.length, host.emulatedMs];
      return host.emulatedMs - quietSince > 17_000;
    }, 120_000, 'the end of the board\'s announcements');
    const from = lan.mdns.length;
    lan.sendMdns(dnsPacket.encode({ type: 'query', id: 0, questions: [{ type: 'PTR', name: '_webthing._tcp.local' }, { type: 'PTR', name: '_wot._tcp.local' }] }));
    const instanceOf = (service: string) => records(from).find((r) => r.type === 'PTR' && r.name === service)?.data as string | undefined;
    await until(() => instanceOf('_webthing._tcp.local') !== undefined && instanceOf('_wot._tcp.local') !== undefined, 20_000, 'the answers to the query');
    const all = records();
    const txt = (name: string) => Object.fromEntries(((all.find((r) => r.type === 'TXT' && r.name === name)?.data ?? []) as Buffer[]).map((b) => b.toString().split('=') as [string, string]));
    for (const service of ['_webthing._tcp.local', '_wot._tcp.local']) {
      const instance = instanceOf(service)!;
      const srv = all.find((r) => r.type === 'SRV' && r.name === instance)?.data as { port: number; target: string } | undefined;
      expect({ service, port: srv?.port, target: srv?.target }).toEqual({ service, port: WOT_PORT, target: 'host-check.local' });
    }
    expect(txt(instanceOf('_webthing._tcp.local')!)).toEqual({ path: '/' });
    expect(txt(instanceOf('_wot._tcp.local')!)).toEqual({ td: '/.well-known/wot', type: 'Thing', scheme: 'http' });
  }, 180_000);

  test('IGMP: the board reports mDNS\'s group when it joins and once more from its timer within half a second (lwIP\'s repeat, RFC 2236 3), then none unasked; a router\'s general query with a limit of 1 s gets a report within that second (IGMP\'s timer runs only while a report is pending: hosts/moddable/pico/lwip-timers.c)', async () => {
    const lan = host.lan!;
    const reports = () => lan.igmpReports.filter((r) => r.group === '224.0.0.251');
    await until(() => reports().length >= 2, 30_000, 'the join\'s report and its repeat');
    const [join, repeat] = reports();
    expect(repeat.atMs - join.atMs).toBeGreaterThan(0);
    expect(repeat.atMs - join.atMs).toBeLessThanOrEqual(500);
    const idleFrom = host.emulatedMs;
    await until(() => host.emulatedMs - idleFrom > 3000, 60_000, '3 s more on the board');
    expect(reports().length).toBe(2);
    for (const limitMs of [1000, 1000, 1000]) {
      const before = reports().length;
      const sent = lan.queryGroups(limitMs);
      await until(() => reports().length > before, 20_000, 'the answer to the query');
      const answer = reports()[before];
      expect(answer.atMs - sent).toBeLessThanOrEqual(limitMs + 2 * 2); // the LAN's round trip, 2 ms each way
      const quietFrom = host.emulatedMs;
      await until(() => host.emulatedMs - quietFrom > 1500, 60_000, '1.5 s more on the board');
      expect(reports().length).toBe(before + 1);
    }
  }, 180_000);

  test('the Web Thing stopped and started again (an app reconfiguring it): a WebSocket session is closed with 1001 (going away), mDNS says goodbye to both services (TTL 0) and lets go of its socket, and once started again, with a connection of its port in TIME_WAIT, the board listens, answers HTTP and WebSocket, and claims its name and announces its services anew (the old image removed no service: it passed their names to mDNS\'s remove, which takes a name for a query, so the board went on advertising a server that was gone, and its socket kept the mDNS port; and lwIP, built without SO_REUSE, refused the listener\'s bind while a connection of the port was in TIME_WAIT, two minutes after the board\'s last close)', async () => {
    const lan = host.lan!;
    // The name claimed and both services announced before the stop (a stop while mDNS still probes has nothing to say goodbye to).
    await until(() => announced(0), 60_000, 'the name and both services announced');
    const ws = new WebSocket(`${web.base.replace('http', 'ws')}/`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const listener = await mqttToBoard('host-check-firmware-restart');
    try {
      const mdnsFrom = lan.mdns.length;
      const linesFrom = lines().length;
      // A request the board answers and closes first: its side of that connection waits in TIME_WAIT (2 MSL, two minutes),
      // which kept the port from a listener bound again (lwIP without SO_REUSE: the old image's start failed, "socket bind").
      expect((await request('/properties')).status).toBe(200);
      const timeWait = () => tcpPcbLists(host, (env as { elf: string }).elf).tcp_tw_pcbs.pcbs.filter((p) => p.localPort === WOT_PORT);
      await until(() => timeWait().length > 0, 20_000, 'a connection of the port in TIME_WAIT');
      listener.publish('thingflow/lin/in', 'wot restart');
      await until(() => lines().includes('host-check: wot stopped'), 20_000, 'the server stopped');
      const stoppedAt = lan.mdns.length;
      let timer: NodeJS.Timeout | undefined;
      expect(await Promise.race([closed, new Promise((r) => { timer = setTimeout(() => r('still open after 20 s'), 20_000); })])).toBe(1001);
      clearTimeout(timer);
      const goodbyes = () => mdnsRecords(mdnsFrom).filter((r) => r.type === 'PTR' && r.ttl === 0).map((r) => r.name).sort();
      await until(() => goodbyes().length >= 2 || lines().slice(linesFrom).some((l) => /wot start/.test(l)), 20_000, 'the goodbyes, or the start again');
      expect(goodbyes()).toEqual(['_webthing._tcp.local', '_wot._tcp.local']);
      await until(() => lines().slice(linesFrom).some((l) => /wot start/.test(l)), 20_000, 'the start again');
      expect(lines().slice(linesFrom).filter((l) => /wot start/.test(l))).toEqual(['host-check: wot started']);
      expect((await request('/properties')).status).toBe(200);
      expect(await twoSessions()).toEqual(['open', 'open']);
      // Its name claimed again and both services announced (not goodbyes) after the start.
      await until(() => announced(stoppedAt), 60_000, 'the name and services announced again');
    } finally {
      listener.end(true);
      ws.terminate();
    }
  }, 180_000);

  test('the Web Thing stopped and started again while a client keeps a closed connection half-open (the board closed its side, the client not: FIN_WAIT_2 on the board, up to 20 s): the board listens and serves, and that connection still ends when the client closes (the old image refused the listener\'s bind while any connection of the port was left, not only one in TIME_WAIT: "socket bind", the server down)', async () => {
    await until(() => announced(0), 60_000, 'the name and both services announced');
    const elf = (env as { elf: string }).elf;
    const finWait2 = () => tcpPcbLists(host, elf).tcp_active_pcbs.pcbs.filter((p) => p.localPort === WOT_PORT && p.state === 'FIN_WAIT_2');
    // A client that reads the board's answer and its FIN and keeps its own side open (allowHalfOpen: Node would end it).
    const client = createConnection({ port: Number(new URL(web.base).port), host: '127.0.0.1', allowHalfOpen: true });
    const connected = new Promise((r) => client.once('connect', r));
    let got = '';
    let ended = false;
    client.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    client.on('end', () => { ended = true; });
    client.on('error', () => {});
    const listener = await mqttToBoard('host-check-firmware-restart-half-open');
    try {
      await connected;
      client.write('GET /properties/count HTTP/1.1\r\nHost: host-check.local\r\nConnection: close\r\n\r\n');
      await until(() => ended && finWait2().length === 1, 20_000, `the answer, and the board's side closed (${JSON.stringify(tcpPcbLists(host, elf).tcp_active_pcbs.pcbs)})`);
      expect(got.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      const linesFrom = lines().length;
      listener.publish('thingflow/lin/in', 'wot restart');
      await until(() => lines().slice(linesFrom).some((l) => /wot start/.test(l)), 20_000, 'the start again');
      expect(lines().slice(linesFrom).filter((l) => /wot start/.test(l))).toEqual(['host-check: wot started']);
      expect(finWait2()).toHaveLength(1); // the half-open connection was left as it was
      expect((await request('/properties')).status).toBe(200);
      client.end();
      await until(() => finWait2().length === 0, 20_000, 'the half-open connection ended by its client');
    } finally {
      client.destroy();
      if (!lines().includes('host-check: wot started')) listener.publish('thingflow/lin/in', 'wot restart');
      listener.end(true);
    }
    expect((await request('/properties')).status).toBe(200);
  }, 180_000);

  /**
   * Send the host check app a restart `command` over MQTT, once its name and services are announced: the lines of
   * its two starts (the first fails), then, after the second, that it answers HTTP and announces itself anew.
   */
  async function restartWithAFailedStart(command: string): Promise<string[]> {
    const lan = host.lan!;
    await until(() => announced(0), 60_000, 'the name and both services announced');
    const listener = await mqttToBoard(`host-check-firmware-${command.replace(/\W+/g, '-')}`);
    try {
      const linesFrom = lines().length;
      listener.publish('thingflow/lin/in', command);
      await until(() => lines().includes('host-check: wot stopped'), 20_000, 'the server stopped');
      const stoppedAt = lan.mdns.length;
      const starts = () => lines().slice(linesFrom).filter((l) => /wot start/.test(l));
      await until(() => starts().length >= 2, 20_000, 'both starts');
      if (starts()[1] === 'host-check: wot started') {
        expect((await request('/properties')).status).toBe(200);
        await until(() => announced(stoppedAt), 60_000, 'the name and services announced again');
      }
      return starts();
    } finally {
      listener.end(true);
    }
  }

  test('a start of the Web Thing that fails (mDNS\'s port held by another socket) leaves nothing started: once the port is free a second start listens, claims the name and announces both services (the old image left its HTTP listener up after the failure, so the second start returned at once and the board never advertised again)', async () => {
    expect(await restartWithAFailedStart('wot restart, mdns port busy')).toEqual(['host-check: wot start failed: socket bind failed', 'host-check: wot started']);
  }, 180_000);

  test('the Web Thing stopped and started in the same turn: the start fails with an error that says why (the port still closing: a board closes a listener in a later turn) and starts nothing; a start a turn later serves and advertises', async () => {
    expect(await restartWithAFailedStart('wot restart at once')).toEqual([
      `host-check: wot start failed: WebThingServer: cannot listen on port ${WOT_PORT} (socket bind): in use, or still closing after stop() (a board closes a listener in a later turn: start it then)`,
      'host-check: wot started',
    ]);
  }, 180_000);

  test('MQTT through the gateway: the board publishes its count and gets what is published to it', async () => {
    const listener = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'host-check-firmware-test' });
    try {
      const counts: string[] = [];
      listener.on('message', (_topic, payload) => counts.push(payload.toString()));
      await new Promise((r) => listener.on('connect', r));
      await new Promise((r) => listener.subscribe('thingflow/lin/count', { qos: 0 }, r));
      await until(() => lines().includes('host-check: mqtt connected') && counts.length > 0, 20_000, 'a count from the board');
      expect((JSON.parse(counts[0]) as unknown[])[0]).toBe('counter');
      listener.publish('thingflow/lin/in', 'hello from the test');
      await until(() => lines().includes('host-check: mqtt received thingflow/lin/in "hello from the test"'), 20_000, 'the board receiving');
    } finally {
      listener.end(true);
    }
  }, 60_000);

  test('MQTT: a 3 KB string, non-ASCII included, comes back byte for byte and at once: the board sends it a segment at a time (lwIP\'s 4,000-byte heap could not take it in one write, and the connection ended), and encodes it in one pass (its JS loops are quadratic on a board: 10.5 s)', async () => {
    const listener = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'host-check-firmware-echo' });
    try {
      const echoes: Buffer[] = [];
      listener.on('message', (_topic, payload) => echoes.push(payload));
      await new Promise((r) => listener.on('connect', r));
      await new Promise((r) => listener.subscribe('thingflow/lin/echo', { qos: 0 }, r));
      const text = Array.from({ length: 100 }, (_, i) => `${i} é€😀 ${'x'.repeat(i % 7)}|`).join('').padEnd(3000, '.');
      listener.publish('thingflow/lin/in', text);
      const sent = Buffer.from(text);
      await until(() => echoes.some((e) => e.length === sent.length), 20_000, 'the echo');
      expect(echoes.find((e) => e.length === sent.length)!.equals(sent)).toBe(true);
      const at = (line: string) => host.consoleLines.find((c) => c.line === line)?.t;
      const tookMs = at(`host-check: mqtt echoed ${sent.length} bytes`)! - at(`host-check: mqtt received thingflow/lin/in ${sent.length} bytes`)!;
      expect(tookMs).toBeLessThan(100); // emulated ms from receiving to having sent it back: 10.5 s with the JS loops (measured)
    } finally {
      listener.end(true);
    }
  }, 60_000);

  test('MQTT: end() sends what it has queued and its DISCONNECT before the connection closes: a last publish made in the same turn reaches the broker, and the broker, told goodbye, keeps the will (the old image dropped what waited for the broker\'s acknowledgement, DISCONNECT with it: the broker saw the connection drop and published the will)', async () => {
    const listener = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'host-check-firmware-end' });
    try {
      const got: string[] = [];
      listener.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
      await new Promise((r) => listener.on('connect', r));
      await new Promise((r) => listener.subscribe(['thingflow/lin/echo', 'thingflow/lin/status'], { qos: 0 }, r));
      listener.publish('thingflow/lin/in', 'end');
      await until(() => lines().includes('host-check: mqtt ended') && got.includes('thingflow/lin/echo bye'), 20_000, 'the last publish');
      // Time for the connection to close and for the broker to publish a will (at once, when it sees a connection drop).
      await new Promise((r) => setTimeout(r, 2000));
      expect(got.filter((m) => m.startsWith('thingflow/lin/status'))).toEqual([]);
    } finally {
      listener.end(true);
    }
  }, 60_000);

  test('lwIP\'s TCP pcb lists are whole after it all (a pcb closed by Moddable\'s tcp_close_safe was aborted too, freed twice, handed out twice, and linked to itself: the board hung in tcp_input)', () => {
    const lists = tcpPcbLists(host, (env as { elf: string }).elf);
    expect(Object.entries(lists).filter(([, l]) => l.loopsAt !== undefined).map(([name]) => name)).toEqual([]);
    expect(lists.tcp_listen_pcbs.pcbs).toHaveLength(1); // the WoT server's
    // Every connection a client closed first, the one refused with 1009 among them, was closed by the board too.
    expect(lists.tcp_active_pcbs.pcbs.filter((p) => p.state === 'CLOSE_WAIT')).toEqual([]);
  });

  test('WebSocket sessions and HTTP clients at once, acknowledging late (200 ms), 16 seeded rounds: pings, messages whole or in fragments, closes or clients leaving without one, the 6 KB answer fetched meanwhile; every client is answered and the board never stops to wait for lwIP\'s heap (the old images waited in one or two rounds of 16: a frame written in pieces went out as two segments, and a socket let go of its share at its peer\'s FIN)', async () => {
    await actionHistoryFull();
    let seed = 23;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const url = `${web.base.replace('http', 'ws')}/`;
    /** One WebSocket client: pings, a setProperty in up to three fragments, then a close (1000 back) or gone with a FIN. */
    async function session(problems: string[]): Promise<void> {
      const ws = new WebSocket(url);
      const got: { messageType: string }[] = [];
      ws.on('message', (m) => got.push(JSON.parse(m.toString())));
      ws.on('error', () => {});
      try {
        await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); setTimeout(() => reject(new Error('no open in 20 s')), 20_000); });
      } catch (e) {
        if (!String(e).includes('503')) problems.push(`open: ${String(e)}`); // 503: maxSessions (2) are open
        return;
      }
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      let pongs = 0;
      ws.on('pong', () => { pongs++; });
      const pings = random(3);
      for (let i = 0; i < pings; i++) ws.ping(`ping ${i}`);
      const text = JSON.stringify({ messageType: 'setProperty', data: { led: random(2) === 0 } }) + ' '.repeat(random(3000));
      const parts = 1 + random(3);
      for (let i = 0, at = 0; i < parts; i++) {
        const end = i === parts - 1 ? text.length : at + random(text.length - at + 1);
        ws.send(text.slice(at, end), { fin: i === parts - 1 });
        at = end;
      }
      await until(() => pongs >= pings || ws.readyState !== WebSocket.OPEN, 20_000, 'the pongs');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const errors = got.filter((m) => m.messageType === 'error');
      if (errors.length > 0 || pongs < pings) problems.push(`pongs ${pongs}/${pings}, errors ${JSON.stringify(errors)}`);
      if (random(3) === 0) {
        ws.terminate();
        return;
      }
      ws.close(1000);
      const code = await Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve('no close in 20 s'), 20_000))]);
      if (code !== 1000) problems.push(`close: ${code}`);
    }
    const rounds: string[] = [];
    for (let round = 0; round < 16; round++) {
      const problems: string[] = [];
      const { waits, heap } = await heapWaitsWithLateAcks(200, async () => {
        const clients: Promise<void>[] = [];
        for (let k = 2 + random(5); k > 0; k--) {
          const kind = random(6);
          if (kind === 0) clients.push(request('/properties/count').then((r) => { if (r.status !== 200) problems.push(`GET ${r.status}`); }));
          else if (kind === 1) clients.push(fetchActions().then((a) => { if (a[0] !== 200) problems.push(`GET /actions ${a[0]}`); }));
          else clients.push(session(problems));
        }
        await Promise.all(clients);
      });
      if (waits > 0 || problems.length > 0) rounds.push(`round ${round}: ${waits} waits ${heap.join(' | ')}; ${problems.join('; ')}`);
    }
    expect(rounds).toEqual([]);
    expect((await request('/properties')).status).toBe(200);
  }, 300_000);

  test('a socket message the port could not post (its malloc found no C heap at that moment) still reaches the app: three failed in a row, and three requests are answered (the old image lost each: the socket kept its pending flag, so nothing more was ever posted for it, and a listener\'s lost message left every later client unanswered)', async () => {
    socketPostsToFail = 3;
    const answers: number[] = [];
    for (let i = 0; i < 3; i++) answers.push((await request('/properties/count')).status);
    expect({ failed: failedSocketPosts.length, answers }).toEqual({ failed: 3, answers: [200, 200, 200] });
  }, 90_000);

  test('lwIP\'s heap held no header-only segment (a FIN, a SYN-ACK, kept until its ACK) whenever a segment\'s buffer was asked of it: such a small block, first fit, took the front of the hole a freed buffer left, and with another connection\'s buffer after it a 1,532-byte one fitted nowhere (the board waited 25 ms)', () => {
    expect(segmentBuffers).toBeGreaterThan(100);
    expect(segmentsBesideSmallBlocks).toEqual([]);
  });

  test('the board\'s budget for lwIP\'s heap held at every write lwIP took: no socket was given a write while lwIP held one of its earlier ones, nor while two other sockets held one (hosts/moddable/in-flight.ts), and no write took two segments\' buffers for one (lwIP sent none in the middle of a write: pico/lwip-lock.c)', () => {
    if (typeof env === 'string') throw new Error(env);
    expect(writesWithDataOut).toEqual([]);
    expect(writesBesideTwoHeld).toEqual([]);
    expect(writesSplit).toEqual([]);
  });

  test('the C heap kept room after it all: the radio\'s stack, the sockets and mDNS share it with the XS heap\'s growth', () => {
    // 77,824 bytes here after the whole run without a long message. The 15 KB WebSocket message (under the 16 KiB the
    // server takes) grows the XS heap once, by 20 KB: 57,344 left, and the same after five of them (measured). With
    // xsRun.c.o linked into SRAM (35 KB less heap) it was 40,960 after the first request, and the board panicked
    // "Out of memory" at its first connection during mDNS's probes in half of the runs.
    expect(cHeapLeft(host, (env as { elf: string }).elf)).toBeGreaterThanOrEqual(48 * 1024);
  });

  test('the C heap was never worked on by an interrupt and the main loop at once: the main loop masks interrupts inside it (the radio\'s callbacks allocate from an interrupt, and an allocation between the main loop\'s corrupted the heap: the board died on a wild pointer in about one run of three)', () => {
    expect(heap.fromInterrupts.size).toBeGreaterThan(0); // the radio's callbacks did allocate from an interrupt
    expect(heap.mainLoop.calls).toBeGreaterThan(1_000);
    expect({ unmasked: heap.mainLoop.unmasked, interleaved: heap.interleaved }).toEqual({ unmasked: 0, interleaved: { count: 0 } });
  });

  test('every lwIP call of the run, the server\'s accepted connections included, held the radio\'s lock', () => {
    expect(host.halted).toBeUndefined();
    expect(lock.checked.locked).toBeGreaterThan(1_000);
    expect([...lock.violations.values()]).toEqual([]);
    expect(lines().filter((l) => /Exception|abort|PANIC/.test(l))).toEqual([]);
  });
});
