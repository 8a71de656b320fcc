/**
 * The MQTT client as a board runs it: its modules preloaded, so the tables
 * they made are read-only (test/support/board-preload.ts). On the emulated
 * Pico W the fleet device never reconnected after losing its broker: the
 * client cleared its shared empty stand-in tables when a connection was lost,
 * which threw "read-only Map instance" inside the transport's close
 * (test/firmware/fleet-device.firmware.test.ts). On Node the same code
 * passed every test. Here it runs on Node with a board's preload.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('preloaded as on a board, the client reconnects each time the broker drops it, with no write to a read-only table', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'preloaded-client.ts')], { encoding: 'utf8', timeout: 60_000 });
  const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { seen?: string[]; errors?: string[]; failed?: string };
  expect(result.failed).toBeUndefined();
  expect(result.errors).toEqual([]);
  expect(result.seen).toEqual(['connect', 'close', 'reconnect', 'connect', 'close', 'reconnect', 'connect', 'close']); // the last: end()
}, 70_000);
