/**
 * One fleet run in a fresh process (run by bench/fleet.ts with `node --expose-gc --import tsx`):
 * `node ... run-fleet.ts <devices> <broker-port> <durationMs> <speed> [outage]` prints one JSON line
 * with the run's figures. With `outage`, the broker is killed (-9) and restarted by the parent:
 * this process prints `OUTAGE <realMs>` on stdout and waits for `BACK` on stdin.
 */
import { createInterface } from 'node:readline';
import { setErrorReporter } from '../../runtime/core/report-error';
import { runFleet } from '../../sim/fleet';
import fleetDevice from '../../examples/fleet-device';

const [devices, port, durationMs, speed, outage] = process.argv.slice(2);
let errors = 0;
setErrorReporter(() => { errors++; });
const lines = createInterface({ input: process.stdin });
const waiting: (() => void)[] = [];
lines.on('line', (l) => { if (l.trim() === 'BACK') waiting.shift()?.(); });

const r = await runFleet(fleetDevice, {
  devices: Number(devices), broker: `mqtt://127.0.0.1:${port}`, durationMs: Number(durationMs), speed: Number(speed), seed: 1,
  brokerOutages: outage ? [{ atMs: Number(durationMs) / 3, forMs: 30_000 }] : [],
  brokerOutage: (ms) => new Promise<void>((resolve) => { waiting.push(resolve); console.log(`OUTAGE ${Math.round(ms)}`); }),
  mqtt: { reconnect: { minMs: 500, maxMs: 10_000 } },
});
const { svg, ...figures } = r;
void svg;
console.log(JSON.stringify({ ...figures, rssMiB: process.memoryUsage().rss / 2 ** 20, errors }));
process.exit(0);
