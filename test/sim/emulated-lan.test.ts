/**
 * The emulated Pico W's Wi-Fi network (sim/emulator/emulated-lan.ts) at its
 * Ethernet frames, without firmware: the test is the board, sending ARP,
 * DHCP and TCP as lwIP does, and checks what the gateway answers, checksums
 * included (lwIP drops a frame whose checksum is wrong), and that a TCP
 * connection to the gateway reaches a real server on this machine.
 * test/firmware/fleet-device.firmware.test.ts runs the real lwIP on it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { EmulatedLan } from '../../sim/emulator/emulated-lan';

const BOARD_MAC = [0x28, 0xcd, 0xc1, 0x00, 0x00, 0x01];
const BOARD_IP = [10, 0, 0, 2];
const GATEWAY_IP = [10, 0, 0, 1];

function sum16(bytes: ArrayLike<number>, initial = 0): number {
  let s = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) s += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length % 2 === 1) s += bytes[bytes.length - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
/** A segment or datagram with its checksum field in place sums to 0xffff over the pseudo-header. */
const transportChecksumOk = (ip: Uint8Array) => {
  const body = ip.subarray(20);
  const pseudo = sum16([...ip.subarray(12, 20), 0, ip[9], body.length >> 8, body.length & 0xff]);
  return sum16(body, pseudo) === 0xffff;
};

function ethernet(destination: number[], type: number, payload: number[]): Uint8Array {
  return Uint8Array.from([...destination, ...BOARD_MAC, type >> 8, type & 0xff, ...payload]);
}
function ipv4(source: number[], destination: number[], protocol: number, body: number[]): number[] {
  const h = [0x45, 0, (20 + body.length) >> 8, (20 + body.length) & 0xff, 0, 0, 0, 0, 64, protocol, 0, 0, ...source, ...destination];
  const c = ~sum16(h) & 0xffff;
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return [...h, ...body];
}
const be32 = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
function tcp(sourcePort: number, destPort: number, seq: number, ack: number, flags: number, data: number[] = [], options: number[] = []): number[] {
  const length = 20 + options.length;
  return [sourcePort >> 8, sourcePort & 0xff, destPort >> 8, destPort & 0xff, ...be32(seq), ...be32(ack), (length / 4) << 4, flags, 0x16, 0xd0, 0, 0, 0, 0, ...options, ...data];
}

/** The board's side: what the gateway sends it, parsed. */
function setup(connectTo: (port: number) => Socket | undefined, after?: (ms: number, fn: () => void) => void) {
  const frames: Uint8Array[] = [];
  const lan = new EmulatedLan({ toBoard: (f) => frames.push(f), connect: connectTo, after });
  const ip = (f: Uint8Array) => f.subarray(14);
  const segments = () => frames.filter((f) => ((f[12] << 8) | f[13]) === 0x0800 && f[14 + 9] === 6).map((f) => {
    const p = ip(f);
    const s = p.subarray(20);
    return { from: (s[0] << 8) | s[1], to: (s[2] << 8) | s[3], seq: (s[4] << 24 | s[5] << 16 | s[6] << 8 | s[7]) >>> 0, ack: (s[8] << 24 | s[9] << 16 | s[10] << 8 | s[11]) >>> 0, flags: s[13], window: (s[14] << 8) | s[15], data: Buffer.from(s.subarray((s[12] >> 4) * 4)).toString(), checksumOk: transportChecksumOk(p), options: [...s.subarray(20, (s[12] >> 4) * 4)] };
  });
  return { lan, frames, segments };
}

describe('the emulated Pico W\'s network', () => {
  test('ARP: the gateway answers for 10.0.0.1 with its MAC address, and for no other address', () => {
    const { lan, frames } = setup(() => undefined);
    const who = (target: number[]) => ethernet([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0x0806, [0, 1, 8, 0, 6, 4, 0, 1, ...BOARD_MAC, ...BOARD_IP, 0, 0, 0, 0, 0, 0, ...target]);
    lan.fromBoard(who([10, 0, 0, 7]));
    expect(frames).toHaveLength(0);
    lan.fromBoard(who(GATEWAY_IP));
    expect(frames).toHaveLength(1);
    const arp = frames[0].subarray(14);
    expect([...frames[0].subarray(0, 6)]).toEqual(BOARD_MAC);
    expect([arp[7], [...arp.subarray(14, 18)], [...arp.subarray(18, 24)], [...arp.subarray(24, 28)]]).toEqual([2, GATEWAY_IP, BOARD_MAC, BOARD_IP]);
    expect([...arp.subarray(8, 14)]).toEqual([...frames[0].subarray(6, 12)]); // the MAC it answers with is the one it sends from
  });

  test('DHCP: a DISCOVER gets an OFFER of 10.0.0.2 and a REQUEST an ACK, with the mask, the gateway as router and DNS, and a valid UDP checksum', () => {
    const { lan, frames } = setup(() => undefined);
    const dhcp = (type: number) => {
      const m = new Array(240).fill(0);
      m[0] = 1; m[1] = 1; m[2] = 6;
      m.splice(4, 4, 0xde, 0xad, 0xbe, 0xef);
      m.splice(28, 6, ...BOARD_MAC);
      m.splice(236, 4, 0x63, 0x82, 0x53, 0x63);
      const body = [...m, 53, 1, type, 255];
      const udp = [0, 68, 0, 67, (8 + body.length) >> 8, (8 + body.length) & 0xff, 0, 0, ...body];
      return ethernet([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0x0800, ipv4([0, 0, 0, 0], [255, 255, 255, 255], 17, udp));
    };
    lan.fromBoard(dhcp(1));
    lan.fromBoard(dhcp(3));
    lan.fromBoard(dhcp(7)); // a RELEASE: no answer
    expect(frames).toHaveLength(2);
    const replies = frames.map((f) => {
      const p = f.subarray(14);
      const m = p.subarray(28);
      const options: { [code: number]: number[] } = {};
      for (let i = 240; m[i] !== 255;) { options[m[i]] = [...m.subarray(i + 2, i + 2 + m[i + 1])]; i += 2 + m[i + 1]; }
      return { checksumOk: transportChecksumOk(p), ports: [(p[20] << 8) | p[21], (p[22] << 8) | p[23]], xid: [...m.subarray(4, 8)], yiaddr: [...m.subarray(16, 20)], type: options[53][0], mask: options[1], router: options[3], dns: options[6] };
    });
    expect(replies.map((r) => r.type)).toEqual([2, 5]);
    for (const r of replies) expect(r).toEqual({ checksumOk: true, ports: [67, 68], xid: [0xde, 0xad, 0xbe, 0xef], yiaddr: BOARD_IP, type: r.type, mask: [255, 255, 255, 0], router: GATEWAY_IP, dns: GATEWAY_IP });
    expect(lan.leases).toBe(1);
    // `ignoreDhcp`: that many of the board's messages go unanswered, as lost (each one recorded).
    lan.ignoreDhcp = 2;
    lan.fromBoard(dhcp(1));
    lan.fromBoard(dhcp(1));
    lan.fromBoard(dhcp(1));
    expect(frames).toHaveLength(3);
    expect(lan.dhcpMessages.map((m) => `${m.type} ${m.answered}`)).toEqual(['DISCOVER true', 'REQUEST true', 'DISCOVER false', 'DISCOVER false', 'DISCOVER true']);
  });

  test('mDNS: the board\'s datagrams to 224.0.0.251:5353 are kept in order; a query sent to the group reaches the board at the group\'s Ethernet address, from port 5353, its UDP checksum valid', () => {
    const frames: Uint8Array[] = [];
    const lan = new EmulatedLan({ toBoard: (f) => frames.push(f), connect: () => undefined });
    const udpTo = (port: number, data: number[]) => [0x14, 0xe9, port >> 8, port & 0xff, 0, 8 + data.length, 0, 0, ...data];
    lan.fromBoard(ethernet([0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb], 0x0800, ipv4(BOARD_IP, [224, 0, 0, 251], 17, udpTo(5353, [1, 2, 3]))));
    lan.fromBoard(ethernet([0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb], 0x0800, ipv4(BOARD_IP, [224, 0, 0, 251], 17, udpTo(5354, [9])))); // another port: not mDNS
    expect(lan.mdns.map((d) => [d.sourcePort, [...d.data]])).toEqual([[5353, [1, 2, 3]]]);
    lan.sendMdns(Uint8Array.from([4, 5]));
    const f = frames[0];
    expect([...f.subarray(0, 6)]).toEqual([0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb]);
    const p = f.subarray(14);
    expect([[...p.subarray(16, 20)], p[9], (p[20] << 8) | p[21], (p[22] << 8) | p[23], [...p.subarray(28)], transportChecksumOk(p)]).toEqual([[224, 0, 0, 251], 17, 5353, 5353, [4, 5], true]);
  });

  test('IGMP: the groups the board reports it joined (v1 and v2 reports), less those it leaves', () => {
    let now = 1000;
    const lan = new EmulatedLan({ toBoard: () => {}, connect: () => undefined, wallClockMs: () => now });
    const igmp = (type: number, group: number[]) => ethernet([0x01, 0x00, 0x5e, 0x00, 0x00, group[3]], 0x0800, ipv4(BOARD_IP, group, 2, [type, 0, 0, 0, ...group]));
    lan.fromBoard(igmp(0x16, [224, 0, 0, 251]));
    lan.fromBoard(igmp(0x12, [239, 1, 2, 3]));
    lan.fromBoard(igmp(0x11, [224, 0, 0, 9])); // a query, not a report
    expect([...lan.groups]).toEqual(['224.0.0.251', '239.1.2.3']);
    lan.fromBoard(igmp(0x17, [239, 1, 2, 3]));
    expect([...lan.groups]).toEqual(['224.0.0.251']);
    now = 1400;
    lan.fromBoard(igmp(0x16, [224, 0, 0, 251]));
    // Every report, in order, a join's repeat too, with when it came.
    expect(lan.igmpReports).toEqual([{ group: '224.0.0.251', atMs: 1000 }, { group: '239.1.2.3', atMs: 1000 }, { group: '224.0.0.251', atMs: 1400 }]);
  });

  test('IGMP: a router\'s general query goes to all systems (224.0.0.1, its MAC), group 0, the max response time in tenths of a second, its checksum right', () => {
    const frames: Uint8Array[] = [];
    const lan = new EmulatedLan({ toBoard: (f) => frames.push(f), connect: () => undefined, wallClockMs: () => 5000 });
    expect(lan.queryGroups(2000)).toBe(5000); // when it was sent
    lan.queryGroups(60_000); // more than the field holds: its most, 25.5 s
    const [f, g] = frames;
    expect([...f.subarray(0, 6)]).toEqual([0x01, 0x00, 0x5e, 0x00, 0x00, 0x01]);
    const p = f.subarray(14);
    expect([[...p.subarray(16, 20)], p[9], sum16(p.subarray(0, 20))]).toEqual([[224, 0, 0, 1], 2, 0xffff]);
    expect([[...p.subarray(20, 22)], [...p.subarray(24, 28)], sum16(p.subarray(20))]).toEqual([[0x11, 20], [0, 0, 0, 0], 0xffff]);
    expect(g[14 + 21]).toBe(255);
  });

  test('DNS: any name is the gateway (an A record, TTL 60), another type gets no answer; SNTP: the time of `wallClockMs`, the request\'s transmit time as the origin', () => {
    const frames: Uint8Array[] = [];
    const lan = new EmulatedLan({ toBoard: (f) => frames.push(f), connect: () => undefined, wallClockMs: () => Date.UTC(2026, 11, 5, 19, 0, 1, 500) });
    const udpTo = (port: number, sourcePort: number, body: number[]) => ethernet([0x02, 0, 0, 0, 0, 1], 0x0800, ipv4(BOARD_IP, GATEWAY_IP, 17, [sourcePort >> 8, sourcePort & 0xff, port >> 8, port & 0xff, (8 + body.length) >> 8, (8 + body.length) & 0xff, 0, 0, ...body]));
    const query = (id: number, name: string, type: number) => [id >> 8, id & 0xff, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...name.split('.').flatMap((l) => [l.length, ...[...l].map((c) => c.charCodeAt(0))]), 0, 0, type, 0, 1];
    lan.fromBoard(udpTo(53, 4000, query(0x1234, 'broker.example', 1)));
    lan.fromBoard(udpTo(53, 4000, query(0x1235, 'broker.example', 28))); // AAAA
    const replies = frames.map((f) => {
      const p = f.subarray(14);
      const d = p.subarray(28);
      return { checksumOk: transportChecksumOk(p), ports: [(p[20] << 8) | p[21], (p[22] << 8) | p[23]], id: (d[0] << 8) | d[1], flags: (d[2] << 8) | d[3], answers: (d[6] << 8) | d[7], tail: [...d.subarray(d.length - 4)] };
    });
    expect(replies).toEqual([
      { checksumOk: true, ports: [53, 4000], id: 0x1234, flags: 0x8180, answers: 1, tail: GATEWAY_IP },
      { checksumOk: true, ports: [53, 4000], id: 0x1235, flags: 0x8180, answers: 0, tail: [0, 28, 0, 1] },
    ]);
    expect(lan.lookups).toEqual(['broker.example', 'broker.example']);
    frames.length = 0;
    const request = new Array(48).fill(0);
    request[0] = 0x23; // version 4, client
    request.splice(40, 8, 1, 2, 3, 4, 5, 6, 7, 8);
    lan.fromBoard(udpTo(123, 5000, request));
    const p = frames[0].subarray(14);
    const m = p.subarray(28);
    const u32 = (at: number) => ((m[at] << 24) | (m[at + 1] << 16) | (m[at + 2] << 8) | m[at + 3]) >>> 0;
    expect([transportChecksumOk(p), m[0] & 7, m[1], [...m.subarray(24, 32)]]).toEqual([true, 4, 1, [1, 2, 3, 4, 5, 6, 7, 8]]);
    expect((u32(40) - 2_208_988_800) * 1000 + Math.round((u32(44) / 0x100000000) * 1000)).toBe(Date.UTC(2026, 11, 5, 19, 0, 1, 500));
    expect(lan.timeAnswers).toBe(1);
  });

  describe('TCP to the gateway, relayed to a server here', () => {
    let server: Server;
    let port: number;
    const received: string[] = [];
    let serverSide: Socket | undefined;
    beforeAll(async () => {
      server = createServer((s) => {
        serverSide = s;
        s.on('data', (d) => received.push(d.toString()));
        s.on('end', () => { received.push('<end>'); s.end('bye'); });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));
    const until = async (done: () => boolean) => { for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5)); };

    test('the handshake, data both ways within the board\'s MSS, acknowledgements, and both FINs; every checksum valid', async () => {
      const { lan, segments } = setup((p) => (p === 1883 ? connect(port, '127.0.0.1') : undefined));
      const send = (seq: number, ack: number, flags: number, data: string, options: number[] = []) =>
        lan.fromBoard(ethernet([0x02, 0, 0, 0, 0, 1], 0x0800, ipv4(BOARD_IP, GATEWAY_IP, 6, tcp(50000, 1883, seq, ack, flags, [...Buffer.from(data)], options))));
      send(1000, 0, 0x02, '', [2, 4, 0, 8]); // SYN with an MSS of 8 bytes
      const synAck = segments()[0];
      expect([synAck.flags, synAck.ack, synAck.options.slice(0, 2)]).toEqual([0x12, 1001, [2, 4]]);
      let next = (synAck.seq + 1) >>> 0;
      send(1001, next, 0x10, '');
      send(1001, next, 0x18, 'hello');
      expect(segments().at(-1)).toMatchObject({ flags: 0x10, ack: 1006 });
      await until(() => received.join('') === 'hello');
      expect(received.join('')).toBe('hello');
      serverSide!.write('a reply longer than the MSS');
      await until(() => segments().filter((s) => s.data.length > 0).length >= 4);
      const data = segments().filter((s) => s.data.length > 0);
      expect(data.map((s) => s.data)).toEqual(['a reply ', 'longer t', 'han the ', 'MSS']);
      expect(data.every((s, i) => s.seq === (next + 8 * i) >>> 0)).toBe(true);
      next = (next + 27) >>> 0;
      send(1006, next, 0x11, ''); // the board's FIN: the server sees the end and says bye
      await until(() => segments().some((s) => (s.flags & 0x01) !== 0));
      expect(received.at(-1)).toBe('<end>');
      const fin = segments().find((s) => (s.flags & 0x01) !== 0)!;
      expect(segments().filter((s) => s.data === 'bye')).toHaveLength(1);
      expect(fin.seq).toBe((next + 3) >>> 0);
      expect(segments().every((s) => s.checksumOk)).toBe(true);
      expect(lan.connections).toEqual([{ port: 1883, accepted: true }]);
    });

    test('with `ackDelayMs`, the board\'s data is acknowledged that much later, in one ACK for all that came meanwhile (a client\'s delayed ACK); its FIN at once', async () => {
      const timers: { ms: number; fn: () => void }[] = [];
      const { lan, segments } = setup((p) => (p === 1883 ? connect(port, '127.0.0.1') : undefined), (ms, fn) => timers.push({ ms, fn }));
      lan.ackDelayMs = 40;
      const send = (seq: number, ack: number, flags: number, data: string) =>
        lan.fromBoard(ethernet([0x02, 0, 0, 0, 0, 1], 0x0800, ipv4(BOARD_IP, GATEWAY_IP, 6, tcp(50002, 1883, seq, ack, flags, [...Buffer.from(data)]))));
      send(2000, 0, 0x02, '');
      const next = (segments()[0].seq + 1) >>> 0;
      send(2001, next, 0x10, '');
      const before = segments().length;
      send(2001, next, 0x18, 'ab');
      send(2003, next, 0x18, 'cd');
      expect([segments().length, timers.map((t) => t.ms)]).toEqual([before, [40]]);
      timers.shift()!.fn();
      expect(segments().slice(before).map((x) => [x.flags, x.ack])).toEqual([[0x10, 2005]]);
      await until(() => received.join('').endsWith('abcd'));
      send(2005, next, 0x11, '');
      expect(segments().slice(before + 1).map((x) => [x.flags & 0x10, x.ack])).toEqual([[0x10, 2006]]);
      expect(timers).toEqual([]);
    });

    test('a connection to a port where nothing listens is refused with a reset', () => {
      const { lan, segments } = setup(() => undefined);
      lan.fromBoard(ethernet([0x02, 0, 0, 0, 0, 1], 0x0800, ipv4(BOARD_IP, GATEWAY_IP, 6, tcp(50001, 80, 7, 0, 0x02))));
      expect(segments().map((s) => [s.flags & 0x04, s.ack])).toEqual([[0x04, 8]]);
      expect(lan.connections).toEqual([{ port: 80, accepted: false }]);
    });
  });

  describe('TCP from a client here to the board\'s port (`accept`): the gateway opens the connection', () => {
    let server: Server;
    let port: number;
    const clientSides: Socket[] = [];
    const accepted: Socket[] = [];
    beforeAll(async () => {
      server = createServer((s) => accepted.push(s));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((r) => { for (const c of clientSides) c.destroy(); server.close(() => r()); }));
    const until = async (done: () => boolean) => { for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5)); };
    /** A client connected here, and the server's side of it, handed to the LAN. */
    async function client(): Promise<Socket> {
      const c = connect(port, '127.0.0.1');
      clientSides.push(c);
      const before = accepted.length;
      await until(() => accepted.length > before);
      return c;
    }

    /**
     * A client's connection relayed to the board's `port` (`accept`, the gateway's SYN sent), its gateway side, and
     * `send`: a segment from the board on it (its SYN-ACK first).
     */
    async function relayedToBoard(lan: EmulatedLan, segments: ReturnType<typeof setup>['segments'], port: number) {
      const c = await client();
      const gatewaySide = accepted.at(-1)!;
      lan.accept(port, gatewaySide);
      await new Promise((r) => setTimeout(r, 20));
      const next = (segments()[0].seq + 1) >>> 0;
      const gatewayPort = 49152 + lan.accepted.length - 1;
      const send = (seq: number, flags: number, data: string) =>
        lan.fromBoard(ethernet([0x02, 0, 0, 0, 0, 1], 0x0800, ipv4(BOARD_IP, GATEWAY_IP, 6, tcp(port, gatewayPort, seq, next, flags, [...Buffer.from(data)]))));
      return { c, gatewaySide, send };
    }

    test('a SYN from the gateway\'s own port; what the client sent waits for the board\'s SYN-ACK, then flows both ways; the board\'s FIN ends the client\'s connection', async () => {
      const { lan, segments } = setup(() => undefined);
      const c = await client();
      const heard: string[] = [];
      c.on('data', (d) => heard.push(d.toString()));
      let ended = false;
      c.on('end', () => { ended = true; c.end(); });
      c.write('GET / HTTP/1.1\r\n\r\n');
      lan.accept(18080, accepted.at(-1)!);
      await new Promise((r) => setTimeout(r, 20));
      const syn = segments()[0];
      expect([segments().length, syn.flags, syn.from, syn.to, syn.options.slice(0, 2)]).toEqual([1, 0x02, 49152, 18080, [2, 4]]);
      expect(lan.accepted).toEqual([{ port: 18080, accepted: undefined }]);
      const send = (seq: number, ack: number, flags: number, data: string, options: number[] = []) =>
        lan.fromBoard(ethernet([0x02, 0, 0, 0, 0, 1], 0x0800, ipv4(BOARD_IP, GATEWAY_IP, 6, tcp(18080, 49152, seq, ack, flags, [...Buffer.from(data)], options))));
      const next = (syn.seq + 1) >>> 0;
      send(5000, next, 0x12, '', [2, 4, 0x05, 0xb4]); // SYN-ACK, MSS 1460
      expect(lan.accepted).toEqual([{ port: 18080, accepted: true }]);
      const [ack, request] = segments().slice(1);
      expect([ack.flags, ack.ack, request.flags & 0x18, request.data, request.seq]).toEqual([0x10, 5001, 0x18, 'GET / HTTP/1.1\r\n\r\n', next]);
      send(5001, (next + request.data.length) >>> 0, 0x18, 'HTTP/1.1 200 OK\r\n\r\n');
      await until(() => heard.join('') === 'HTTP/1.1 200 OK\r\n\r\n');
      expect(heard.join('')).toBe('HTTP/1.1 200 OK\r\n\r\n');
      send(5020, (next + request.data.length) >>> 0, 0x11, ''); // the board closes
      await until(() => ended);
      expect(ended).toBe(true);
      expect(segments().every((s) => s.checksumOk)).toBe(true);
    });

    test('a client that stops reading: the board\'s data fills its buffer, acknowledged, the window shrinking to zero; a probe\'s byte past it is not taken; reading again, the client gets it all and the board its window back, and a FIN that came meanwhile follows the data', async () => {
      const { lan, segments } = setup(() => undefined);
      const { c, gatewaySide, send } = await relayedToBoard(lan, segments, 18082);
      const heard: string[] = [];
      c.on('data', (d) => heard.push(d.toString()));
      let ended = false;
      c.on('end', () => { ended = true; });
      send(7000, 0x12, ''); // SYN-ACK
      expect(segments().at(-1)!.window).toBe(65535);
      lan.stopReading(gatewaySide, 10);
      expect(lan.boardEnded(gatewaySide)).toBe(false);
      send(7001, 0x18, 'abcdef');
      expect([segments().at(-1)!.ack, segments().at(-1)!.window, lan.unreadBytes(gatewaySide)]).toEqual([7007, 4, 6]);
      send(7007, 0x18, 'ghijkl'); // more than the window: the first four taken
      expect([segments().at(-1)!.ack, segments().at(-1)!.window]).toEqual([7011, 0]);
      send(7011, 0x18, 'k'); // a zero-window probe
      send(7011, 0x11, ''); // and a FIN: in order, so it is taken; the client sees it after the data
      expect([segments().at(-1)!.ack, segments().at(-1)!.window, lan.boardEnded(gatewaySide)]).toEqual([7012, 0, true]);
      await new Promise((r) => setTimeout(r, 20));
      expect([heard.join(''), ended]).toEqual(['', false]);
      lan.readAgain(gatewaySide);
      await until(() => ended);
      expect([heard.join(''), ended, lan.unreadBytes(gatewaySide)]).toEqual(['abcdefghij', true, 0]);
      await until(() => segments().at(-1)!.flags === 0x11); // the client, ended, ends its side: the gateway's FIN
      expect(segments().slice(-2).map((x) => [x.flags, x.ack, x.window])).toEqual([[0x10, 7012, 65535], [0x11, 7012, 65535]]);
      expect(segments().every((s) => s.checksumOk)).toBe(true);
    });

    test('a client out of reach: what the board sends is lost and nothing is acknowledged, whatever its window; the board\'s reset still ends the relay', async () => {
      const { lan, segments } = setup(() => undefined);
      const { c, gatewaySide, send } = await relayedToBoard(lan, segments, 18083);
      const heard: string[] = [];
      c.on('data', (d) => heard.push(d.toString()));
      let closed = false;
      c.on('error', () => {});
      c.on('close', () => { closed = true; });
      send(9000, 0x12, ''); // SYN-ACK
      lan.goSilent(gatewaySide);
      const before = segments().length;
      send(9001, 0x18, 'lost');
      send(9001, 0x18, 'lost'); // sent again: lost again
      await new Promise((r) => setTimeout(r, 20));
      expect([segments().length - before, lan.lostToSilence, heard.join(''), lan.boardEnded(gatewaySide)]).toEqual([0, 2, '', false]);
      send(9001, 0x14, ''); // the board gives up: its reset
      await until(() => closed);
      expect([closed, lan.resets, lan.boardEnded(gatewaySide)]).toEqual([true, 1, true]);
    });

    test('what the board does not acknowledge is sent again when the timer runs out, the wait doubling (the SYN, then data): a board drops segments itself; an acknowledgement ends it', async () => {
      const timers: { ms: number; fn: () => void }[] = [];
      const frames: Uint8Array[] = [];
      const lan = new EmulatedLan({ toBoard: (f) => frames.push(f), connect: () => undefined, after: (ms, fn) => timers.push({ ms, fn }) });
      const segments = () => frames.filter((f) => f[14 + 9] === 6).map((f) => {
        const t = f.subarray(34);
        return { seq: (t[4] << 24 | t[5] << 16 | t[6] << 8 | t[7]) >>> 0, flags: t[13], data: Buffer.from(t.subarray((t[12] >> 4) * 4)).toString() };
      });
      const fire = () => timers.shift()!.fn();
      const c = await client();
      c.write('hello');
      lan.accept(18080, accepted.at(-1)!);
      await new Promise((r) => setTimeout(r, 20));
      expect(timers.map((t) => t.ms)).toEqual([300]);
      fire(); // the board dropped the SYN (its pcbs all taken, say)
      expect(segments().map((x) => [x.flags, x.seq])).toEqual([[0x02, segments()[0].seq], [0x02, segments()[0].seq]]);
      expect([lan.retransmits, timers.map((t) => t.ms)]).toEqual([1, [600]]);
      const next = (segments()[0].seq + 1) >>> 0;
      const send = (seq: number, ack: number, flags: number, options: number[] = []) =>
        lan.fromBoard(ethernet([0x02, 0, 0, 0, 0, 1], 0x0800, ipv4(BOARD_IP, GATEWAY_IP, 6, tcp(18080, 49152 + lan.accepted.length - 1, seq, ack, flags, [], options))));
      send(7000, next, 0x12, [2, 4, 0x05, 0xb4]); // SYN-ACK
      const sent = segments().filter((x) => x.data === 'hello');
      expect(sent.map((x) => x.seq)).toEqual([next]);
      fire(); // no acknowledgement of 'hello': the board dropped it
      expect(segments().filter((x) => x.data === 'hello').map((x) => x.seq)).toEqual([next, next]);
      expect([lan.retransmits, timers.map((t) => t.ms)]).toEqual([2, [600]]);
      send(7001, (next + 5) >>> 0, 0x10); // acknowledged
      const before = segments().length;
      fire();
      expect([segments().length, lan.retransmits, timers]).toEqual([before, 2, []]);
    });

    test('a board with nothing on that port answers with a reset: the client\'s connection ends at once, and nothing is left relayed', async () => {
      const { lan, segments } = setup(() => undefined);
      const c = await client();
      let closed = false;
      c.on('error', () => {});
      c.on('close', () => { closed = true; });
      lan.accept(80, accepted.at(-1)!);
      const syn = segments()[0];
      lan.fromBoard(ethernet([0x02, 0, 0, 0, 0, 1], 0x0800, ipv4(BOARD_IP, GATEWAY_IP, 6, tcp(80, syn.from, 0, (syn.seq + 1) >>> 0, 0x14))));
      await until(() => closed);
      expect([closed, lan.accepted]).toEqual([true, [{ port: 80, accepted: false }]]);
      // A late segment on that pair is answered with a reset, as any other unknown connection is.
      lan.fromBoard(ethernet([0x02, 0, 0, 0, 0, 1], 0x0800, ipv4(BOARD_IP, GATEWAY_IP, 6, tcp(80, syn.from, 1, 1, 0x10))));
      expect(segments().at(-1)!.flags & 0x04).toBe(0x04);
    });
  });
});
