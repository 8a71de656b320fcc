/**
 * An async edge: each event is POSTed to an HTTP service by an AsyncSink,
 * two requests at a time, retried with back-off when the service answers
 * 503, with the responses coming out in the order the events went in. The
 * flow never waits for the network. The service here is a local one that
 * is busy for its first two requests.
 * Run it: `npx tsx examples/edges-async.ts`.
 */
import { createServer } from 'node:http';
import { AsyncSink, fromIterable, Scheduler, VirtualClock, type SensorEvent } from '../runtime/index';
import { NodeClock } from '../hosts/node/clock';

async function main(): Promise<void> {
  let requests = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests++;
      const e = JSON.parse(body) as SensorEvent<number>;
      // Busy at first; later answers come back faster for later events, out of order.
      if (requests <= 2) res.writeHead(503).end('busy');
      else setTimeout(() => res.writeHead(200).end(`stored ${e.val}`), 40 - e.val * 5);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/events`;

  const post = new AsyncSink<SensorEvent<number>, string>({
    concurrency: 2,
    retries: 3,
    backoff: { minMs: 50 },
    clock: new NodeClock(),
    handler: async (e) => {
      const res = await fetch(url, { method: 'POST', body: JSON.stringify(e) });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      return res.text();
    },
  });
  post.connect({ onNext: (reply) => console.log(reply), onCompleted: () => console.log('flushed'), onError: () => {} });

  // Five readings, one a second on a virtual clock: the whole flow runs in an instant.
  const clock = new VirtualClock();
  const scheduler = new Scheduler(clock);
  const readings = fromIterable([1, 2, 3, 4, 5]);
  readings.map((val) => ({ sensorId: 'lux', ts: clock.elapsed / 1000, val })).connect(post);
  scheduler.schedulePeriodic(readings, 1);
  scheduler.run();
  clock.runUntilIdle();
  console.log(`flow finished; ${post.inFlight} requests in flight, ${post.queued} held`);
  await post.idle();
  console.log(`completed ${post.completed}, retried ${post.retried}, failed ${post.failed}, dropped ${post.dropped}`);
  server.close();
}

void main();
