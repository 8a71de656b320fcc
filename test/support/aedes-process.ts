/**
 * Runs hosts/node/mqtt-broker.ts (aedes) in its own process for tests: jest
 * runs tests as CommonJS and aedes is ESM-only. Prints `{"port":N}` once
 * listening, then obeys lines on stdin: `suspend`, `resume`, `drop`, `close`.
 * Usage: tsx test/support/aedes-process.ts '{"port":0,"credentials":{...},"logTopic":"t"}'
 * With logTopic, every PUBLISH a client sends on that topic is printed as `pub <payload>`.
 */
import { createInterface } from 'node:readline';
import { startEmbeddedBroker } from '../../hosts/node/mqtt-broker';

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as { port?: number; credentials?: { username: string; password: string }; logTopic?: string };
  const broker = await startEmbeddedBroker(opts);
  if (opts.logTopic) {
    // Report what the broker accepted on that topic, in its order: `pub <payload>`.
    (broker.aedes as { on(ev: 'publish', fn: (p: { topic: string; payload: Buffer }, client: unknown) => void): void })
      .on('publish', (p, client) => {
        if (client && p.topic === opts.logTopic) process.stdout.write(`pub ${p.payload.toString()}\n`);
      });
  }
  process.stdout.write(`${JSON.stringify({ port: broker.port })}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', async (line) => {
    const cmd = line.trim();
    if (cmd === 'suspend') await broker.suspend();
    else if (cmd === 'resume') await broker.resume();
    else if (cmd === 'drop') broker.dropConnections();
    else if (cmd === 'close') {
      await broker.close();
      process.exit(0);
    }
    process.stdout.write(`ok ${cmd}\n`);
  });
  lines.on('close', () => process.exit(0));
}

main().catch((e) => {
  process.stderr.write(`aedes-process: ${String(e)}\n`);
  process.exit(1);
});
