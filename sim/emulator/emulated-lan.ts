/**
 * The Wi-Fi network an emulated Pico W joins (sim/emulator/cyw43.ts): one
 * gateway at 10.0.0.1 that answers ARP, hands the board 10.0.0.2 by DHCP,
 * resolves every name to itself (DNS), tells the time (SNTP, from
 * `wallClockMs`: the simulated day's) and relays TCP connections made to it
 * to real sockets on this machine (`connect`: an MQTT broker, say), so
 * firmware in rp2040js talks to real servers through its own lwIP stack,
 * unchanged. Frames are Ethernet II, as the radio's driver sends and takes
 * them.
 *
 * Connections go the other way too (`accept`): a client on this machine
 * connected to a port of the board (its Web Thing's HTTP server, say) is
 * relayed to the board as a connection from the gateway, the gateway opening
 * it (a SYN from a port of its own).
 *
 * The link is lossless and in order, so the relay keeps only what TCP needs
 * between two such ends: sequence numbers, the board's window and MSS, both
 * directions' FIN, and what the board has not yet acknowledged. It
 * acknowledges each segment at once (lwIP then never needs to retransmit),
 * and sends again, after a timeout that doubles (`after`), what the board
 * dropped itself: lwIP drops a segment with data while its app still refuses
 * earlier data, or when its pbuf pool is empty, as on a real network. mDNS's group is
 * carried both ways (`mdns`, `sendMdns`), as a querier on the LAN sees it, and the
 * groups the board says it joined (its IGMP reports: `groups`, `igmpReports`; a router's
 * query, `queryGroups`).
 * Nothing else is routed: a packet to another address or port is dropped, a connection to a
 * port with no server is refused with a reset (and a board that refuses
 * one sent to it ends the client's with a reset). A name resolves to the
 * gateway, so an app given a broker's name reaches the relay as one given
 * 10.0.0.1 does.
 */
import type { Duplex } from 'node:stream';

const GATEWAY_IP = [10, 0, 0, 1];
const BOARD_IP = [10, 0, 0, 2];
const NETMASK = [255, 255, 255, 0];
const GATEWAY_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const BROADCAST_MAC = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const ETH_ARP = 0x0806, ETH_IPV4 = 0x0800;
/** mDNS's group (RFC 6762) and its Ethernet address (01:00:5e and the group's low 23 bits). */
export const MDNS_GROUP = [224, 0, 0, 251];
const MDNS_MAC = [0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb];
export const MDNS_PORT = 5353;
const PROTO_IGMP = 2, PROTO_TCP = 6, PROTO_UDP = 17;
/** IGMP's membership reports (v1, v2) and leave (RFC 2236). */
const IGMP_QUERY = 0x11, IGMP_V1_REPORT = 0x12, IGMP_V2_REPORT = 0x16, IGMP_LEAVE = 0x17;
/** All systems on this subnet (RFC 1112): where a router sends its general query, and that group's MAC. */
const ALL_SYSTEMS = [224, 0, 0, 1];
const ALL_SYSTEMS_MAC = [0x01, 0x00, 0x5e, 0x00, 0x00, 0x01];
const DHCP_SERVER_PORT = 67, DHCP_CLIENT_PORT = 68, DNS_PORT = 53, NTP_PORT = 123;
/** Seconds from the NTP epoch (1900) to the Unix one (1970). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;
const DHCP_DISCOVER = 1, DHCP_OFFER = 2, DHCP_REQUEST = 3, DHCP_ACK = 5;
const DHCP_MAGIC = 0x63825363;
const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
/** The relay's own maximum segment (it offers this in its SYN-ACK). */
const RELAY_MSS = 1460;
/** The gateway's ports for the connections it opens to the board (`accept`): IANA's dynamic range. */
const FIRST_GATEWAY_PORT = 49152;
/** The relay's first retransmission timeout, and its longest after doubling (emulated ms). */
const FIRST_RTO_MS = 300, MAX_RTO_MS = 3000;
/** The MSS option of the relay's SYN and SYN-ACK. */
const MSS_OPTION = [2, 4, RELAY_MSS >> 8, RELAY_MSS & 0xff];

export interface EmulatedLanOptions {
  /** Hand a frame to the board (the radio's `deliver`), a round trip after what it answers, or `atOnce`: a frame already on its way (`ackNow`). */
  toBoard: (frame: Uint8Array, atOnce: boolean) => void;
  /** Open a connection for the board's TCP connection to the gateway's `port`; undefined: nothing listens there (the board gets a reset). */
  connect: (port: number) => Duplex | undefined;
  /** Unix ms now, for SNTP (default: this machine's clock). */
  wallClockMs?: () => number;
  /** Run `fn` `ms` of emulated time from now: the relay's retransmission timer. Without it nothing is sent again. */
  after?: (ms: number, fn: () => void) => void;
}

/** One of the board's TCP connections to the gateway, relayed to a socket. */
interface Relay {
  boardPort: number;
  gatewayPort: number;
  socket: Duplex;
  /** Next sequence number expected from the board. */
  boardNext: number;
  /** The board's latest acknowledgement and window, and its MSS. */
  boardAcked: number;
  boardWindow: number;
  boardMss: number;
  /** Next sequence number the relay sends. */
  next: number;
  /** Bytes from the socket not yet sent to the board. */
  pending: Uint8Array[];
  /** Bytes sent to the board and not yet acknowledged, oldest first (sent again when the timer runs out). */
  unacked: Uint8Array[];
  rtoMs: number;
  timerArmed: boolean;
  /** A delayed acknowledgement is on its way (`ackDelayMs`). */
  ackArmed: boolean;
  /** The socket ended: a FIN follows the pending bytes. */
  socketEnded: boolean;
  finSent: boolean;
  /** The board sent its FIN. */
  boardFin: boolean;
  closed: boolean;
  /** A connection the gateway opened (`accept`) and the board has not yet answered: its SYN is out. */
  synSent: boolean;
  /** For a connection the gateway opened: its entry in `accepted`. */
  attempt?: { port: number; accepted: boolean | undefined };
  /** The client has stopped reading (`stopReading`): what the board sends fills its receive buffer, and the window shrinks. */
  unread?: UnreadBuffer;
  /** The client is out of reach (`goSilent`): nothing the board sends reaches it, and it acknowledges nothing. */
  silent?: boolean;
}

/** A client's receive buffer while it reads nothing: held bytes, and the board's FIN once they are all in. */
interface UnreadBuffer {
  size: number;
  held: Buffer[];
  heldBytes: number;
  fin: boolean;
}

/** The window the relay offers while its client reads: it buffers whatever the board sends. */
const OPEN_WINDOW = 0xffff;

/** Relays by their two ports (the board's and the gateway's): a server port on the board has a relay per client. */
function relayKey(boardPort: number, gatewayPort: number): number {
  return boardPort * 0x10000 + gatewayPort;
}

export class EmulatedLan {
  /** The board's MAC address, from its first frame. */
  boardMac: number[] | undefined;
  /** DHCP leases given (the board's ACKs). */
  leases = 0;
  /** Names the board looked up (each answered with the gateway's address), and SNTP answers given. */
  readonly lookups: string[] = [];
  timeAnswers = 0;
  /** TCP connections the board opened to the gateway, in order: port and whether anything listened. */
  readonly connections: { port: number; accepted: boolean }[] = [];
  /** Connections opened to the board's ports (`accept`), in order: port and whether the board took it (undefined while it has not answered). */
  readonly accepted: { port: number; accepted: boolean | undefined }[] = [];
  /** Segments the relay sent again because the board had not acknowledged them in time. */
  retransmits = 0;
  /** Relayed connections that ended with a reset (from the board, or a client here that failed). */
  resets = 0;
  /** The board's segments lost to a client out of reach (`goSilent`). */
  lostToSilence = 0;
  /** UDP datagrams the board sent to mDNS's group, in order (`sendMdns` sends the other way). */
  readonly mdns: { sourcePort: number; data: Uint8Array }[] = [];
  /** The multicast groups the board reports it is a member of (its IGMP reports, less those it left), as `a.b.c.d`. */
  readonly groups = new Set<string>();
  /** The board's DHCP messages, in order: DISCOVER or REQUEST, when (`wallClockMs`), and whether the gateway answered. */
  readonly dhcpMessages: { type: 'DISCOVER' | 'REQUEST'; atMs: number; answered: boolean }[] = [];
  /** How many more of the board's DHCP messages the gateway leaves unanswered, as a lost datagram (the board asks again, on its DHCP timer). */
  ignoreDhcp = 0;
  /** How many more of the board's SNTP requests the gateway leaves unanswered (a time server out of reach; Moddable's SNTP asks five times, 5 s apart, then gives up). */
  ignoreNtp = 0;
  /** How far the time server's time is ahead of the board's reckoning (`wallClockMs`), in ms: a board's crystal drifts from the network's time, which a re-sync corrects (negative: the board runs fast). */
  ntpOffsetMs = 0;
  /** The lease the gateway gives, in seconds: a day, as a home router's; shorter to see a board renew it (at half, RFC 2131's T1). */
  leaseSeconds = 86_400;
  /** The board's IGMP membership reports, in order: each one's group, and when (`wallClockMs`). (A host reports a group it joins twice, RFC 2236 3: the second from its timer.) */
  readonly igmpReports: { group: string; atMs: number }[] = [];
  /**
   * Emulated ms the gateway waits before it acknowledges data from the board (0: at once). A client's TCP
   * delays its ACKs (RFC 1122: up to 500 ms; Linux about 40, Windows 200), so a board's segment stays
   * unacknowledged that long, and what several of its connections send at once is in flight together.
   * Needs `after`.
   */
  ackDelayMs = 0;
  /** `ackNow` is sending: its frame is with the board at once (`toBoard`'s `atOnce`). */
  private sendingAtOnce = false;
  private readonly relays = new Map<number, Relay>();
  private nextGatewayPort = FIRST_GATEWAY_PORT;
  private ipId = 0;

  constructor(private readonly opts: EmulatedLanOptions) {}

  /** A frame the board sent. */
  fromBoard(frame: Uint8Array): void {
    if (frame.length < 14) return;
    this.boardMac ??= [...frame.subarray(6, 12)];
    const type = (frame[12] << 8) | frame[13];
    if (type === ETH_ARP) this.arp(frame.subarray(14));
    else if (type === ETH_IPV4) this.ipv4(frame.subarray(14));
  }

  /** Who has 10.0.0.1: the gateway does (it answers for no other address). */
  private arp(p: Uint8Array): void {
    if (p.length < 28 || ((p[6] << 8) | p[7]) !== 1 || !sameIp(p.subarray(24, 28), GATEWAY_IP)) return;
    const reply = new Uint8Array(28);
    reply.set(p.subarray(0, 6)); // hardware and protocol types, sizes
    reply[7] = 2; // a reply
    reply.set(GATEWAY_MAC, 8);
    reply.set(GATEWAY_IP, 14);
    reply.set(p.subarray(8, 18), 18); // back to the asker's MAC and IP
    this.send([...p.subarray(8, 14)], ETH_ARP, reply);
  }

  private ipv4(p: Uint8Array): void {
    if (p.length < 20 || p[0] >> 4 !== 4) return;
    const headerLength = (p[0] & 0x0f) * 4;
    const total = Math.min((p[2] << 8) | p[3], p.length);
    const body = p.subarray(headerLength, total);
    const source = [...p.subarray(12, 16)];
    const destination = [...p.subarray(16, 20)];
    if (p[9] === PROTO_UDP && body.length >= 8) {
      const sourcePort = (body[0] << 8) | body[1];
      const destPort = (body[2] << 8) | body[3];
      if (destPort === DHCP_SERVER_PORT) this.dhcp(body.subarray(8));
      else if (sameIp(destination, GATEWAY_IP) && destPort === DNS_PORT) this.dns(body.subarray(8), sourcePort, source);
      else if (sameIp(destination, GATEWAY_IP) && destPort === NTP_PORT) this.ntp(body.subarray(8), sourcePort, source);
      else if (sameIp(destination, MDNS_GROUP) && destPort === MDNS_PORT) this.mdns.push({ sourcePort, data: body.slice(8, (body[4] << 8) | body[5]) });
    } else if (p[9] === PROTO_TCP && sameIp(destination, GATEWAY_IP) && sameIp(source, BOARD_IP)) {
      this.tcp(body);
    } else if (p[9] === PROTO_IGMP && body.length >= 8) {
      const group = [...body.subarray(4, 8)].join('.');
      if (body[0] === IGMP_V1_REPORT || body[0] === IGMP_V2_REPORT) {
        this.groups.add(group);
        this.igmpReports.push({ group, atMs: this.nowMs() });
      }
      else if (body[0] === IGMP_LEAVE) this.groups.delete(group);
    }
  }

  /** DISCOVER gets an OFFER of 10.0.0.2, REQUEST an ACK: a lease of `leaseSeconds` (a day), the gateway as router and DNS. */
  private dhcp(m: Uint8Array): void {
    if (m.length < 240 || m[0] !== 1 || readU32(m, 236) !== DHCP_MAGIC) return;
    let type = 0;
    for (let i = 240; i < m.length && m[i] !== 255;) {
      if (m[i] === 0) { i++; continue; }
      if (m[i] === 53) type = m[i + 2];
      i += 2 + m[i + 1];
    }
    const answer = type === DHCP_DISCOVER ? DHCP_OFFER : type === DHCP_REQUEST ? DHCP_ACK : 0;
    if (answer === 0) return;
    const ignored = this.ignoreDhcp > 0;
    this.dhcpMessages.push({ type: answer === DHCP_OFFER ? 'DISCOVER' : 'REQUEST', atMs: this.nowMs(), answered: !ignored });
    if (ignored) {
      this.ignoreDhcp--;
      return;
    }
    if (answer === DHCP_ACK) this.leases++;
    const reply = new Uint8Array(300);
    reply[0] = 2; // a reply
    reply[1] = 1; // Ethernet
    reply[2] = 6;
    reply.set(m.subarray(4, 8), 4); // xid
    reply.set(m.subarray(10, 12), 10); // flags
    reply.set(BOARD_IP, 16); // yiaddr
    reply.set(GATEWAY_IP, 20); // siaddr
    reply.set(m.subarray(28, 44), 28); // chaddr
    writeU32(reply, 236, DHCP_MAGIC);
    const lease = this.leaseSeconds;
    const options = [53, 1, answer, 54, 4, ...GATEWAY_IP, 51, 4, lease >>> 24, (lease >>> 16) & 0xff, (lease >>> 8) & 0xff, lease & 0xff, 1, 4, ...NETMASK, 3, 4, ...GATEWAY_IP, 6, 4, ...GATEWAY_IP, 255];
    reply.set(options, 240);
    this.sendIp([255, 255, 255, 255], PROTO_UDP, udp(DHCP_SERVER_PORT, DHCP_CLIENT_PORT, reply), BROADCAST_MAC);
  }

  /** A query: an A record of the gateway for any name; no record of another type (NOERROR, no answer). */
  private dns(q: Uint8Array, sourcePort: number, source: number[]): void {
    if (q.length < 12 || (q[2] & 0x80) !== 0 || ((q[4] << 8) | q[5]) !== 1) return;
    let at = 12;
    const labels: string[] = [];
    while (at < q.length && q[at] !== 0) {
      labels.push(String.fromCharCode(...q.subarray(at + 1, at + 1 + q[at])));
      at += 1 + q[at];
    }
    const questionEnd = at + 5; // the root label, type, class
    if (questionEnd > q.length) return;
    const type = (q[at + 1] << 8) | q[at + 2];
    this.lookups.push(labels.join('.'));
    const answer = type === 1 ? [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...GATEWAY_IP] : [];
    const r = new Uint8Array(questionEnd + answer.length);
    r.set(q.subarray(0, questionEnd));
    r[2] = 0x81; // a response, recursion desired
    r[3] = 0x80; // recursion available, NOERROR
    r[6] = 0;
    r[7] = type === 1 ? 1 : 0; // answers
    r.fill(0, 8, 12);
    r.set(answer, questionEnd);
    this.sendIp(source, PROTO_UDP, udp(DNS_PORT, sourcePort, r));
  }

  /** An SNTP request: the time now, as a stratum-1 server gives it, with the request's transmit time as the origin. */
  private ntp(m: Uint8Array, sourcePort: number, source: number[]): void {
    if (m.length < 48 || (m[0] & 7) !== 3) return; // a client's request
    if (this.ignoreNtp > 0) {
      this.ignoreNtp--;
      return;
    }
    this.timeAnswers++;
    const ms = this.nowMs() + this.ntpOffsetMs;
    const seconds = Math.floor(ms / 1000) + NTP_UNIX_OFFSET_S;
    const fraction = Math.floor(((ms % 1000) / 1000) * 0x100000000);
    const r = new Uint8Array(48);
    r[0] = (4 << 3) | 4; // no leap warning, version 4, server
    r[1] = 1; // stratum 1
    r[2] = m[2];
    r[3] = 0xec; // precision about a microsecond
    r.set([0x47, 0x50, 0x53, 0x00], 12); // reference: "GPS"
    for (const at of [16, 32, 40]) { writeU32(r, at, seconds >>> 0); writeU32(r, at + 4, fraction >>> 0); }
    r.set(m.subarray(40, 48), 24); // origin: the client's transmit time
    this.sendIp(source, PROTO_UDP, udp(NTP_PORT, sourcePort, r));
  }

  private tcp(s: Uint8Array): void {
    if (s.length < 20) return;
    const boardPort = (s[0] << 8) | s[1];
    const gatewayPort = (s[2] << 8) | s[3];
    const seq = readU32(s, 4);
    const ack = readU32(s, 8);
    const flags = s[13];
    const window = (s[14] << 8) | s[15];
    const data = s.subarray((s[12] >> 4) * 4);
    let relay = this.relays.get(relayKey(boardPort, gatewayPort));
    // Out of reach: the board's segments are lost (its reset is counted, for the board's own bookkeeping, and ends the relay).
    if (relay?.silent && !(flags & RST)) {
      this.lostToSilence++;
      return;
    }
    if (relay?.synSent) {
      this.answered(relay, s, flags, seq, ack, window);
      return;
    }
    if (flags & RST) {
      if (relay) this.close(relay, true);
      return;
    }
    if (flags & SYN && !(flags & ACK)) {
      if (relay && !relay.closed) return; // a repeated SYN: the SYN-ACK is on its way
      const socket = this.opts.connect(gatewayPort);
      this.connections.push({ port: gatewayPort, accepted: socket !== undefined });
      if (socket === undefined) {
        this.segment(gatewayPort, boardPort, 0, (seq + 1) >>> 0, RST | ACK, new Uint8Array(0));
        return;
      }
      const r = this.relay(boardPort, gatewayPort, socket, { boardNext: (seq + 1) >>> 0, boardWindow: window, boardMss: mssOption(s) ?? 536, synSent: false });
      this.segment(gatewayPort, boardPort, r.next, r.boardNext, SYN | ACK, new Uint8Array(0), MSS_OPTION);
      r.next = (r.next + 1) >>> 0;
      r.boardAcked = r.next;
      return;
    }
    if (!relay || relay.closed) {
      if (!(flags & RST)) this.segment(gatewayPort, boardPort, ack, (seq + data.length) >>> 0, RST | ACK, new Uint8Array(0));
      return;
    }
    if (flags & ACK) {
      this.acked(relay, ack);
      relay.boardWindow = window;
    }
    let advanced = false;
    const unread = relay.unread;
    // A client that reads nothing takes what its buffer has room for: a zero-window probe's byte is not taken.
    const taken = unread === undefined ? data : data.subarray(0, Math.max(0, unread.size - unread.heldBytes));
    if (taken.length > 0 && seq === relay.boardNext) {
      if (unread === undefined) relay.socket.write(Buffer.from(taken));
      else {
        unread.held.push(Buffer.from(taken));
        unread.heldBytes += taken.length;
      }
      relay.boardNext = (relay.boardNext + taken.length) >>> 0;
      advanced = true;
    }
    if (flags & FIN && taken.length === data.length && ((seq + data.length) >>> 0) === relay.boardNext) {
      relay.boardNext = (relay.boardNext + 1) >>> 0;
      relay.boardFin = true;
      if (unread === undefined) relay.socket.end();
      else unread.fin = true;
      advanced = true;
    }
    // Data is acknowledged at once, or later as a client's delayed ACK (`ackDelayMs`); a FIN at once.
    if ((advanced || data.length > 0) && (relay.boardFin || data.length === 0 || !this.delayAck(relay))) {
      this.segment(gatewayPort, boardPort, relay.next, relay.boardNext, ACK, new Uint8Array(0));
    }
    this.pump(relay);
    // Both FINs sent and acknowledged: the connection is over.
    if (relay.finSent && relay.boardFin && relay.boardAcked === relay.next) this.close(relay, false);
  }

  /**
   * Relay `socket`, a client's connection on this machine, to the board's
   * `boardPort`: the gateway opens the connection (a SYN from a port of its
   * own); what the client sends waits until the board has answered. A board
   * that refuses (a reset: nothing listens there) ends the client's
   * connection with a reset too.
   */
  accept(boardPort: number, socket: Duplex): void {
    const gatewayPort = this.nextGatewayPort;
    this.nextGatewayPort = gatewayPort === 65535 ? FIRST_GATEWAY_PORT : gatewayPort + 1;
    const r = this.relay(boardPort, gatewayPort, socket, { boardNext: 0, boardWindow: 0, boardMss: 536, synSent: true });
    r.attempt = { port: boardPort, accepted: undefined };
    this.accepted.push(r.attempt);
    this.segment(gatewayPort, boardPort, r.next, 0, SYN, new Uint8Array(0), MSS_OPTION);
    r.next = (r.next + 1) >>> 0;
    this.armRetransmit(r); // a board whose pcbs are all taken drops the SYN
  }

  /** The board's answer to the gateway's SYN: a SYN-ACK opens the connection, a reset refuses it. */
  private answered(r: Relay, s: Uint8Array, flags: number, seq: number, ack: number, window: number): void {
    if (flags & RST) {
      if (r.attempt) r.attempt.accepted = false;
      this.close(r, true);
      return;
    }
    if (!(flags & SYN) || !(flags & ACK) || ack !== r.next) return;
    if (r.attempt) r.attempt.accepted = true;
    r.synSent = false;
    r.boardNext = (seq + 1) >>> 0;
    r.boardAcked = ack;
    r.rtoMs = FIRST_RTO_MS;
    r.boardWindow = window;
    r.boardMss = mssOption(s) ?? 536;
    this.segment(r.gatewayPort, r.boardPort, r.next, r.boardNext, ACK, new Uint8Array(0));
    this.pump(r);
  }

  /** A relay between the board's `boardPort` and a socket here, through the gateway's `gatewayPort`. */
  private relay(boardPort: number, gatewayPort: number, socket: Duplex, board: Pick<Relay, 'boardNext' | 'boardWindow' | 'boardMss' | 'synSent'>): Relay {
    const r: Relay = {
      boardPort, gatewayPort, socket, boardAcked: 0, ...board,
      next: (Math.random() * 0xffffffff) >>> 0, pending: [], unacked: [], rtoMs: FIRST_RTO_MS, timerArmed: false, ackArmed: false, socketEnded: false, finSent: false, boardFin: false, closed: false,
    };
    this.relays.set(relayKey(boardPort, gatewayPort), r);
    socket.on('data', (chunk: Buffer) => {
      r.pending.push(new Uint8Array(chunk));
      this.pump(r);
    });
    socket.on('end', () => {
      r.socketEnded = true;
      this.pump(r);
    });
    // The far end refused or dropped the connection: the board's connection ends with a reset.
    socket.on('error', () => {
      if (!r.closed && !r.synSent) this.segment(r.gatewayPort, r.boardPort, r.next, r.boardNext, RST | ACK, new Uint8Array(0));
      this.close(r, true);
    });
    socket.on('close', () => {
      r.socketEnded = true;
      this.pump(r);
    });
    return r;
  }

  /** Send what the socket gave, as the board's window and MSS allow; then the FIN once the socket has ended. */
  private pump(r: Relay): void {
    if (r.closed || r.synSent) return;
    const mss = Math.min(r.boardMss, RELAY_MSS);
    while (r.pending.length > 0) {
      const inFlight = (r.next - r.boardAcked) >>> 0;
      const room = r.boardWindow - inFlight;
      if (room <= 0) return; // the board's ACK opens the window again
      const head = r.pending[0];
      const n = Math.min(head.length, mss, room);
      this.segment(r.gatewayPort, r.boardPort, r.next, r.boardNext, ACK | PSH, head.subarray(0, n));
      r.unacked.push(head.subarray(0, n));
      r.next = (r.next + n) >>> 0;
      this.armRetransmit(r);
      if (n === head.length) r.pending.shift();
      else r.pending[0] = head.subarray(n);
    }
    if (r.socketEnded && !r.finSent) {
      this.segment(r.gatewayPort, r.boardPort, r.next, r.boardNext, FIN | ACK, new Uint8Array(0));
      r.next = (r.next + 1) >>> 0;
      r.finSent = true;
      this.armRetransmit(r);
    }
  }

  /**
   * The client on `socket` (a connection relayed here) stops reading: what the board sends fills a
   * receive buffer of `bufferBytes`, acknowledged as it arrives, and the window the relay offers
   * shrinks with it to zero, as a client's TCP does when its application reads nothing (a slow or
   * stalled consumer). The board's TCP then holds what it has not sent, probing the closed window.
   */
  stopReading(socket: Duplex, bufferBytes: number): void {
    const r = this.findRelay(socket);
    if (r === undefined) throw new Error('emulated LAN: no open connection relays that socket');
    r.unread ??= { size: bufferBytes, held: [], heldBytes: 0, fin: false };
  }

  /**
   * The client on `socket` goes out of reach (a phone that left the Wi-Fi): what the board sends is lost
   * (counted in `lostToSilence`) and nothing is acknowledged, whatever its window. A reset from the
   * board still ends the relay (and counts in `resets`).
   */
  goSilent(socket: Duplex): void {
    const r = this.findRelay(socket);
    if (r === undefined) throw new Error('emulated LAN: no open connection relays that socket');
    r.silent = true;
  }

  /** The client on `socket` reads again: it gets what its buffer held (and the board's FIN, if it came), and the window opens. */
  readAgain(socket: Duplex): void {
    const r = this.findRelay(socket);
    const unread = r?.unread;
    if (r === undefined || unread === undefined) return; // reading on, or the connection is gone (a reset drops what was held)
    r.unread = undefined;
    for (const chunk of unread.held) socket.write(chunk);
    if (unread.fin) socket.end();
    if (!r.closed) this.segment(r.gatewayPort, r.boardPort, r.next, r.boardNext, ACK, new Uint8Array(0)); // the window update
  }

  /** Bytes the client on `socket` has not read (`stopReading`); 0 once the connection is gone. */
  unreadBytes(socket: Duplex): number {
    return this.findRelay(socket)?.unread?.heldBytes ?? 0;
  }

  /** Whether the board has ended the connection relayed to `socket` (its FIN came, held or not, or the relay is gone). */
  boardEnded(socket: Duplex): boolean {
    return this.findRelay(socket)?.boardFin ?? true;
  }

  /**
   * The client on the connection from the board's `boardPort` acknowledges what it has had, now: a bare ACK, as a
   * client's TCP may send one at any moment (its delayed ACK's timer, a window update). False when no such connection is open.
   */
  ackNow(boardPort: number): boolean {
    for (const r of this.relays.values()) {
      if (r.boardPort !== boardPort || r.closed || r.synSent) continue;
      this.sendingAtOnce = true;
      try {
        this.segment(r.gatewayPort, r.boardPort, r.next, r.boardNext, ACK, new Uint8Array(0));
      } finally {
        this.sendingAtOnce = false;
      }
      return true;
    }
    return false;
  }

  private findRelay(socket: Duplex): Relay | undefined {
    for (const r of this.relays.values()) if (r.socket === socket) return r;
    return undefined;
  }

  /** Acknowledge the board's data `ackDelayMs` from now, as a client's delayed ACK does; false when ACKs go at once. */
  private delayAck(r: Relay): boolean {
    const after = this.opts.after;
    if (this.ackDelayMs <= 0 || after === undefined) return false;
    if (r.ackArmed) return true;
    r.ackArmed = true;
    after(this.ackDelayMs, () => {
      r.ackArmed = false;
      // What came meanwhile is acknowledged too; a segment sent since (pump) carried the ACK already, and says it again.
      if (!r.closed) this.segment(r.gatewayPort, r.boardPort, r.next, r.boardNext, ACK, new Uint8Array(0));
    });
    return true;
  }

  /** The board acknowledged up to `ack`: what it has is no longer kept for sending again. */
  private acked(r: Relay, ack: number): void {
    const advance = (ack - r.boardAcked) >>> 0;
    if (advance === 0 || advance > ((r.next - r.boardAcked) >>> 0)) return; // a duplicate, or not ours
    r.boardAcked = ack;
    r.rtoMs = FIRST_RTO_MS;
    let bytes = advance;
    while (bytes > 0 && r.unacked.length > 0) {
      const head = r.unacked[0];
      if (head.length <= bytes) {
        bytes -= head.length;
        r.unacked.shift();
      } else {
        r.unacked[0] = head.subarray(bytes);
        bytes = 0;
      }
    }
  }

  /**
   * A TCP peer sends again what the board has not acknowledged, after a timeout that doubles: the
   * board may drop a segment, as a device on a real network does (lwIP drops one with data while the
   * app still refuses earlier data, or when its pbuf pool is empty), and the link being lossless does
   * not make the board's own drops go away. The gateway's SYN is sent again too.
   */
  private armRetransmit(r: Relay): void {
    const after = this.opts.after;
    if (after === undefined || r.timerArmed) return;
    r.timerArmed = true;
    after(r.rtoMs, () => {
      r.timerArmed = false;
      if (r.closed) return;
      if (r.synSent) {
        this.segment(r.gatewayPort, r.boardPort, (r.next - 1) >>> 0, 0, SYN, new Uint8Array(0), MSS_OPTION);
      } else {
        const outstanding = (r.next - r.boardAcked) >>> 0;
        if (outstanding === 0) return;
        // Each kept chunk is a segment pump sent (within the MSS), or the unacknowledged end of one.
        let seq = r.boardAcked;
        for (const chunk of r.unacked) {
          this.segment(r.gatewayPort, r.boardPort, seq, r.boardNext, ACK | PSH, chunk);
          seq = (seq + chunk.length) >>> 0;
        }
        if (r.finSent && seq !== r.next) this.segment(r.gatewayPort, r.boardPort, seq, r.boardNext, FIN | ACK, new Uint8Array(0));
      }
      this.retransmits++;
      r.rtoMs = Math.min(r.rtoMs * 2, MAX_RTO_MS);
      this.armRetransmit(r);
    });
  }

  private close(r: Relay, reset: boolean): void {
    if (r.closed) return;
    r.closed = true;
    this.relays.delete(relayKey(r.boardPort, r.gatewayPort));
    if (!reset) return;
    this.resets++;
    // What the board sent before its reset is the client's, as a TCP stack gives data it received before the reset:
    // the socket ends once it has written that out (destroy at once drops it).
    const socket = r.socket;
    if (socket.writableLength > 0) socket.once('drain', () => socket.destroy());
    else socket.destroy();
  }

  private segment(sourcePort: number, destPort: number, seq: number, ack: number, flags: number, data: Uint8Array, options: number[] = []): void {
    const headerLength = 20 + options.length;
    const s = new Uint8Array(headerLength + data.length);
    s[0] = sourcePort >> 8;
    s[1] = sourcePort & 0xff;
    s[2] = destPort >> 8;
    s[3] = destPort & 0xff;
    writeU32(s, 4, seq);
    writeU32(s, 8, ack);
    s[12] = (headerLength / 4) << 4;
    s[13] = flags;
    // The window: 65535 while the client reads (the relay buffers what the board sends), else its buffer's room.
    const unread = this.relays.get(relayKey(destPort, sourcePort))?.unread;
    const window = unread === undefined ? OPEN_WINDOW : unread.size - unread.heldBytes;
    s[14] = window >> 8;
    s[15] = window & 0xff;
    s.set(options, 20);
    s.set(data, headerLength);
    const sum = checksum(s, pseudoHeaderSum(GATEWAY_IP, BOARD_IP, PROTO_TCP, s.length));
    s[16] = sum >> 8;
    s[17] = sum & 0xff;
    this.sendIp(BOARD_IP, PROTO_TCP, s);
  }

  /** A datagram to mDNS's group from the gateway's port 5353, as a querier on the LAN sends it: the board takes it once it has joined the group. */
  sendMdns(data: Uint8Array): void {
    this.sendIp(MDNS_GROUP, PROTO_UDP, udp(MDNS_PORT, MDNS_PORT, data), MDNS_MAC);
  }

  /**
   * A router's IGMPv2 general query (RFC 2236 2, 3): each group the board is in (but all-systems) is
   * reported again at a random time within `maxResponseMs` (tenths of a second on the wire, 100 to 25,500).
   * Returns when it was sent (`wallClockMs`).
   */
  queryGroups(maxResponseMs = 1000): number {
    const igmp = new Uint8Array(8);
    igmp[0] = IGMP_QUERY;
    igmp[1] = Math.min(255, Math.max(1, Math.round(maxResponseMs / 100)));
    const sum = checksum(igmp, 0);
    igmp[2] = sum >> 8;
    igmp[3] = sum & 0xff;
    this.sendIp(ALL_SYSTEMS, PROTO_IGMP, igmp, ALL_SYSTEMS_MAC);
    return this.nowMs();
  }

  private nowMs(): number {
    return (this.opts.wallClockMs ?? Date.now)();
  }

  private sendIp(destination: number[], protocol: number, body: Uint8Array, mac?: number[]): void {
    const p = new Uint8Array(20 + body.length);
    p[0] = 0x45;
    p[2] = p.length >> 8;
    p[3] = p.length & 0xff;
    p[4] = (this.ipId >> 8) & 0xff;
    p[5] = this.ipId++ & 0xff;
    p[8] = 64; // TTL
    p[9] = protocol;
    p.set(GATEWAY_IP, 12);
    p.set(destination, 16);
    const sum = checksum(p.subarray(0, 20), 0);
    p[10] = sum >> 8;
    p[11] = sum & 0xff;
    p.set(body, 20);
    if (protocol === PROTO_UDP) {
      // The UDP checksum over the pseudo-header (lwIP checks it when it is not 0).
      const u = p.subarray(20);
      const usum = checksum(u, pseudoHeaderSum(GATEWAY_IP, destination, PROTO_UDP, u.length)) || 0xffff;
      u[6] = usum >> 8;
      u[7] = usum & 0xff;
    }
    this.send(mac ?? this.boardMac ?? BROADCAST_MAC, ETH_IPV4, p);
  }

  private send(destinationMac: number[], type: number, payload: Uint8Array): void {
    const frame = new Uint8Array(14 + payload.length);
    frame.set(destinationMac, 0);
    frame.set(GATEWAY_MAC, 6);
    frame[12] = type >> 8;
    frame[13] = type & 0xff;
    frame.set(payload, 14);
    this.opts.toBoard(frame, this.sendingAtOnce);
  }
}

function udp(sourcePort: number, destPort: number, data: Uint8Array): Uint8Array {
  const u = new Uint8Array(8 + data.length);
  u[0] = sourcePort >> 8;
  u[1] = sourcePort & 0xff;
  u[2] = destPort >> 8;
  u[3] = destPort & 0xff;
  u[4] = u.length >> 8;
  u[5] = u.length & 0xff;
  u.set(data, 8);
  return u;
}

/** The MSS option of a SYN, if it has one. */
function mssOption(s: Uint8Array): number | undefined {
  const end = (s[12] >> 4) * 4;
  for (let i = 20; i < end;) {
    if (s[i] === 0) return undefined;
    if (s[i] === 1) { i++; continue; }
    if (s[i] === 2) return (s[i + 2] << 8) | s[i + 3];
    i += Math.max(2, s[i + 1]);
  }
  return undefined;
}

function pseudoHeaderSum(source: number[], destination: number[], protocol: number, length: number): number {
  return ((source[0] << 8) | source[1]) + ((source[2] << 8) | source[3]) + ((destination[0] << 8) | destination[1]) + ((destination[2] << 8) | destination[3]) + protocol + length;
}

/** The Internet checksum of `bytes` (its checksum field zero), starting from `initial`. */
function checksum(bytes: Uint8Array, initial: number): number {
  let sum = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function sameIp(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}
