/**
 * Runs hosts/node/mqtt-broker.ts (aedes) in its own process for tests: jest
 * runs tests as CommonJS and aedes is ESM-only. Prints `{"port":N}` once
 * listening, then obeys lines on stdin: `suspend`, `resume`, `drop`, `close`.
 * Usage: tsx test/support/aedes-process.ts '{"port":0,"credentials":{...}}'
 */
import { createInterface } from 'node:readline';
import { startEmbeddedBroker } from '../../hosts/node/mqtt-broker';

async function main(): Promise<void> {
  const broker = await startEmbeddedBroker(JSON.parse(process.argv[2] ?? '{}'));
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
