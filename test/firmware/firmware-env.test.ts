/**
 * `npm run firmware` names every missing SDK piece in one line before it runs
 * anything, and builds nothing then; with every piece in place (a fake tree
 * here: the files it checks, the pico-sdk tagged 2.2.0) nothing is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { baseTarget, boardProblem, missingForTarget, missingLine } from '../../tools/firmware-env';
import { firmwareTestEnv } from './firmware-test-env';

const ROOT = resolve(__dirname, '../..');

function touch(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '');
}

/** Every file the pico checks look for, in a temporary tree, the pico-sdk a git repository (untagged); `done` removes it. */
function fakeSdkTree() {
  const fw = mkdtempSync(join(tmpdir(), 'tf-fwenv-'));
  const env = {
    MODDABLE: join(fw, 'moddable'), PICO_SDK_DIR: join(fw, 'pico-sdk'), PICO_EXTRAS_DIR: join(fw, 'pico-extras'),
    PICO_EXAMPLES_DIR: join(fw, 'pico-examples'), PICO_ROOT: fw, PICO_GCC_ROOT: join(fw, 'gcc'),
  };
  for (const f of ['moddable/tools/mcconfig/make.pico.mk', 'moddable/build/bin/lin/release/mcconfig', 'pico-sdk/pico_sdk_init.cmake',
    'pico-sdk/lib/tinyusb/src/tusb.h', 'pico-sdk/build/pioasm/pioasm', 'pico-sdk/build/_deps/picotool/picotool',
    'pico-extras/src/.keep', 'pico-examples/.keep', 'gcc/bin/arm-none-eabi-gcc']) touch(join(fw, f));
  const git = (...args: string[]) => spawnSync('git', ['-C', env.PICO_SDK_DIR, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'sdk');
  return { fw, env, git, done: () => rmSync(fw, { recursive: true, force: true }) };
}

describe('firmware build environment', () => {
  test('with nothing set, one line names every variable pico needs', () => {
    const line = missingLine('pico', {});
    expect(line).toBeDefined();
    expect(line!.split('\n')).toHaveLength(1);
    for (const name of ['MODDABLE', 'PICO_SDK_DIR', 'PICO_EXTRAS_DIR', 'PICO_EXAMPLES_DIR', 'PICO_ROOT', 'PICO_GCC_ROOT']) expect(line).toContain(`${name} (unset`);
    expect(missingLine('esp32', {})).toContain('IDF_PATH (unset');
  });

  test('a complete tree has nothing missing; each piece removed is named', () => {
    const { fw, env, git, done } = fakeSdkTree();
    try {
      expect(missingForTarget('pico', env)).toEqual([`$PICO_SDK_DIR git tag 2.2.0 (git describe says "${git('rev-parse', 'HEAD').stdout.trim()}")`]);
      git('tag', '2.2.0');
      expect(missingForTarget('pico', env)).toEqual([]);
      rmSync(join(fw, 'pico-sdk/build/pioasm'), { recursive: true });
      expect(missingForTarget('pico', env)).toEqual(['$PICO_SDK_DIR/build/pioasm/pioasm (build pioasm from source)']);
      expect(missingForTarget('pico/pico_w', env)).toContain('$PICO_SDK_DIR/lib/cyw43-driver (pico/pico_w\'s radio needs it, and lib/lwip)');
      expect(missingForTarget('pico/pico_2_w', env)).toContain('$PICO_SDK_DIR/lib/cyw43-driver (pico/pico_2_w\'s radio needs it, and lib/lwip)');
    } finally {
      done();
    }
  });

  test('another board of the SDK builds as its platform does; an unknown one lists the boards there, a radio Pico the manifests have no sections for is refused', () => {
    expect(['pico', 'pico/pico_w', 'pico/pico_2_w', 'esp32', 'lin', 'pico/xiao_rp2040', 'esp32/esp32s3', 'esp32/m5atom_lite'].map(baseTarget))
      .toEqual(['pico', 'pico/pico_w', 'pico/pico_2_w', 'esp32', 'lin', 'pico', 'esp32', 'esp32']);
    for (const bad of ['nrf52', 'lin/x', 'pico/', 'pico/a/b', 'esp32/../x', 'pico/..', 'mac']) expect(baseTarget(bad)).toBeUndefined();
    const { env, git, done } = fakeSdkTree();
    try {
      git('tag', '2.2.0');
      const boards = join(env.MODDABLE, 'build/devices/pico/targets');
      mkdirSync(join(boards, 'xiao_rp2040'), { recursive: true });
      writeFileSync(join(boards, 'xiao_rp2040/manifest.json'), JSON.stringify({ include: ['$(MODULES)/drivers/led/manifest.json', '$(MODULES)/drivers/neopixel/manifest.json'] }));
      mkdirSync(join(boards, 'pico_2'), { recursive: true });
      writeFileSync(join(boards, 'pico_2/manifest.json'), JSON.stringify({ build: { PICO_SUBCLASS: 'rp2350' } }));
      // The SDK's Pico 2 W and a display board with the Pico W's radio (as its ili9341_i2s): make.pico.mk's WIFI_GPIO.
      mkdirSync(join(boards, 'pico_2_w'), { recursive: true });
      writeFileSync(join(boards, 'pico_2_w/manifest.json'), JSON.stringify({ build: { PICO_SUBCLASS: 'rp2350', PICO_BOARD: 'pico_2_w', WIFI_GPIO: '1' } }));
      mkdirSync(join(boards, 'lcd_w'), { recursive: true });
      writeFileSync(join(boards, 'lcd_w/manifest.json'), JSON.stringify({ build: { WIFI_GPIO: '1' } }));
      expect(boardProblem('pico/xiao_rp2040', env)).toBeUndefined();
      expect(boardProblem('pico/nosuch', env)).toBe(`firmware: the Moddable SDK at ${env.MODDABLE} has no pico board "nosuch" (its boards: lcd_w, pico_2, pico_2_w, xiao_rp2040)`);
      expect(boardProblem('pico/pico_2_w', env)).toBeUndefined();
      expect(boardProblem('pico/lcd_w', env)).toBe('firmware: pico/lcd_w has a CYW43 radio, and the manifests here give a Pico its network on pico/pico_w and pico/pico_2_w only: build for one of those (or a board without a radio)');
      expect(boardProblem('esp32/esp32s3', env)).toBeUndefined(); // no esp32 boards in this SDK tree to check against: its build says what is missing
      // Each board's own needs are named with the rest: the NeoPixel's PIO program, the RP2350's flash-size script.
      expect(missingForTarget('pico/xiao_rp2040', env)).toEqual([`$PICO_EXAMPLES_DIR/pio/ws2812/ws2812.pio (pico/xiao_rp2040 has a NeoPixel: pico-examples sdk-2.2.0 there)`]);
      touch(join(env.PICO_EXAMPLES_DIR, 'pio/ws2812/ws2812.pio'));
      expect(missingForTarget('pico/xiao_rp2040', env)).toEqual([]);
      expect(missingForTarget('pico/pico_2', env)).toEqual(['$PICO_SDK_DIR/build/pico_flash_region.ld (an RP2350 board\'s flash size for the linker: docs/moddable.md, "Other boards")']);
      // The Pico 2 W: the radio's driver and the RP2350's script, as its own target (the RP2350 read from its SDK folder).
      expect(missingForTarget('pico/pico_2_w', env)).toEqual([
        '$PICO_SDK_DIR/lib/cyw43-driver (pico/pico_2_w\'s radio needs it, and lib/lwip)',
        '$PICO_SDK_DIR/build/pico_flash_region.ld (an RP2350 board\'s flash size for the linker: docs/moddable.md, "Other boards")',
      ]);
      touch(join(env.PICO_SDK_DIR, 'lib/cyw43-driver/src/cyw43.h'));
      expect(missingForTarget('pico/pico_w', env)).toEqual([]);
      touch(join(env.PICO_SDK_DIR, 'build/pico_flash_region.ld'));
      expect(missingForTarget('pico/pico_2', env)).toEqual([]);
      expect(missingForTarget('pico/pico_2_w', env)).toEqual([]);
      expect(missingForTarget('pico', env)).toEqual([]);
      expect(missingLine('esp32/esp32s3', env)).toBe('firmware: cannot build for esp32/esp32s3: missing IDF_PATH (unset: ESP-IDF for Moddable SDK 8.2.3)');
    } finally {
      done();
    }
  });

  test('npm run firmware without the SDKs: exit 1, the one line on stderr, nothing built', () => {
    const env: { [k: string]: string } = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'tools/firmware.ts'), 'pico'], { encoding: 'utf8', env, cwd: ROOT });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^firmware: cannot build for pico: missing MODDABLE \(unset/);
    expect(r.stdout).not.toMatch(/mcconfig/);
  }, 60_000);

  test('the firmware tests say in one line how to build what they miss, with the app\'s own manifest', () => {
    expect(firmwareTestEnv('lux-demo', 'pico', {})).toBe('firmware tests skipped: missing THINGFLOW_FIRMWARE_DIR (a folder with lux-demo.pico.uf2: npm run firmware -- pico --out <folder>), RP2040_BOOTROM (the B1 bootrom: rp2040js\'s demo/bootrom.ts or a .bin)');
    const dir = mkdtempSync(join(tmpdir(), 'tf-fw-none-'));
    try {
      expect(firmwareTestEnv('door-detector', 'pico', { THINGFLOW_FIRMWARE_DIR: dir, RP2040_BOOTROM: join(dir, 'bootrom.bin') })).toBe(
        `firmware tests skipped: missing THINGFLOW_FIRMWARE_DIR=${dir} has no door-detector.pico.uf2 (npm run firmware -- pico manifests/door-detector/manifest.json --out ${dir}), RP2040_BOOTROM=${join(dir, 'bootrom.bin')} (no such file)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
