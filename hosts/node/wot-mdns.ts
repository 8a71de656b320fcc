/**
 * DNS-SD over multicast DNS for a WebThingServer: answers queries for
 * `_webthing._tcp.local` (TXT `path=`, as webthing-python registers with
 * zeroconf) and `_wot._tcp.local` (TXT `td=` and `type=`, W3C WoT Discovery),
 * plus the DNS-SD service enumeration and the host's A/AAAA records.
 *
 * multicast-dns binds its socket to `interface` unless told otherwise, and a
 * socket bound to 127.0.0.1 never sees datagrams addressed to 224.0.0.251, so
 * we always bind to the wildcard address and choose the interface separately.
 */
import makeMdns from 'multicast-dns';
import { hostname as osHostname } from 'node:os';

export interface WotMdnsOptions {
  /** Instance name, e.g. "My Lamp". */
  name: string;
  port: number;
  /** The thing's path (webthing-python: `/`). */
  path: string;
  /** Where the W3C TD is: `/.well-known/wot`. */
  tdPath: string;
  /** `Thing` or `Directory` (several things). */
  wotType: 'Thing' | 'Directory';
  /** Host name advertised in SRV, without `.local`. Default: the OS host name. */
  host?: string;
  /** IPv4 addresses for the A record. */
  addresses: string[];
  tls?: boolean;
  /** The interface to multicast on (an IPv4 address, e.g. `127.0.0.1`). Default: all. */
  interface?: string;
  /** UDP port, default 5353 (tests use another to stay clear of a system responder). */
  mdnsPort?: number;
  ttl?: number;
}

const WEBTHING = '_webthing._tcp.local';
const WOT = '_wot._tcp.local';
const ENUM = '_services._dns-sd._udp.local';

type Answer = { name: string; type: string; ttl?: number; data: unknown; flush?: boolean };

export class WotMdnsAdvertiser {
  private readonly mdns: ReturnType<typeof makeMdns>;
  private readonly host: string;
  private readonly ttl: number;
  private closed = false;

  constructor(readonly opts: WotMdnsOptions) {
    this.host = `${(opts.host ?? osHostname()).toLowerCase().replace(/\.local$/, '')}.local`;
    this.ttl = opts.ttl ?? 120;
    const mdnsOpts: { [k: string]: unknown } = { bind: '0.0.0.0', reuseAddr: true, loopback: true };
    if (opts.interface !== undefined) mdnsOpts.interface = opts.interface;
    if (opts.mdnsPort !== undefined) mdnsOpts.port = opts.mdnsPort;
    this.mdns = makeMdns(mdnsOpts as never);
    this.mdns.on('error', () => { /* a bad packet or a closed interface must not bring the server down */ });
    this.mdns.on('query', (query: { questions?: { name: string; type: string }[] }) => this.onQuery(query));
  }

  /** Send an unsolicited announcement (on start). */
  announce(): void {
    this.respond([...this.serviceRecords(WEBTHING), ...this.serviceRecords(WOT)], []);
  }

  /** Say goodbye (TTL 0) and close the socket. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      const bye = [this.ptr(WEBTHING, 0), this.ptr(WOT, 0)];
      try {
        this.mdns.respond({ answers: bye } as never, () => this.mdns.destroy(() => resolve()));
      } catch {
        this.mdns.destroy(() => resolve());
      }
    });
  }

  private instance(service: string): string {
    return `${this.opts.name}.${service}`;
  }

  private ptr(service: string, ttl = this.ttl): Answer {
    return { name: service, type: 'PTR', ttl, data: this.instance(service) };
  }

  private txt(service: string): Answer {
    const data = service === WEBTHING
      ? [`path=${this.opts.path}`, ...(this.opts.tls ? ['tls=1'] : [])]
      : [`td=${this.opts.tdPath}`, `type=${this.opts.wotType}`, `scheme=${this.opts.tls ? 'https' : 'http'}`];
    return { name: this.instance(service), type: 'TXT', ttl: this.ttl, data, flush: true };
  }

  private srv(service: string): Answer {
    return { name: this.instance(service), type: 'SRV', ttl: this.ttl, data: { port: this.opts.port, target: this.host, priority: 0, weight: 0 }, flush: true };
  }

  private addressRecords(): Answer[] {
    return this.opts.addresses.map((a) => ({ name: this.host, type: 'A', ttl: this.ttl, data: a, flush: true }));
  }

  private serviceRecords(service: string): Answer[] {
    return [this.ptr(service), this.srv(service), this.txt(service)];
  }

  private onQuery(query: { questions?: { name: string; type: string }[] }): void {
    if (this.closed) return;
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    const qs = query.questions ?? [];
    for (let i = 0; i < qs.length; i++) {
      const name = qs[i].name.toLowerCase();
      const type = qs[i].type;
      for (const service of [WEBTHING, WOT]) {
        if (name === service && (type === 'PTR' || type === 'ANY')) {
          answers.push(this.ptr(service));
          additionals.push(this.srv(service), this.txt(service), ...this.addressRecords());
        } else if (name === this.instance(service).toLowerCase()) {
          if (type === 'SRV' || type === 'ANY') answers.push(this.srv(service));
          if (type === 'TXT' || type === 'ANY') answers.push(this.txt(service));
          additionals.push(...this.addressRecords());
        }
      }
      if (name === ENUM && (type === 'PTR' || type === 'ANY')) {
        answers.push({ name: ENUM, type: 'PTR', ttl: this.ttl, data: WEBTHING }, { name: ENUM, type: 'PTR', ttl: this.ttl, data: WOT });
      }
      if (name === this.host && (type === 'A' || type === 'ANY')) answers.push(...this.addressRecords());
    }
    if (answers.length > 0) this.respond(answers, additionals);
  }

  private respond(answers: Answer[], additionals: Answer[]): void {
    try {
      this.mdns.respond({ answers, additionals } as never);
    } catch {
      // the socket may be closing
    }
  }
}
