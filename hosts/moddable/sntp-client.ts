/**
 * The time from an SNTP server, to the millisecond, for a board's setup (`./setup-network`), in place of
 * Moddable's `sntp` module: that one reads the answer's whole seconds and nothing of the round trip, so
 * a clock it set was up to a second off the network's. Asked as Moddable's asks: the name resolved,
 * then a request over UDP every 5 s until an answer, five at most. Each request carries a nonce the
 * answer must return (`./sntp-answer`); an answer that is not the time (a kiss-o'-death, an
 * unsynchronised server, an answer to an earlier request) is said on the console and the board waits
 * for the next.
 */
import Net from 'net';
import { Socket } from 'socket';
import Time from 'time';
import Timer from 'timer';
import { SNTP_PACKET_BYTES, sntpAnswerMs, writeSntpRequest } from './sntp-answer';

const NTP_PORT = 123;
const REQUESTS = 5;
const REQUEST_EVERY_MS = 5000;
/** Moddable's socket callback's message for a datagram in (its length the value). */
const SOCKET_READABLE = 2;

/** The UDP side of Moddable's `socket` Socket this uses (its typings want a port, which a client's UDP socket does not choose). */
interface UdpSocket {
  write(address: string, port: number, data: ArrayBuffer): void;
  read(type: typeof ArrayBuffer, count?: number): ArrayBuffer;
  close(): void;
  callback: ((message: number, value?: number) => void) | undefined;
}

/**
 * Ask `host` the time: `answered(epochMs)` with the Unix ms at `Time.ticks >>> 0` = 0 (the wall-clock time
 * at the start of the board's current 2^32 ms count: add the ticks to it for the time now), or `failed(why)`
 * after five requests without the time, or when the name does not resolve. Exactly one of them is called.
 */
export function askSntpTime(host: string, answered: (epochMs: number) => void, failed: (why: string) => void): void {
  const exchange = new SntpExchange(host, answered, failed);
  try {
    Net.resolve(host, (_name, address) => exchange.resolved(address));
  } catch (e) {
    exchange.end(`cannot look up ${host}: ${String(e)}`); // lwIP's queue of DNS questions full
  }
}

class SntpExchange {
  private socket: UdpSocket | undefined;
  private timer: Timer | undefined;
  private address = '';
  private requestsLeft = REQUESTS;
  private nonceHigh = 0;
  private nonceLow = 0;
  private sentTicks = 0;
  private done = false;

  constructor(
    private readonly host: string,
    private readonly answered: (epochMs: number) => void,
    private readonly failed: (why: string) => void,
  ) {}

  resolved(address: string | undefined): void {
    if (address === undefined) {
      this.end(`cannot resolve ${this.host}`);
      return;
    }
    this.address = address;
    let socket: UdpSocket;
    try {
      socket = new Socket({ kind: 'UDP' } as never) as unknown as UdpSocket;
    } catch (e) {
      this.end(`no UDP socket: ${String(e)}`); // lwIP's UDP pcbs all in use
      return;
    }
    this.socket = socket;
    socket.callback = (message, value) => {
      if (message === SOCKET_READABLE) this.received(value ?? 0);
    };
    this.timer = Timer.repeat(() => this.request(), REQUEST_EVERY_MS);
    this.request();
  }

  private request(): void {
    if (this.requestsLeft === 0) {
      this.end(`no answer from ${this.host} to ${REQUESTS} requests`);
      return;
    }
    this.requestsLeft--;
    const packet = new Uint8Array(SNTP_PACKET_BYTES);
    // A nonce the answer must carry back: the ticks and a count, a new one each request, so an answer to an earlier one is told apart.
    this.sentTicks = Time.ticks >>> 0;
    this.nonceHigh = this.sentTicks;
    this.nonceLow = REQUESTS - this.requestsLeft;
    writeSntpRequest(packet, this.nonceHigh, this.nonceLow);
    try {
      this.socket!.write(this.address, NTP_PORT, packet.buffer as ArrayBuffer);
    } catch {
      trace('SNTP: request not sent\n'); // no buffer or route now: the next request is 5 s away
    }
  }

  private received(bytes: number): void {
    const ticks = Time.ticks >>> 0; // first: the answer's arrival, before anything else takes time
    const answer = new Uint8Array(this.socket!.read(ArrayBuffer, bytes));
    const roundTripMs = (ticks - this.sentTicks) >>> 0;
    const wallMs = sntpAnswerMs(answer, this.nonceHigh, this.nonceLow, roundTripMs);
    if (typeof wallMs === 'string') {
      trace(`SNTP: ${wallMs} from ${this.host}, waiting for another\n`);
      return;
    }
    this.end(undefined);
    this.answered(wallMs - ticks);
  }

  /** Done: the socket and timer let go, and `failed(why)` told when there is a why (else `answered` is next). */
  end(why: string | undefined): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== undefined) Timer.clear(this.timer);
    if (this.socket !== undefined) this.socket.close();
    this.timer = undefined;
    this.socket = undefined;
    if (why !== undefined) this.failed(why);
  }
}
