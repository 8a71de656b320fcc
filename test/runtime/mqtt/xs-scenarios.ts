/**
 * MQTT scenarios run on Node and on a real XS machine (test/runtime/mqtt/xs.test.ts):
 * the codec must give the same bytes and the same packets on both engines
 * (XS uses the native TextEncoder/TextDecoder path, Node the JS loops), and
 * the client must run its protocol on XS against a scripted in-memory peer.
 * Types-only imports: on XS the runtime is `tf` (globalThis.thingflow).
 */
import type { Out, ScenarioTable, ThingflowRuntime } from '../../scenarios/scenario';

const hex = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
};
const bytesOf = (h: string) => {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
};

/** Packets as JSON with byte arrays shown as hex, for engine-independent printing. */
function show(p: unknown): string {
  return JSON.stringify(p, (_k, v) => (v instanceof Uint8Array ? `hex:${hex(v)}` : v));
}

function decodeAll(tf: ThingflowRuntime, out: Out, h: string, chunk: number): void {
  const d = new tf.PacketDecoder({
    onPacket: (p) => out(`packet ${show(p)}`),
    onProtocolError: (e) => out(`error ${e.name}: ${e.message}`),
  });
  const b = bytesOf(h);
  for (let i = 0; i < b.length; i += chunk) d.push(b.slice(i, i + chunk));
}

/**
 * What the scripted peer does with connection number `n` (1-based): never open ('hang'), open and
 * never answer CONNECT ('silent'), accept and then stay silent ('accept'), accept and close at once
 * ('accept-drop'). Its transport closes synchronously, as Moddable's does.
 */
type PeerMode = 'hang' | 'silent' | 'accept' | 'accept-drop';

function scriptedNetwork(tf: ThingflowRuntime, out: Out, modeOf: (n: number) => PeerMode, sessionPresent: () => boolean) {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextTimer = 1;
  const inbox: (() => void)[] = [];
  let connections = 0;
  let current: { close(): void; peerClose(): void } | undefined;
  const network = {
    open(_host: string, _port: number, handler: any) {
      const n = ++connections;
      const mode = modeOf(n);
      let closed = false;
      const transport = {
        write(b: Uint8Array) { if (!closed) broker.push(b); },
        // Synchronous, as hosts/moddable/mqtt-transport.ts: onClose runs inside close().
        close() {
          if (closed) return;
          closed = true;
          handler.onClose();
        },
        peerClose() {
          if (closed) return;
          closed = true;
          handler.onClose(new Error('closed by the peer'));
        },
      };
      const broker = new tf.PacketDecoder({
        onPacket(p: any) {
          const what = p.cmd === 'subscribe' ? ` ${p.subscriptions.map((x: any) => x.topic).join(',')}`
            : p.cmd === 'unsubscribe' ? ` ${p.unsubscriptions.join(',')}` : p.cmd === 'connect' ? ` clean=${p.clean}`
            : p.cmd === 'publish' ? ` ${p.topic} ${String.fromCharCode(...p.payload)} q${p.qos}${p.retain ? ' retain' : ''}` : '';
          out(`t=${now} broker #${n} got ${p.cmd}${what}`);
          if (p.cmd === 'connect' && (mode === 'accept' || mode === 'accept-drop')) {
            inbox.push(() => handler.onData(tf.encode({ cmd: 'connack', sessionPresent: sessionPresent(), returnCode: 0 })));
            if (mode === 'accept-drop') inbox.push(() => transport.peerClose());
          }
          if (p.cmd === 'subscribe') inbox.push(() => handler.onData(tf.encode({ cmd: 'suback', messageId: p.messageId, granted: p.subscriptions.map(() => 1) })));
          if (p.cmd === 'unsubscribe') inbox.push(() => handler.onData(tf.encode({ cmd: 'unsuback', messageId: p.messageId })));
        },
        onProtocolError(e: any) { out(`broker error ${e.message}`); },
      });
      if (mode !== 'hang') inbox.push(() => { if (!closed) handler.onOpen(); });
      current = transport;
      return transport;
    },
    setTimer(ms: number, fn: () => void) {
      const id = nextTimer++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer(id: unknown) {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    now: () => now,
  };
  const run = () => { while (inbox.length) inbox.shift()!(); };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      run();
      timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = timers[0];
      if (!t || t.at > until) break;
      timers.shift();
      now = t.at;
      t.fn();
    }
    now = until;
    run();
  };
  return {
    network, run, advance,
    connections: () => connections,
    pendingTimers: () => timers.length,
    peerClose: () => current?.peerClose(),
  };
}

export const scenarios: ScenarioTable = {
  'encode: every packet type, non-ASCII and odd strings'(tf, out) {
    const packets: any[] = [
      { cmd: 'connect', clientId: 'dev-é', keepalive: 30, clean: false, username: 'ü', password: 'p€', will: { topic: 'w/😀', payload: 'bye', qos: 1, retain: true } },
      { cmd: 'connack', sessionPresent: true, returnCode: 5 },
      { cmd: 'publish', topic: 'a/b', payload: 'x', qos: 0 },
      { cmd: 'publish', topic: 'é/€/😀', payload: 'lone \ud800 surrogate', qos: 1, messageId: 513, retain: true, dup: true },
      { cmd: 'publish', topic: 't', payload: new Uint8Array(300), qos: 0 },
      { cmd: 'puback', messageId: 1 }, { cmd: 'pubrel', messageId: 2 }, { cmd: 'unsuback', messageId: 3 },
      { cmd: 'subscribe', messageId: 9, subscriptions: [{ topic: 'a/+', qos: 1 }, { topic: '\ufeffbom/#', qos: 0 }] },
      { cmd: 'suback', messageId: 9, granted: [1, 128] },
      { cmd: 'unsubscribe', messageId: 10, unsubscriptions: ['a/+', 'ñ'] },
      { cmd: 'pingreq' }, { cmd: 'pingresp' }, { cmd: 'disconnect' },
    ];
    for (const p of packets) out(`${p.cmd} ${hex(tf.encode(p))}`);
    out(`fields ${hex(tf.encodePublishFields(tf.utf8Bytes('t/ä'), 'ü', 1, false, false, 7))}`);
    try {
      tf.encode({ cmd: 'publish', topic: 't', payload: 'x', qos: 1 } as any);
    } catch (e: any) {
      out(`${e.name}: ${e.message}`);
    }
  },

  'decode: valid packets, split into 1- and 5-byte chunks'(tf, out) {
    const stream = [
      tf.encode({ cmd: 'connect', clientId: 'dev-é', keepalive: 30, username: 'ü', password: 'p€', will: { topic: 'w/😀', payload: 'bye', qos: 1 } }),
      tf.encode({ cmd: 'publish', topic: '\ufeffé/€/😀', payload: 'hi', qos: 1, messageId: 513 }),
      tf.encode({ cmd: 'subscribe', messageId: 9, subscriptions: [{ topic: 'a/+', qos: 1 }] }),
      tf.encode({ cmd: 'suback', messageId: 9, granted: [1, 128] }),
      tf.encode({ cmd: 'pingresp' }),
    ].map(hex).join('');
    decodeAll(tf, out, stream, 1);
    decodeAll(tf, out, stream, 5);
  },

  'decode: malformed input gives one clear error'(tf, out) {
    const bad = [
      '0000', '30ffffffff01', '3003000574', '30040002c328', '30040002c0af', '30050003eda080', '3003000100',
      '30050003612f23', '200202' + '00', '82020001', '10' + '0d00044d5154540402' + '000000' + '0161'.slice(0, 2),
      '300600027400f0', // truncated 4-byte sequence at the end of the topic
    ];
    for (const h of bad) {
      out(`input ${h}`);
      decodeAll(tf, out, h, 64);
    }
  },

  'client: connect, subscribe, QoS 1 publish, keep-alive and reconnect against a scripted peer'(tf, out) {
    // A network whose "broker" answers with the codec, and whose timers run when the scenario says.
    let now = 0;
    const timers: { at: number; fn: () => void; id: number }[] = [];
    let nextTimer = 1;
    const inbox: (() => void)[] = [];
    let handlerOf: any;
    let connections = 0;
    let ackPublishes = true;
    const network = {
      open(_host: string, _port: number, handler: any) {
        connections++;
        handlerOf = handler;
        const broker = new tf.PacketDecoder({
          onPacket(p: any) {
            out(`broker got ${p.cmd}${p.cmd === 'publish' ? ` ${p.topic} q${p.qos} dup=${p.dup} id=${p.messageId ?? '-'} ${p.payload.length}B` : ''}${p.cmd === 'subscribe' ? ` ${p.subscriptions.map((s: any) => s.topic).join(',')}` : ''}`);
            if (p.cmd === 'connect') inbox.push(() => handler.onData(tf.encode({ cmd: 'connack', sessionPresent: false, returnCode: 0 })));
            if (p.cmd === 'subscribe') inbox.push(() => handler.onData(tf.encode({ cmd: 'suback', messageId: p.messageId, granted: [1] })));
            if (p.cmd === 'publish' && p.qos === 1 && ackPublishes) inbox.push(() => handler.onData(tf.encode({ cmd: 'puback', messageId: p.messageId })));
            if (p.cmd === 'pingreq') out('broker stays silent');
          },
          onProtocolError(e: any) { out(`broker error ${e.message}`); },
        });
        inbox.push(() => handler.onOpen());
        return {
          write(b: Uint8Array) { broker.push(b); },
          close() { inbox.push(() => handler.onClose()); },
        };
      },
      setTimer(ms: number, fn: () => void) {
        const id = nextTimer++;
        timers.push({ at: now + ms, fn, id });
        return id;
      },
      clearTimer(id: unknown) {
        const i = timers.findIndex((t) => t.id === id);
        if (i >= 0) timers.splice(i, 1);
      },
      now: () => now,
    };
    const run = () => { while (inbox.length) inbox.shift()!(); };
    const advance = (ms: number) => {
      const until = now + ms;
      for (;;) {
        run();
        timers.sort((a, b) => a.at - b.at);
        const t = timers[0];
        if (!t || t.at > until) break;
        timers.shift();
        now = t.at;
        t.fn();
      }
      now = until;
      run();
    };
    const c = new tf.MqttClient({ host: 'broker', network, keepalive: 10, reconnect: { minMs: 100, maxMs: 100 }, random: () => 0.5, clientId: 'xs-1' });
    c.on('connect', () => out(`client connect #${c.stats.connects}`));
    c.on('close', (e: any) => out(`client close ${e ? e.message : 'clean'}`));
    c.on('message', (topic: string, payload: Uint8Array) => out(`client message ${topic} ${hex(payload)}`));
    c.subscribe('cmd/#', { qos: 1 });
    c.publish('data/t', 'queued', { qos: 1 });
    c.connect();
    run();
    c.publish('data/t', 'live', { qos: 1 });
    run();
    out(`inflight ${c.inflightCount}`);
    handlerOf.onData(tf.encode({ cmd: 'publish', topic: 'cmd/led', payload: 'on', qos: 1, messageId: 77 }));
    run();
    // The broker stops answering: PINGREQ after 10 s of silence, dead at 15 s.
    ackPublishes = false;
    c.publish('data/t', 'unacked', { qos: 1 });
    advance(10_000);
    out(`t=${now}`);
    advance(5_000);
    out(`t=${now} state ${c.state}`);
    ackPublishes = true;
    advance(200); // back-off 50..100 ms, then reconnect: resubscribe, DUP resend
    out(`state ${c.state} connections ${connections} inflight ${c.inflightCount} resent ${c.stats.resent}`);
    c.end();
    out(`state ${c.state}`);
  },

  'client: connectTimeoutMs bounds the whole attempt; a synchronous close keeps the keep-alive error'(tf, out) {
    const modes: PeerMode[] = ['hang', 'silent', 'accept'];
    const net = scriptedNetwork(tf, out, (n) => modes[n - 1] ?? 'accept', () => false);
    const c = new tf.MqttClient({
      host: 'broker', network: net.network, keepalive: 10, connectTimeoutMs: 2000,
      reconnect: { minMs: 100, maxMs: 100 }, random: () => 0.5, clientId: 'xs-2',
    });
    c.on('connect', () => out(`t=${(net.network.now())} client connect #${c.stats.connects}`));
    c.on('close', (e: any) => out(`t=${net.network.now()} client close ${e ? e.message : 'undefined'}`));
    c.connect();
    net.advance(1999);
    out(`t=1999 state ${c.state}`); // the TCP connect (or DNS) has not answered: still opening
    net.advance(1);
    out(`t=2000 state ${c.state}`);
    net.advance(2075);
    out(`state ${c.state} connections ${net.connections()}`);
    net.advance(75 + 15_000);
    out(`state ${c.state} connections ${net.connections()}`);
    c.end();
    out(`state ${c.state} timers ${net.pendingTimers()}`);
  },

  'client: the back-off keeps growing while a broker accepts and drops, and resets after a stable period'(tf, out) {
    let mode: PeerMode = 'accept-drop';
    const net = scriptedNetwork(tf, out, () => mode, () => false);
    const c = new tf.MqttClient({
      host: 'broker', network: net.network, keepalive: 0,
      reconnect: { minMs: 100, maxMs: 1600, stableMs: 1000 }, random: () => 0.5, clientId: 'xs-3',
    });
    const delays: number[] = [];
    c.on('reconnect', (attempt: number, delay: number) => delays.push(delay));
    c.connect();
    net.advance(6000);
    out(`connections ${net.connections()} connects ${c.stats.connects} delays ${delays.join(',')}`);
    mode = 'accept';
    net.advance(2500); // the next connection stays up longer than stableMs
    out(`state ${c.state}`);
    delays.length = 0;
    net.peerClose();
    out(`after a stable connection: delay ${delays.join(',')}`);
    c.end();
  },

  'client: with a kept session, subscribe and unsubscribe made offline reach the broker'(tf, out) {
    let present = false;
    const net = scriptedNetwork(tf, out, () => 'accept', () => present);
    const c = new tf.MqttClient({
      host: 'broker', network: net.network, keepalive: 0, clean: false,
      reconnect: { minMs: 100, maxMs: 100 }, random: () => 0.5, clientId: 'xs-4',
    });
    c.subscribe('a/#', { qos: 1 });
    c.subscribe('keep', { qos: 0 });
    c.connect();
    net.run();
    out(`connected ${c.connected} awaiting suback ${c.awaitingSuback}`);
    present = true;
    net.peerClose();
    c.subscribe('b/+', { qos: 1 });
    c.unsubscribe('a/#');
    net.advance(200);
    out(`connected ${c.connected} connections ${net.connections()}`);
    c.end();
  },

  'client: offline, a retained state supersedes its queued one; what a connect listener publishes goes after what waited'(tf, out) {
    const net = scriptedNetwork(tf, out, () => 'accept', () => false);
    const c = new tf.MqttClient({
      host: 'broker', network: net.network, keepalive: 0, queueLimit: 3,
      reconnect: { minMs: 100, maxMs: 100 }, random: () => 0.5, clientId: 'xs-5',
    });
    c.on('dropped', (m: any, reason: string) => out(`dropped ${m.topic} ${String.fromCharCode(...m.payload)} ${reason}`));
    c.on('connect', () => c.publish('dev/availability', 'online', { qos: 1, retain: true }));
    for (let i = 1; i <= 4; i++) {
      c.publish('dev/lux', String(i), { qos: 1 });
      c.publish('dev/values', `v${i}`, { qos: 0, retain: true });
    }
    const counts = () => `queued ${c.queued} superseded ${c.stats.superseded} dropped ${c.stats.dropped}`;
    out(counts());
    c.connect();
    net.run();
    out(counts());
    c.end();
  },

  'decode: packet identifier 0 refused; an oversize PUBLISH skipped with its topic; memory grows with the bytes'(tf, out) {
    for (const h of ['3206000174000078', '40020000', 'b0020000', '9003000001']) {
      out(`input ${h}`);
      decodeAll(tf, out, h, 64);
    }
    const big = tf.encode({ cmd: 'publish', topic: 'big/t', payload: new Uint8Array(3000), qos: 1, messageId: 9 });
    const after = tf.encode({ cmd: 'publish', topic: 'big/t', payload: 'ok', qos: 0 });
    const stream = new Uint8Array(big.length + after.length);
    stream.set(big, 0);
    stream.set(after, big.length);
    for (const chunk of [1, 100, 4096]) {
      const d = new tf.PacketDecoder({
        onPacket: (p: any) => out(`packet ${p.cmd} ${p.topic} ${p.payload.length}B`),
        onProtocolError: (e) => out(`error ${e.message}`),
        onOversizePublish: (topic, size, qos, id) => out(`oversize ${topic} ${size}B q${qos} id${id}`),
      }, { maxPacketSize: 1024 });
      let peak = 0;
      for (let i = 0; i < stream.length; i += chunk) {
        d.push(stream.slice(i, i + chunk));
        if (d.capacity > peak) peak = d.capacity;
      }
      out(`chunks of ${chunk}: peak capacity ${peak}`);
    }
    const header = new tf.PacketDecoder({ onPacket: () => {}, onProtocolError: (e) => out(`error ${e.message}`) }, { maxPacketSize: 2_000_000 });
    header.push(tf.encode({ cmd: 'publish', topic: 't', payload: new Uint8Array(1_000_000), qos: 0 }).slice(0, 5));
    out(`5 bytes of a 1,000,006-byte packet: capacity ${header.capacity}`);
  },
};
