/**
 * Run by preloaded-client.test.ts in a process of its own: the MQTT client's
 * modules preloaded as on a board (test/support/board-preload.ts), then a
 * connection to a broker here that the broker drops twice. Prints what
 * happened as one JSON line.
 */
import { preload } from '../../support/board-preload';

async function main(): Promise<void> {
  // The broker's library is this machine's, not the board's: loaded before the preload freezes the built-ins
  // (its modules assign over inherited methods as they load, which frozen built-ins refuse).
  await import('aedes');
  const { MqttClient } = await preload(() => import('../../../runtime/mqtt/client/mqtt-client'));
  const { nodeMqttNetwork } = await import('../../../hosts/node/mqtt-tcp');
  const { startEmbeddedBroker } = await import('../../../hosts/node/mqtt-broker');
  const broker = await startEmbeddedBroker({});
  const client = new MqttClient({ host: '127.0.0.1', port: broker.port, network: nodeMqttNetwork, reconnect: { minMs: 20, maxMs: 40 } });
  const seen: string[] = [];
  const errors: string[] = [];
  client.on('connect', () => seen.push('connect'));
  client.on('close', () => seen.push('close'));
  client.on('reconnect', () => seen.push('reconnect'));
  process.on('uncaughtException', (e) => errors.push(String(e)));
  const until = async (n: number) => {
    for (let i = 0; i < 200 && seen.filter((s) => s === 'connect').length < n; i++) await new Promise((r) => setTimeout(r, 10));
  };
  client.publish('board/up', 'x', { qos: 1 }); // queued until connected: its PUBACK deletes from the in-flight table
  client.connect();
  await until(1);
  broker.dropConnections();
  await until(2);
  broker.dropConnections();
  await until(3);
  client.end();
  await broker.close();
  process.stdout.write(`${JSON.stringify({ seen, errors })}\n`);
  process.exit(0);
}
main().catch((e) => {
  process.stdout.write(`${JSON.stringify({ failed: String(e) })}\n`);
  process.exit(1);
});
