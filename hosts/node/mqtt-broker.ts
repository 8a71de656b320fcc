/**
 * An MQTT broker inside this Node process (aedes), for the simulator demo
 * (`--mqtt embedded`) and for tests.
 *
 * ```ts
 * const broker = await startEmbeddedBroker({ port: 0 }); // 0: any free port
 * const client = new MqttClient({ host: '127.0.0.1', port: broker.port });
 * ...
 * await broker.close();
 * ```
 */
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { MqttClient } from '../../runtime/mqtt/client/mqtt-client';
import { nodeMqttNetwork } from './mqtt-tcp';

export interface EmbeddedBrokerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Accept only this user name and password when given. */
  credentials?: { username: string; password: string };
}

export interface EmbeddedBroker {
  readonly port: number;
  readonly host: string;
  /** The aedes instance, for inspection. */
  readonly aedes: unknown;
  /** Drop every connection at once, as a crashed broker would; sessions survive. */
  dropConnections(): void;
  /** Stop listening and drop every connection (an outage); sessions survive for `resume`. */
  suspend(): Promise<void>;
  /** Listen again on the same port after `suspend`. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  // aedes is ESM-only: a dynamic import keeps this module loadable from CommonJS callers too.
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  const creds = opts.credentials;
  if (creds) {
    aedes.authenticate = (_client, username, password, done) => {
      if (username === creds.username && password !== undefined && password.toString('utf8') === creds.password) {
        done(null, true);
      } else {
        const error = Object.assign(new Error('bad user name or password'), { returnCode: 4 as const });
        done(error, null);
      }
    };
  }
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    aedes.handle(socket);
  });
  const host = opts.host ?? '127.0.0.1';
  const listen = (p: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(opts.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const dropConnections = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    port,
    host,
    aedes,
    dropConnections,
    suspend: () => new Promise<void>((resolve) => {
      dropConnections();
      server.close(() => resolve());
    }),
    resume: () => listen(port),
    close: () => new Promise<void>((resolve) => {
      dropConnections();
      const closeAedes = () => aedes.close(() => resolve());
      if (server.listening) server.close(closeAedes);
      else closeAedes();
    }),
  };
}

/**
 * What `--mqtt <spec>` means for the simulator and examples: `embedded`
 * starts an aedes broker in this process (on `port`, default 1883, 0 for any
 * free one) and connects to it; `mqtt://host[:port]` connects to that broker.
 * The client is connecting when this resolves (events tell the rest); messages
 * published before the connection is up wait in its queue.
 *
 * ```ts
 * const uplink = await openMqttUplink(argv.mqtt);        // 'embedded' or 'mqtt://127.0.0.1:1883'
 * flow.connect(new MqttWriter(uplink.client, 'thingflow/lux'));
 * ...
 * await uplink.close();
 * ```
 */
export async function openMqttUplink(
  spec: string,
  opts: { port?: number; clientId?: string; keepalive?: number; queueLimit?: number } = {},
): Promise<{ client: MqttClient; broker: EmbeddedBroker | undefined; url: string; close(): Promise<void> }> {
  let broker: EmbeddedBroker | undefined;
  let host: string;
  let port: number;
  if (spec === 'embedded') {
    broker = await startEmbeddedBroker({ port: opts.port ?? 1883 });
    host = broker.host;
    port = broker.port;
  } else {
    const m = /^mqtt:\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(spec);
    if (!m) throw new TypeError(`--mqtt must be 'embedded' or mqtt://host[:port], got '${spec}'`);
    host = m[1].replace(/^\[|\]$/g, '');
    port = m[2] ? Number(m[2]) : 1883;
  }
  const client = new MqttClient({
    host, port, network: nodeMqttNetwork, clientId: opts.clientId, keepalive: opts.keepalive ?? 30, queueLimit: opts.queueLimit ?? 1000,
  });
  client.connect();
  return {
    client,
    broker,
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async close() {
      client.end();
      if (broker) await broker.close();
    },
  };
}
