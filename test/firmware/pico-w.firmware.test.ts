/**
 * The lux demo built for pico/pico_w (manifests/lux-demo, the network
 * included) in rp2040js. It boots, reads the TSL2591 over I2C1 (GP2/GP3, the
 * pico_w provider's default bus) and starts: its LED, pin 32, is on the CYW43
 * radio, and the firmware carries the code that writes it there. rp2040js
 * does not model the radio, so the driver's start fails here and the LED
 * writes go nowhere; on a board they light the LED.
 *
 * Until boards.json passed WIFI_GPIO to the C compiler, the SDK (8.2.3)
 * compiled its digital IO without the radio's pin (`#if WIFI_GPIO` in
 * modules/io/digital/pico/digitalbank.c; make.pico.mk reads WIFI_GPIO as a
 * make variable only): pin 32 was an input, the first write threw "can't
 * write input", and the app failed to start, on a board as here. Needs
 * lux-demo.pico-pico_w.uf2 and its .elf (`npm run firmware -- pico/pico_w
 * --out <dir>`); skipped in one line otherwise.
 */
import { elfSymbol } from '../../sim/emulator/elf-symbols';
import { firmwareTestEnv } from './firmware-test-env';
import { nightHost } from './night-host';

const env = firmwareTestEnv('lux-demo', 'pico/pico_w');
if (typeof env === 'string') console.log(env);
const firmware = typeof env === 'string' ? describe.skip : describe;

firmware('the lux demo as pico/pico_w firmware in rp2040js', () => {
  test('boots, reads the TSL2591 over I2C1, and starts: its LED on the CYW43 is an output, written through the radio\'s driver', async () => {
    if (typeof env === 'string') throw new Error(env);
    const host = nightHost(env);
    await host.runUntil(5000);
    // The radio's driver runs a PIO block; the host steps it, on no timer of rp2040js's own (it would run on, holding Node open).
    expect(host.simulator.rp2040.pio.some((pio) => !pio.stopped)).toBe(true);
    expect(host.simulator.rp2040.pio.map((pio) => (pio as unknown as { runTimer?: unknown }).runTimer ?? null)).toEqual([null, null]);
    const console = host.consoleLines.map((c) => c.line);
    expect(console).toContain('No Wi-Fi SSID');
    expect(console.filter((l) => /failed to start/.test(l))).toEqual([]);
    expect(console.some((l) => l.startsWith('lux demo: light every 60 s') && l.includes('LED on pin 32'))).toBe(true);
    // The LED's constructor starts the radio's driver, which finds no radio in rp2040js.
    expect(console).toContain('[CYW43] Failed to start CYW43');
    const transactions = host.bridges.flatMap((b) => b.transactions);
    expect(transactions.length).toBeGreaterThan(0);
    expect(transactions.every((t) => t.bus === 1 && t.result === 'ack')).toBe(true);
    expect(new Set(transactions.map((t) => t.address))).toEqual(new Set([0x29, 0x48]));
  }, 120_000);

  test('its digital IO writes pin 32 through the radio (cyw43_arch_gpio_put linked)', () => {
    if (typeof env === 'string') throw new Error(env);
    expect(elfSymbol(env.elf, 'cyw43_arch_gpio_put')).toBeDefined();
  });
});
