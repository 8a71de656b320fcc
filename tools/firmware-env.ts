/**
 * What a firmware build for a Moddable target needs from the environment, and
 * which of it is missing: one list, so the build command and the tests name
 * every missing piece in one line instead of failing on the first.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';

/** The targets this project's manifests have sections for, and its checks and module lists cover. */
export const FIRMWARE_TARGETS = ['pico', 'pico/pico_w', 'pico/pico_2_w', 'esp32', 'lin'] as const;
export type FirmwareTarget = (typeof FIRMWARE_TARGETS)[number];

/**
 * The Picos with a network: a CYW43 radio (Wi-Fi) on an RP2040 or an RP2350. Every
 * manifest here gives them the same sections (test/hosts/moddable/manifests.test.ts
 * holds them to it): a Pico 2 W is a Pico W with another chip.
 */
export const RADIO_PICO_TARGETS = ['pico/pico_w', 'pico/pico_2_w'] as const;

const isFirmwareTarget = (target: string): target is FirmwareTarget => (FIRMWARE_TARGETS as readonly string[]).includes(target);
const isRadioPico = (target: string | undefined): boolean => (RADIO_PICO_TARGETS as readonly (string | undefined)[]).includes(target);

/** The SDK's folder of a board (`pico/<board>` → $MODDABLE/build/devices/pico/targets/<board>). */
function sdkBoardDir(moddable: string, target: string): string {
  const [platform, board] = target.split('/');
  return join(moddable, 'build/devices', platform, 'targets', board);
}

/**
 * The target a build of `target` is: one of FIRMWARE_TARGETS, or another
 * board of the SDK, `pico/<board>` or `esp32/<board>` (a folder of
 * $MODDABLE/build/devices/<platform>/targets), which builds as its platform
 * does: mcconfig gives it the `pico` or `esp32` section of a manifest without
 * one of its own, and its own device (its pins, its I2C bus) wins over
 * boards.json's. Undefined for anything else.
 */
export function baseTarget(target: string): FirmwareTarget | undefined {
  if (isFirmwareTarget(target)) return target;
  const board = /^(pico|esp32)\/[A-Za-z0-9][\w.-]*$/.exec(target);
  return board === null ? undefined : (board[1] as 'pico' | 'esp32');
}

/**
 * Why `target`, a board beyond FIRMWARE_TARGETS, cannot be built with this
 * SDK and these manifests; undefined when it can (or when MODDABLE is not
 * there to say: the missing line names it).
 */
export function boardProblem(target: string, env: Env = process.env): string | undefined {
  if (isFirmwareTarget(target) || env.MODDABLE === undefined) return undefined;
  const [platform, board] = target.split('/');
  const boardDir = sdkBoardDir(env.MODDABLE, target);
  const boards = dirname(boardDir);
  if (!existsSync(boards)) return undefined;
  if (!existsSync(join(boardDir, 'manifest.json'))) {
    return `firmware: the Moddable SDK at ${env.MODDABLE} has no ${platform} board "${board}" (its boards: ${readdirSync(boards).sort().join(', ')})`;
  }
  // A radio board the manifests have no sections for would get the plain pico's: no network, and its LED on the radio.
  if (hasCyw43(picoBoardManifest(env.MODDABLE, target))) {
    return `firmware: ${target} has a CYW43 radio, and the manifests here give a Pico its network on ${RADIO_PICO_TARGETS.join(' and ')} only: build for one of those (or a board without a radio)`;
  }
  return undefined;
}

interface PicoBoardManifest { build?: { PICO_SUBCLASS?: string; WIFI_GPIO?: string | number }; include?: string | string[] }

/** The board's SDK manifest builds the CYW43 radio's driver (make.pico.mk's WIFI_GPIO). */
function hasCyw43(board: PicoBoardManifest | undefined): boolean {
  return String(board?.build?.WIFI_GPIO) === '1';
}

/** The SDK's manifest of a Pico board (`pico/<board>`), when there is one. */
function picoBoardManifest(moddable: string, target: string): PicoBoardManifest | undefined {
  if (!target.startsWith('pico/')) return undefined;
  const manifest = join(sdkBoardDir(moddable, target), 'manifest.json');
  try {
    return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')) : undefined;
  } catch {
    return undefined;
  }
}

/** A pico board with the CYW43 radio (pico_w, pico_2_w): its board manifest passes WIFI_GPIO to the build. */
export function picoHasRadio(moddable: string, target: string): boolean {
  return picoBoardManifest(moddable, target)?.build?.WIFI_GPIO === '1';
}

/** The chip a pico target builds for: its board manifest's `PICO_SUBCLASS` (make.pico.mk's rp2040 unless it says otherwise). */
export function picoChip(moddable: string, target: string): string {
  return picoBoardManifest(moddable, target)?.build?.PICO_SUBCLASS ?? 'rp2040';
}

/** The pico-sdk version Moddable SDK 8.2.3's make.pico.mk expects (`git describe` of $PICO_SDK_DIR). */
export const EXPECTED_PICO_SDK = '2.2.0';

type Env = { [name: string]: string | undefined };

/** Each missing piece as `NAME (why)`; empty when the target can be built. */
export function missingForTarget(target: string, env: Env = process.env): string[] {
  const base = baseTarget(target);
  const missing: string[] = [];
  const dir = (name: string, probe: string, what: string): string | undefined => {
    const v = env[name];
    if (v === undefined || v === '') missing.push(`${name} (unset: ${what})`);
    else if (!existsSync(join(v, probe))) missing.push(`${name}=${v} (no ${probe} there: ${what})`);
    else return v;
    return undefined;
  };
  const moddable = dir('MODDABLE', 'tools/mcconfig/make.pico.mk', 'a Moddable SDK 8.2.3 checkout');
  if (moddable !== undefined && !existsSync(join(moddable, 'build/bin/lin/release/mcconfig'))) {
    missing.push(`$MODDABLE/build/bin/lin/release/mcconfig (host tools not built: cd $MODDABLE/build/makefiles/lin && make)`);
  }
  if (base === 'pico' || isRadioPico(base)) {
    const board = moddable === undefined ? undefined : picoBoardManifest(moddable, target);
    const sdk = dir('PICO_SDK_DIR', 'pico_sdk_init.cmake', `pico-sdk ${EXPECTED_PICO_SDK}`);
    if (sdk !== undefined) {
      if (!existsSync(join(sdk, 'lib/tinyusb/src/tusb.h'))) missing.push('$PICO_SDK_DIR/lib/tinyusb (tinyusb 0.18.0 not in place)');
      if (isRadioPico(base) && !existsSync(join(sdk, 'lib/cyw43-driver/src/cyw43.h'))) missing.push(`$PICO_SDK_DIR/lib/cyw43-driver (${target}'s radio needs it, and lib/lwip)`);
      // An RP2350 board (its manifest's PICO_SUBCLASS) links with a flash-size script a CMake configure of the pico-sdk writes.
      if (board?.build?.PICO_SUBCLASS === 'rp2350' && !existsSync(join(sdk, 'build/pico_flash_region.ld'))) {
        missing.push('$PICO_SDK_DIR/build/pico_flash_region.ld (an RP2350 board\'s flash size for the linker: docs/moddable.md, "Other boards")');
      }
      if (!existsSync(join(sdk, 'build/pioasm/pioasm'))) missing.push('$PICO_SDK_DIR/build/pioasm/pioasm (build pioasm from source)');
      if (!existsSync(join(sdk, 'build/_deps/picotool/picotool'))) missing.push('$PICO_SDK_DIR/build/_deps/picotool/picotool (build picotool 2.2.0 from source)');
      const tag = spawnSync('git', ['-C', sdk, 'describe', '--tags', '--always', '--abbrev=0'], { encoding: 'utf8' });
      if (tag.status !== 0 || tag.stdout.trim() !== EXPECTED_PICO_SDK) missing.push(`$PICO_SDK_DIR git tag ${EXPECTED_PICO_SDK} (git describe says "${(tag.stdout ?? '').trim()}")`);
    }
    dir('PICO_EXTRAS_DIR', 'src', 'pico-extras sdk-2.2.0');
    const examples = dir('PICO_EXAMPLES_DIR', '.', 'any existing folder');
    // A board with a NeoPixel includes Moddable's driver, which assembles pico-examples' ws2812 PIO program.
    if (examples !== undefined && [board?.include ?? []].flat().some((m) => m.includes('drivers/neopixel')) && !existsSync(join(examples, 'pio/ws2812/ws2812.pio'))) {
      missing.push(`$PICO_EXAMPLES_DIR/pio/ws2812/ws2812.pio (${target} has a NeoPixel: pico-examples sdk-${EXPECTED_PICO_SDK} there)`);
    }
    // make.pico.mk also spot-checks $PICO_ROOT (default ~/pico) for a pico-examples folder.
    dir('PICO_ROOT', 'pico-examples', 'the folder holding pico-examples/, e.g. the parent of PICO_EXAMPLES_DIR');
    dir('PICO_GCC_ROOT', 'bin/arm-none-eabi-gcc', 'the arm-none-eabi toolchain root, /usr with Debian\'s gcc-arm-none-eabi');
  } else if (base === 'esp32') {
    dir('IDF_PATH', 'tools/idf.py', 'ESP-IDF for Moddable SDK 8.2.3');
  }
  return missing;
}

/** `firmware: cannot build for <target>: missing A, B, C` or undefined. */
export function missingLine(target: string, env: Env = process.env): string | undefined {
  const missing = missingForTarget(target, env);
  return missing.length === 0 ? undefined : `firmware: cannot build for ${target}: missing ${missing.join(', ')}`;
}

/** A binutils tool of the arm-none-eabi toolchain pico-sdk uses (PICO_GCC_ROOT, else the one on PATH). */
export function binutil(name: string, env: Env = process.env): string {
  return env.PICO_GCC_ROOT !== undefined ? join(env.PICO_GCC_ROOT, `bin/arm-none-eabi-${name}`) : `arm-none-eabi-${name}`;
}

/** `lux-demo.pico`, `lux-demo.pico-pico_w`: the file name stem of a build's copies in the firmware folder. */
export function firmwareStem(app: string, target: string): string {
  return `${app}.${target.replace(/\//g, '-')}`;
}

/** mcconfig's build tree (its -o): THINGFLOW_MODDABLE_BUILD, else $MODDABLE/build. */
export function moddableBuildDir(): string {
  return resolve(process.env.THINGFLOW_MODDABLE_BUILD ?? join(process.env.MODDABLE ?? '', 'build'));
}
