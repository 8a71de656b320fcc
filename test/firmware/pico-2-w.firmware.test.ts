/**
 * The lux demo built for pico/pico_2_w (manifests/lux-demo: a Pico 2 W gets
 * the Pico W's sections, the network included). rp2040js emulates the RP2040
 * only, so this image is not booted: what is checked is that the build is
 * what the board needs, from the files themselves: a UF2 for the RP2350's
 * Arm cores (a Pico W image would not boot there) whose firmware carries the
 * CYW43 radio's driver, lwIP and the runtime's network (the MQTT transport,
 * registered by hosts/moddable/network). Needs lux-demo.pico-pico_2_w.uf2
 * and its .elf (`npm run firmware -- pico/pico_2_w --out <dir>`); skipped in
 * one line otherwise.
 */
import { readFileSync } from 'node:fs';
import { elfSymbol } from '../../sim/emulator/elf-symbols';
import { loadUf2, uf2Blocks } from '../../sim/emulator/firmware-image';
import { firmwareTestEnv } from './firmware-test-env';

const env = firmwareTestEnv('lux-demo', 'pico/pico_2_w', process.env, { emulated: false });
if (typeof env === 'string') console.log(env);
const firmware = typeof env === 'string' ? describe.skip : describe;

/** UF2 family IDs (the UF2 spec's registry; picotool writes them). */
const RP2040 = 0xe48bff56;
const ABSOLUTE = 0xe48bff57; // the block picotool adds for the RP2350's bootrom (its erratum E10)
const RP2350_ARM_S = 0xe48bff59;

firmware('the lux demo as pico/pico_2_w firmware', () => {
  test('a UF2 for the RP2350\'s Arm cores, into its flash', () => {
    if (typeof env === 'string') throw new Error(env);
    const blocks = uf2Blocks(env.uf2);
    const image = blocks.filter((b) => b.family !== ABSOLUTE);
    expect(image.length).toBeGreaterThan(1000); // the runtime, the SDK, lwIP, the radio's firmware
    expect(new Set(image.map((b) => b.family))).toEqual(new Set([RP2350_ARM_S]));
    expect(image.every((b) => b.address >= 0x10000000 && b.address < 0x11000000)).toBe(true);
    expect(blocks.some((b) => b.family === RP2040)).toBe(false);
  });

  test('the emulator refuses it with the chip named (`thingflow-xs emulate` would otherwise run an RP2350 image as RP2040 code)', () => {
    if (typeof env === 'string') throw new Error(env);
    expect(() => loadUf2(env.uf2, new Uint8Array(16 * 1024 * 1024))).toThrow(/an image for RP2350 \(Arm, secure\): a pico2 or pico_2_w build, not the RP2040/);
  });

  test('carries the CYW43 radio\'s driver, lwIP and the runtime\'s network (the MQTT transport)', () => {
    if (typeof env === 'string') throw new Error(env);
    // cyw43_arch_gpio_put: the LED on the radio (pin 32) is written through it (WIFI_GPIO reaches the compiler: pico-w.firmware.test.ts).
    for (const symbol of ['cyw43_arch_init', 'cyw43_arch_gpio_put', 'lwip_init', 'tcp_connect']) expect([symbol, elfSymbol(env.elf, symbol) !== undefined]).toEqual([symbol, true]);
    const elf = readFileSync(env.elf, 'latin1');
    for (const module of ['thingflow/hosts/moddable/network', 'thingflow/hosts/moddable/mqtt-transport', 'thingflow/runtime/mqtt/client/network']) {
      expect([module, elf.includes(module)]).toEqual([module, true]);
    }
  });
});
