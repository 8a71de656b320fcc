/**
 * The lux demo built for pico/pico_w (manifests/lux-demo, the network
 * included) in rp2040js. It boots and reads the TSL2591 over I2C1 (GP2/GP3, the
 * pico_w provider's default bus), then cannot drive its LED, which on this
 * board is on the CYW43 radio, and rp2040js does not model the radio. What is
 * checked is that the board says so: an app that fails to start is reported on
 * the console, whether it threw or its promise was rejected
 * (hosts/moddable/index.ts `runOnBoard`). Needs lux-demo.pico-pico_w.uf2
 * (`npm run firmware -- pico/pico_w --out <dir>`); skipped in one line otherwise.
 */
import { firmwareTestEnv } from './firmware-test-env';
import { nightHost } from './night-host';

const env = firmwareTestEnv('lux-demo', 'pico/pico_w');
if (typeof env === 'string') console.log(env);
const firmware = typeof env === 'string' ? describe.skip : describe;

firmware('the lux demo as pico/pico_w firmware in rp2040js', () => {
  test('boots, reads the TSL2591 over I2C1, and says why the app cannot start: its LED is on the CYW43', async () => {
    if (typeof env === 'string') throw new Error(env);
    const host = nightHost(env);
    await host.runUntil(5000);
    const console = host.consoleLines.map((c) => c.line);
    expect(console).toContain('No Wi-Fi SSID');
    expect(console).toContain('thingflow: the app failed to start: can\'t write input');
    const transactions = host.bridges.flatMap((b) => b.transactions);
    expect(transactions.length).toBeGreaterThan(0);
    expect(transactions.every((t) => t.bus === 1 && t.address === 0x29 && t.result === 'ack')).toBe(true);
  }, 120_000);
});
