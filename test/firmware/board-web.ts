/**
 * A booted Pico W's Web Thing reached from here, for the host check's tests (host-check.firmware.test.ts,
 * host-check-wrap.firmware.test.ts): a local port whose every connection is relayed to the board's WoT port
 * through the emulated network's gateway, as a client on the LAN would reach it, and the emulation run on in the
 * background meanwhile, in steps the test may make finer.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Rp2040Host } from '../../sim/emulator/rp2040-host';

export interface BoardWeb {
  /** `http://127.0.0.1:<port>`: the board's Web Thing from here. */
  readonly base: string;
  readonly server: Server;
  /** The clients' connections here, each relayed to the board. */
  readonly clients: Socket[];
  /** Emulated ms between turns for the clients here (20; finer when connections must come in between the board's steps). */
  stepMs: number;
  /** What stopped the emulation, if it threw. */
  failure: unknown;
  /** Wall-clock wait (the emulation runs on meanwhile) until `done`; fails saying `what`, where the emulation is and the console's last lines. */
  until(done: () => boolean, ms: number, what: string): Promise<void>;
  /** End the emulation and close every connection (`relayed`: the broker's too) and the port. */
  close(relayed: Socket[]): Promise<void>;
}

/** The board's Web Thing, relayed from a local port, once its app's WoT server listens; the emulation runs on from here. */
export async function boardWeb(host: Rp2040Host, wotPort: number): Promise<BoardWeb> {
  const clients: Socket[] = [];
  // A client that closes its side still reads what the board sends (allowHalfOpen: else Node ends this side at the client's FIN).
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    clients.push(socket);
    host.lan!.accept(wotPort, socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  let running = true;
  const web: BoardWeb = {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    server,
    clients,
    stepMs: 20,
    failure: undefined,
    async until(done, ms, what) {
      const deadline = Date.now() + ms;
      while (!done()) {
        if (Date.now() > deadline || host.halted || web.failure) {
          const console = host.consoleLines.map((c) => c.line).slice(-8).join(' | ');
          throw new Error(`${what}: not within ${ms} ms (halted: ${JSON.stringify(host.halted)}, emulation: ${String(web.failure ?? 'running')} at ${host.emulatedMs.toFixed(0)} ms); console: ${console}`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close(relayed) {
      running = false;
      await emulation;
      for (const s of [...relayed, ...clients]) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const emulation = (async () => {
    while (running && host.halted === undefined) {
      await host.runUntil(host.emulatedMs + web.stepMs);
      await new Promise((r) => setImmediate(r));
    }
  })().catch((e: unknown) => { web.failure = e instanceof Error ? e.stack : e; });
  // Served once the app says its WoT server listens (the board joins the network and starts the app first).
  await web.until(() => host.consoleLines.some((c) => /wot listening/.test(c.line)), 60_000, 'the WoT server');
  return web;
}
