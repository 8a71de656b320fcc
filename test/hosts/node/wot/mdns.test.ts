/**
 * mDNS on the loopback interface: a real multicast-dns client queries for
 * `_webthing._tcp.local` and `_wot._tcp.local` and must receive the server's
 * answers over 224.0.0.251 (no answer → the test fails by timeout).
 * A UDP port other than 5353 keeps clear of any system responder.
 */
import makeMdns from 'multicast-dns';
import { SingleThing, MultipleThings } from '../../../../runtime/wot/index';
import { WebThingServer } from '../../../../hosts/node/wot-server';
import { makeLamp } from '../../../../examples/lamp-things';

const MDNS_PORT = 40000 + Math.floor(Math.random() * 10000);

type Record = { name: string; type: string; ttl?: number; data: any };

function txtStrings(r: Record): string[] {
  return (r.data as Buffer[]).map((b) => b.toString());
}

function client() {
  // Bound to the wildcard address: a socket bound to 127.0.0.1 never receives datagrams sent to 224.0.0.251.
  const m = makeMdns({ bind: '0.0.0.0', interface: '127.0.0.1', port: MDNS_PORT, loopback: true } as any);
  m.on('error', () => {});
  return m;
}

/** Resolve with the first response that has an answer matching `pred`. */
function waitFor(m: ReturnType<typeof makeMdns>, pred: (r: Record) => boolean, ms = 5000): Promise<{ answers: Record[]; additionals: Record[] }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no mDNS answer received')), ms);
    const on = (res: any) => {
      if ((res.answers as Record[]).some(pred)) {
        clearTimeout(timer);
        m.removeListener('response', on);
        resolve({ answers: res.answers, additionals: res.additionals ?? [] });
      }
    };
    m.on('response', on);
  });
}

describe('mDNS advertisement on loopback', () => {
  test('announces on start, answers _webthing._tcp (TXT path=/) and _wot._tcp (TXT td=) queries, says goodbye on stop', async () => {
    const m = client();
    await new Promise<void>((r) => m.once('ready', () => r()));
    const server = new WebThingServer(new SingleThing(makeLamp()), {
      port: 0, listenAddress: '127.0.0.1', mdns: { interface: '127.0.0.1', mdnsPort: MDNS_PORT, host: 'thingflow-test' },
    });
    const announced = waitFor(m, (r) => r.type === 'PTR' && r.name === '_webthing._tcp.local');
    await server.start();
    try {
      const a = await announced;
      expect(a.answers.find((r) => r.type === 'SRV')!.data.port).toBe(server.port);

      const webthing = waitFor(m, (r) => r.type === 'PTR' && r.name === '_webthing._tcp.local' && r.data === 'My Lamp._webthing._tcp.local');
      m.query({ questions: [{ name: '_webthing._tcp.local', type: 'PTR' }] });
      const w = await webthing;
      const all = [...w.answers, ...w.additionals];
      const srv = all.find((r) => r.type === 'SRV' && r.name === 'My Lamp._webthing._tcp.local')!;
      expect(srv.data).toMatchObject({ port: server.port, target: 'thingflow-test.local' });
      expect(txtStrings(all.find((r) => r.type === 'TXT' && r.name === 'My Lamp._webthing._tcp.local')!)).toEqual(['path=/']);
      expect(all.find((r) => r.type === 'A')!.data).toBe('127.0.0.1');

      const wot = waitFor(m, (r) => r.type === 'PTR' && r.name === '_wot._tcp.local');
      m.query({ questions: [{ name: '_wot._tcp.local', type: 'PTR' }] });
      const t = await wot;
      const wall = [...t.answers, ...t.additionals];
      expect(txtStrings(wall.find((r) => r.type === 'TXT' && r.name === 'My Lamp._wot._tcp.local')!)).toEqual(['td=/.well-known/wot', 'type=Thing', 'scheme=http']);

      const services = waitFor(m, (r) => r.name === '_services._dns-sd._udp.local');
      m.query({ questions: [{ name: '_services._dns-sd._udp.local', type: 'PTR' }] });
      expect((await services).answers.map((r) => r.data).sort()).toEqual(['_webthing._tcp.local', '_wot._tcp.local']);
    } finally {
      const goodbye = waitFor(m, (r) => r.type === 'PTR' && r.ttl === 0);
      await server.stop();
      expect((await goodbye).answers.map((r) => r.name).sort()).toEqual(['_webthing._tcp.local', '_wot._tcp.local']);
      await new Promise<void>((r) => m.destroy(() => r()));
    }
  });

  test('MultipleThings advertises its name and a Directory', async () => {
    const m = client();
    await new Promise<void>((r) => m.once('ready', () => r()));
    const server = new WebThingServer(new MultipleThings([makeLamp()], 'LightAndTempDevice'), {
      port: 0, listenAddress: '127.0.0.1', mdns: { interface: '127.0.0.1', mdnsPort: MDNS_PORT, host: 'thingflow-test' },
    });
    const announced = waitFor(m, (r) => r.type === 'PTR' && r.data === 'LightAndTempDevice._wot._tcp.local');
    await server.start();
    try {
      await announced;
      // The answer to this query carries the TXT record alone (the announcement also had PTR and SRV).
      const wot = waitFor(m, (r) => r.type === 'TXT' && r.name === 'LightAndTempDevice._wot._tcp.local');
      m.query({ questions: [{ name: 'LightAndTempDevice._wot._tcp.local', type: 'TXT' }] });
      const t = await wot;
      expect(t.answers.map((r) => r.type)).toEqual(['TXT']);
      expect(txtStrings(t.answers.find((r) => r.type === 'TXT' && r.name === 'LightAndTempDevice._wot._tcp.local')!)).toContain('type=Directory');
    } finally {
      await server.stop();
      await new Promise<void>((r) => m.destroy(() => r()));
    }
  });
});
