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
};
