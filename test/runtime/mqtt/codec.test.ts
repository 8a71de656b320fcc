/**
 * The codec against the spec (a table of packets and their bytes, run both
 * ways) and against mqtt-packet, the oracle (fast-check random packets must
 * encode to the same bytes and decode to the same fields), plus random bytes
 * and random chunking for the decoder.
 */
import fc from 'fast-check';
import * as mqttPacket from 'mqtt-packet';
import { encode, PacketDecoder, type Packet } from '../../../runtime/mqtt/codec/index';
import type { MqttProtocolError } from '../../../runtime/mqtt/errors';

const b = (...bytes: number[]) => Uint8Array.from(bytes);
const ascii = (s: string) => Array.from(Buffer.from(s, 'utf8'));

/** Decode `bytes` fed in the given chunk sizes; returns packets and errors. */
function decodeAll(bytes: Uint8Array, chunkSizes: number[] = [bytes.length], maxPacketSize?: number) {
  const packets: Packet[] = [];
  const errors: MqttProtocolError[] = [];
  const d = new PacketDecoder({ onPacket: (p) => packets.push(p), onProtocolError: (e) => errors.push(e) }, { maxPacketSize });
  let pos = 0;
  let k = 0;
  while (pos < bytes.length) {
    const n = Math.max(1, chunkSizes[k++ % chunkSizes.length]);
    d.push(bytes.slice(pos, pos + n)); // a fresh chunk, as a socket gives
    pos += n;
  }
  return { packets, errors, decoder: d };
}

/** Buffers to plain arrays, mqtt-packet's nulls and defaults dropped, for field-by-field comparison. */
function normalize(p: any): any {
  if (p instanceof Uint8Array) return Array.from(p);
  if (Array.isArray(p)) return p.map(normalize);
  if (p && typeof p === 'object') {
    const out: any = {};
    for (const k of Object.keys(p)) {
      if (p[k] === null || p[k] === undefined) continue;
      out[k] = normalize(p[k]);
    }
    return out;
  }
  return p;
}

/** mqtt-packet wants Buffers where we take any Uint8Array. */
function forOracle(p: any): any {
  if (p instanceof Uint8Array) return Buffer.from(p);
  if (Array.isArray(p)) return p.map(forOracle);
  if (p && typeof p === 'object') {
    const out: any = {};
    for (const k of Object.keys(p)) out[k] = forOracle(p[k]);
    return out;
  }
  return p;
}
const generate = (p: Packet): Buffer => mqttPacket.generate(forOracle(p));

interface Case { name: string; packet: Packet; bytes: Uint8Array }

const cases: Case[] = [
  {
    name: 'minimal connect (clean, keepalive 0, client id "a")',
    packet: { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId: 'a' },
    bytes: b(0x10, 13, 0, 4, ...ascii('MQTT'), 4, 0x02, 0, 0, 0, 1, 0x61),
  },
  {
    name: 'connect with will (qos 1, retain), user name and password',
    packet: {
      cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: false, keepalive: 30, clientId: 'dev',
      will: { topic: 'w', payload: b(1, 2), qos: 1, retain: true }, username: 'u', password: b(0x70),
    },
    bytes: b(0x10, 28, 0, 4, ...ascii('MQTT'), 4, 0xec, 0, 30, 0, 3, ...ascii('dev'), 0, 1, 0x77, 0, 2, 1, 2, 0, 1, 0x75, 0, 1, 0x70),
  },
  {
    name: 'MQTT 3.1 connect (MQIsdp)',
    packet: { cmd: 'connect', protocolId: 'MQIsdp', protocolVersion: 3, clean: true, keepalive: 10, clientId: 'x' },
    bytes: b(0x10, 15, 0, 6, ...ascii('MQIsdp'), 3, 0x02, 0, 10, 0, 1, 0x78),
  },
  { name: 'connack accepted', packet: { cmd: 'connack', sessionPresent: false, returnCode: 0 }, bytes: b(0x20, 2, 0, 0) },
  { name: 'connack session present, bad password', packet: { cmd: 'connack', sessionPresent: true, returnCode: 4 }, bytes: b(0x20, 2, 1, 4) },
  {
    name: 'publish qos 0',
    packet: { cmd: 'publish', topic: 'a/b', payload: b(0x68, 0x69), qos: 0, retain: false, dup: false },
    bytes: b(0x30, 7, 0, 3, ...ascii('a/b'), 0x68, 0x69),
  },
  {
    name: 'publish qos 1 retain dup with messageId',
    packet: { cmd: 'publish', topic: 't', payload: b(9), qos: 1, retain: true, dup: true, messageId: 0x1234 },
    bytes: b(0x3b, 6, 0, 1, 0x74, 0x12, 0x34, 9),
  },
  {
    name: 'publish with an empty payload',
    packet: { cmd: 'publish', topic: 't', payload: b(), qos: 0 },
    bytes: b(0x30, 3, 0, 1, 0x74),
  },
  {
    name: 'publish with a non-ASCII topic',
    packet: { cmd: 'publish', topic: 'é/€/😀', payload: b(), qos: 0 },
    bytes: b(0x30, 13, 0, 11, ...ascii('é/€/😀')),
  },
  {
    name: 'publish with a 200-byte payload (two-byte remaining length)',
    packet: { cmd: 'publish', topic: 't', payload: new Uint8Array(200).fill(7), qos: 0 },
    bytes: b(0x30, 0xcb, 0x01, 0, 1, 0x74, ...new Array(200).fill(7)),
  },
  { name: 'puback', packet: { cmd: 'puback', messageId: 2 }, bytes: b(0x40, 2, 0, 2) },
  { name: 'pubrec', packet: { cmd: 'pubrec', messageId: 3 }, bytes: b(0x50, 2, 0, 3) },
  { name: 'pubrel', packet: { cmd: 'pubrel', messageId: 4 }, bytes: b(0x62, 2, 0, 4) },
  { name: 'pubcomp', packet: { cmd: 'pubcomp', messageId: 65535 }, bytes: b(0x70, 2, 0xff, 0xff) },
  {
    name: 'subscribe to two filters',
    packet: { cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'a/+', qos: 1 }, { topic: '#', qos: 0 }] },
    bytes: b(0x82, 12, 0, 7, 0, 3, ...ascii('a/+'), 1, 0, 1, 0x23, 0),
  },
  { name: 'suback with a refusal', packet: { cmd: 'suback', messageId: 7, granted: [1, 0x80] }, bytes: b(0x90, 4, 0, 7, 1, 0x80) },
  {
    name: 'unsubscribe from two filters',
    packet: { cmd: 'unsubscribe', messageId: 8, unsubscriptions: ['a/+', 'b'] },
    bytes: b(0xa2, 10, 0, 8, 0, 3, ...ascii('a/+'), 0, 1, 0x62),
  },
  { name: 'unsuback', packet: { cmd: 'unsuback', messageId: 8 }, bytes: b(0xb0, 2, 0, 8) },
  { name: 'pingreq', packet: { cmd: 'pingreq' }, bytes: b(0xc0, 0) },
  { name: 'pingresp', packet: { cmd: 'pingresp' }, bytes: b(0xd0, 0) },
  { name: 'disconnect', packet: { cmd: 'disconnect' }, bytes: b(0xe0, 0) },
];

describe('codec spec table', () => {
  test.each(cases.map((c) => [c.name, c] as const))('encode: %s', (_name, c) => {
    expect(Array.from(encode(c.packet))).toEqual(Array.from(c.bytes));
    // and the oracle agrees with the table
    expect(Array.from(generate(c.packet))).toEqual(Array.from(c.bytes));
  });

  test.each(cases.map((c) => [c.name, c] as const))('decode: %s', (_name, c) => {
    const { packets, errors } = decodeAll(c.bytes);
    expect(errors).toEqual([]);
    expect(packets).toHaveLength(1);
    expect(normalize(packets[0])).toMatchObject(normalize(c.packet));
    expect(packets[0].length).toBe(c.bytes.length - (c.bytes[1] & 0x80 ? 3 : 2));
  });

  test('all table packets in one stream, cut into every chunk size from 1 to 7 bytes', () => {
    const all = Buffer.concat(cases.map((c) => c.bytes));
    for (let size = 1; size <= 7; size++) {
      const { packets, errors } = decodeAll(all, [size]);
      expect(errors).toEqual([]);
      expect(packets.map((p) => p.cmd)).toEqual(cases.map((c) => c.packet.cmd));
    }
  });

  test('a string payload is encoded as UTF-8', () => {
    expect(Array.from(encode({ cmd: 'publish', topic: 't', payload: 'é', qos: 0 }))).toEqual([0x30, 5, 0, 1, 0x74, 0xc3, 0xa9]);
  });
});

describe('malformed input gives one protocol error and no throw', () => {
  const bad: [string, Uint8Array, RegExp][] = [
    ['reserved packet type 0', b(0x00, 0), /reserved packet type 0/],
    ['reserved packet type 15', b(0xf0, 0), /reserved packet type 15/],
    ['subscribe with flags 0', b(0x80, 5, 0, 1, 0, 1, 0x23), /invalid flags 0x0 in fixed header of subscribe/],
    ['publish with QoS 3', b(0x36, 3, 0, 1, 0x74), /QoS 3/],
    ['remaining length of 5 bytes', b(0x30, 0xff, 0xff, 0xff, 0xff, 0x01), /remaining length/],
    ['truncated topic string', b(0x30, 3, 0, 5, 0x74), /topic: 5 bytes announced, 1 left/],
    ['invalid UTF-8 in topic', b(0x30, 4, 0, 2, 0xc3, 0x28), /invalid UTF-8/],
    ['overlong UTF-8 in topic', b(0x30, 4, 0, 2, 0xc0, 0xaf), /invalid UTF-8/],
    ['surrogate in topic', b(0x30, 5, 0, 3, 0xed, 0xa0, 0x80), /invalid UTF-8/],
    ['U+0000 in topic', b(0x30, 3, 0, 1, 0), /U\+0000/],
    ['wildcard in publish topic', b(0x30, 5, 0, 3, 0x61, 0x2f, 0x23), /wildcard/],
    ['connack flag bits', b(0x20, 2, 2, 0), /connack flags/],
    ['puback of length 3', b(0x40, 3, 0, 1, 0), /remaining length must be 2/],
    ['pingresp with a body', b(0xd0, 1, 0), /remaining length must be 0/],
    ['connect reserved bit', b(0x10, 13, 0, 4, ...ascii('MQTT'), 4, 0x03, 0, 0, 0, 1, 0x61), /reserved connect flag/],
    ['connect password without user name', b(0x10, 16, 0, 4, ...ascii('MQTT'), 4, 0x42, 0, 0, 0, 1, 0x61, 0, 1, 0x70), /password flag without user name/],
    ['connect protocol version 5', b(0x10, 13, 0, 4, ...ascii('MQTT'), 5, 0x02, 0, 0, 0, 1, 0x61), /unsupported protocol version 5/],
    ['subscribe without filters', b(0x82, 2, 0, 1), /no topic filter/],
    ['subscribe with QoS byte 3', b(0x82, 6, 0, 1, 0, 1, 0x23, 3), /invalid requested QoS/],
    ['suback with return code 3', b(0x90, 3, 0, 1, 3), /invalid return code/],
    // MQTT-2.3.1-1: a packet identifier is non-zero (issue 11 item 13, issue 16 item 6).
    ['publish QoS 1 with packet identifier 0', b(0x32, 6, 0, 1, 0x74, 0, 0, 0x78), /malformed publish: packet identifier 0/],
    ['puback with packet identifier 0', b(0x40, 2, 0, 0), /malformed puback: packet identifier 0/],
    ['unsuback with packet identifier 0', b(0xb0, 2, 0, 0), /malformed unsuback: packet identifier 0/],
    ['suback with packet identifier 0', b(0x90, 3, 0, 0, 1), /malformed suback: packet identifier 0/],
    ['subscribe with packet identifier 0', b(0x82, 6, 0, 0, 0, 1, 0x23, 0), /malformed subscribe: packet identifier 0/],
  ];
  test.each(bad)('%s', (_name, bytes, message) => {
    for (const chunk of [bytes.length, 1]) {
      const { packets, errors } = decodeAll(bytes, [chunk]);
      expect(packets).toEqual([]);
      expect(errors).toHaveLength(1);
      expect(errors[0].name).toBe('MqttProtocolError');
      expect(errors[0].message).toMatch(message);
    }
  });

  test('a packet larger than maxPacketSize is refused as soon as its header is read', () => {
    const header = b(0x30, 0x80, 0x08); // remaining length 1024, body not sent yet
    const { errors } = decodeAll(header, [3], 512);
    expect(errors.map((e) => e.message)).toEqual(['packet of 1027 bytes exceeds the limit of 512']);
  });

  test('the carry-over buffer grows with the bytes received, not with the size a header announces', () => {
    const big = encode({ cmd: 'publish', topic: 't', payload: new Uint8Array(1_000_000).fill(7), qos: 0 });
    const packets: Packet[] = [];
    const d = new PacketDecoder({ onPacket: (p) => packets.push(p), onProtocolError: (e) => { throw e; } }, { maxPacketSize: 2_000_000 });
    d.push(big.slice(0, 5)); // the header and 1 byte: 1,000,006 bytes announced
    expect(d.capacity).toBeLessThanOrEqual(256);
    let peak = d.capacity;
    for (let pos = 5; pos < big.length; pos += 1460) {
      d.push(big.slice(pos, pos + 1460));
      if (pos < 20_000) expect(d.capacity).toBeLessThanOrEqual(2 * (pos + 1460));
      peak = Math.max(peak, d.capacity);
    }
    expect(packets).toHaveLength(1);
    expect((packets[0] as { payload: Uint8Array }).payload.length).toBe(1_000_000);
    expect(peak).toBeLessThanOrEqual(2 * big.length);
  });

  describe('an oversize PUBLISH with a handler that wants it: reported with its topic and skipped, the stream goes on', () => {
    const oversize = encode({ cmd: 'publish', topic: 'big/retained', payload: new Uint8Array(3000).fill(1), qos: 1, messageId: 77, retain: true });
    const small = encode({ cmd: 'publish', topic: 'big/retained', payload: 'ok', qos: 0 });
    const stream = Buffer.concat([encode({ cmd: 'pingresp' }), oversize, small, encode({ cmd: 'puback', messageId: 5 })]);
    test.each([[stream.length], [1], [7], [1460], [100, 3]])('chunks of %p bytes', (...chunkSizes) => {
      const seen: string[] = [];
      const errors: Error[] = [];
      const d = new PacketDecoder({
        onPacket: (p) => seen.push(p.cmd === 'publish' ? `publish ${p.topic} ${Buffer.from(p.payload as Uint8Array).toString()}` : p.cmd),
        onProtocolError: (e) => errors.push(e),
        onOversizePublish: (topic, size, qos, id) => seen.push(`oversize ${topic} ${size} q${qos} id${id}`),
      }, { maxPacketSize: 1024 });
      let pos = 0;
      for (let k = 0; pos < stream.length; k++) {
        const n = chunkSizes[k % chunkSizes.length];
        d.push(stream.slice(pos, pos + n));
        pos += n;
        expect(d.capacity).toBeLessThanOrEqual(Math.max(256, 2 * n));
      }
      expect(errors).toEqual([]);
      expect(seen).toEqual(['pingresp', `oversize big/retained ${oversize.length} q1 id77`, 'publish big/retained ok', 'puback']);
    });

    test('a topic that alone exceeds the limit is a protocol error', () => {
      const errors: Error[] = [];
      const d = new PacketDecoder({ onPacket: () => {}, onProtocolError: (e) => errors.push(e), onOversizePublish: () => { throw new Error('not reported'); } }, { maxPacketSize: 64 });
      d.push(encode({ cmd: 'publish', topic: 'x'.repeat(100), payload: 'p', qos: 0 }));
      expect(errors.map((e) => e.message)).toEqual(['packet of 105 bytes exceeds the limit of 64 (and so does its topic)']);
    });
  });

  test('after an error the decoder ignores input until reset, then decodes again', () => {
    const packets: Packet[] = [];
    const errors: Error[] = [];
    const d = new PacketDecoder({ onPacket: (p) => packets.push(p), onProtocolError: (e) => errors.push(e) });
    d.push(b(0x00, 0));
    d.push(b(0xd0, 0));
    expect(packets).toEqual([]);
    d.reset();
    d.push(b(0xd0, 0));
    expect(packets.map((p) => p.cmd)).toEqual(['pingresp']);
    expect(errors).toHaveLength(1);
  });

  test('encode refuses bad packets with a clear error', () => {
    expect(() => encode({ cmd: 'publish', topic: 't', payload: 'x', qos: 1 })).toThrow(/messageId must be an integer/);
    expect(() => encode({ cmd: 'connect', clientId: '', clean: false })).toThrow(/clientId must be given if clean is false/);
    expect(() => encode({ cmd: 'connect', clientId: 'a', password: 'p' })).toThrow(/needs a username/);
    expect(() => encode({ cmd: 'subscribe', messageId: 1, subscriptions: [] })).toThrow(/non-empty/);
    expect(() => encode({ cmd: 'nope' } as any)).toThrow(/unknown packet cmd 'nope'/);
  });
});

// ---- oracle: random packets against mqtt-packet ----

/** Strings that are valid MQTT UTF-8 (no U+0000, no lone surrogates). */
const mqttString = (maxLength = 20) => fc.string({ unit: 'grapheme', maxLength }).filter((s) => !s.includes('\u0000'));
const topicName = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => !/[\u0000+#]/.test(s));
const bytesArb = (maxLength = 300) => fc.uint8Array({ maxLength });
const messageId = fc.integer({ min: 1, max: 65535 });
const qos = fc.constantFrom<0 | 1 | 2>(0, 1, 2);

const packetArb: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({
    cmd: fc.constant('publish' as const), topic: topicName, payload: bytesArb(), qos, retain: fc.boolean(), dup: fc.boolean(), messageId,
  }).map((p) => (p.qos === 0 ? { ...p, messageId: undefined } : p) as Packet),
  fc.record({
    cmd: fc.constant('connect' as const), protocolId: fc.constant('MQTT' as const), protocolVersion: fc.constant(4 as const),
    clientId: mqttString().filter((s) => s.length > 0), clean: fc.boolean(), keepalive: fc.integer({ min: 0, max: 65535 }),
    will: fc.option(fc.record({ topic: topicName, payload: bytesArb(50), qos, retain: fc.boolean() }), { nil: undefined }),
    username: fc.option(mqttString(), { nil: undefined }),
    password: fc.option(bytesArb(20), { nil: undefined }),
  }).map((p) => ({ ...p, password: p.username === undefined ? undefined : p.password }) as Packet),
  fc.record({ cmd: fc.constant('connack' as const), sessionPresent: fc.boolean(), returnCode: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ cmd: fc.constantFrom('puback' as const, 'pubrec' as const, 'pubrel' as const, 'pubcomp' as const, 'unsuback' as const), messageId }),
  fc.record({ cmd: fc.constant('subscribe' as const), messageId, subscriptions: fc.array(fc.record({ topic: mqttString(), qos }), { minLength: 1, maxLength: 5 }) }),
  fc.record({ cmd: fc.constant('suback' as const), messageId, granted: fc.array(fc.constantFrom(0, 1, 2, 0x80), { minLength: 1, maxLength: 5 }) }),
  fc.record({ cmd: fc.constant('unsubscribe' as const), messageId, unsubscriptions: fc.array(mqttString(), { minLength: 1, maxLength: 5 }) }),
  fc.record({ cmd: fc.constantFrom('pingreq' as const, 'pingresp' as const, 'disconnect' as const) }),
);

function oracleParse(bytes: Uint8Array): any[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const out: any[] = [];
  parser.on('packet', (p) => out.push(p));
  parser.on('error', (e) => { throw e; });
  parser.parse(Buffer.from(bytes));
  return out;
}

describe('oracle: mqtt-packet', () => {
  test('random packets encode to the same bytes as mqtt-packet.generate', () => {
    fc.assert(fc.property(packetArb, (p) => {
      expect(Array.from(encode(p))).toEqual(Array.from(generate(p)));
    }), { numRuns: 2000 });
  });

  test('what mqtt-packet generates, we decode into the same fields it parses', () => {
    fc.assert(fc.property(packetArb, (p) => {
      const bytes = generate(p);
      const ours = decodeAll(bytes);
      expect(ours.errors).toEqual([]);
      const theirs = oracleParse(bytes);
      expect(ours.packets).toHaveLength(1);
      expect(normalize(ours.packets[0])).toEqual(normalize(theirs[0]));
    }), { numRuns: 2000 });
  });

  test('a random sequence of packets cut at random points decodes to the same packets', () => {
    fc.assert(fc.property(fc.array(packetArb, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }), (ps, cuts) => {
      const stream = Buffer.concat(ps.map((p) => generate(p)));
      const ours = decodeAll(stream, cuts);
      expect(ours.errors).toEqual([]);
      expect(normalize(ours.packets)).toEqual(normalize(oracleParse(stream)));
    }), { numRuns: 500 });
  });
});

describe('fuzz: random bytes', () => {
  test('random bytes in random chunks never throw and give at most one error', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 400 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), (bytes, cuts) => {
      const result = decodeAll(bytes, cuts, 4096);
      expect(result.errors.length).toBeLessThanOrEqual(1);
      // Whatever was accepted re-encodes to a well-formed packet that decodes to the same thing.
      for (const p of result.packets) {
        const again = decodeAll(encode(p));
        expect(again.errors).toEqual([]);
        expect(normalize(again.packets[0])).toEqual(normalize(p));
      }
    }), { numRuns: 5000 });
  });

  test('valid packets with one random byte flipped never throw', () => {
    fc.assert(fc.property(packetArb, fc.nat(), fc.integer({ min: 0, max: 255 }), (p, at, value) => {
      const bytes = Uint8Array.from(generate(p));
      bytes[at % bytes.length] = value;
      const result = decodeAll(bytes, [3]);
      expect(result.errors.length + result.packets.length).toBeGreaterThanOrEqual(0);
      expect(result.errors.length).toBeLessThanOrEqual(1);
    }), { numRuns: 3000 });
  });
});

test('a chunk pushed from inside onPacket is decoded after the current chunk, in order', () => {
  const seen: string[] = [];
  const d: PacketDecoder = new PacketDecoder({
    onPacket: (p) => {
      seen.push(p.cmd === 'puback' ? `puback ${p.messageId}` : p.cmd);
      // A synchronous peer answering the first packet while the rest of the chunk waits.
      if (p.cmd === 'pingresp' && seen.length === 1) d.push(encode({ cmd: 'puback', messageId: 9 }));
    },
    onProtocolError: (e) => { throw e; },
  });
  // The re-entrant chunk is the stream's next bytes: it comes after the rest of this chunk.
  d.push(Buffer.concat([encode({ cmd: 'pingresp' }), encode({ cmd: 'puback', messageId: 1 })]));
  d.push(encode({ cmd: 'puback', messageId: 2 }));
  expect(seen).toEqual(['pingresp', 'puback 1', 'puback 9', 'puback 2']);
});
