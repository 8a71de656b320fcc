/**
 * What a firmware build for a Moddable target needs from the environment, and
 * which of it is missing: one list, so the build command and the tests name
 * every missing piece in one line instead of failing on the first.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const FIRMWARE_TARGETS = ['pico', 'pico/pico_w', 'esp32', 'lin'] as const;
export type FirmwareTarget = (typeof FIRMWARE_TARGETS)[number];

/** The pico-sdk version Moddable SDK 8.2.3's make.pico.mk expects (`git describe` of $PICO_SDK_DIR). */
export const EXPECTED_PICO_SDK = '2.2.0';

type Env = { [name: string]: string | undefined };

/** Each missing piece as `NAME (why)`; empty when the target can be built. */
export function missingForTarget(target: FirmwareTarget, env: Env = process.env): string[] {
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
  if (target === 'pico' || target === 'pico/pico_w') {
    const sdk = dir('PICO_SDK_DIR', 'pico_sdk_init.cmake', `pico-sdk ${EXPECTED_PICO_SDK}`);
    if (sdk !== undefined) {
      if (!existsSync(join(sdk, 'lib/tinyusb/src/tusb.h'))) missing.push('$PICO_SDK_DIR/lib/tinyusb (tinyusb 0.18.0 not in place)');
      if (target === 'pico/pico_w' && !existsSync(join(sdk, 'lib/cyw43-driver/src/cyw43.h'))) missing.push('$PICO_SDK_DIR/lib/cyw43-driver (pico_w needs it, and lib/lwip)');
      if (!existsSync(join(sdk, 'build/pioasm/pioasm'))) missing.push('$PICO_SDK_DIR/build/pioasm/pioasm (build pioasm from source)');
      if (!existsSync(join(sdk, 'build/_deps/picotool/picotool'))) missing.push('$PICO_SDK_DIR/build/_deps/picotool/picotool (build picotool 2.2.0 from source)');
      const tag = spawnSync('git', ['-C', sdk, 'describe', '--tags', '--always', '--abbrev=0'], { encoding: 'utf8' });
      if (tag.status !== 0 || tag.stdout.trim() !== EXPECTED_PICO_SDK) missing.push(`$PICO_SDK_DIR git tag ${EXPECTED_PICO_SDK} (git describe says "${(tag.stdout ?? '').trim()}")`);
    }
    dir('PICO_EXTRAS_DIR', 'src', 'pico-extras sdk-2.2.0');
    dir('PICO_EXAMPLES_DIR', '.', 'any existing folder');
    // make.pico.mk also spot-checks $PICO_ROOT (default ~/pico) for a pico-examples folder.
    dir('PICO_ROOT', 'pico-examples', 'the folder holding pico-examples/, e.g. the parent of PICO_EXAMPLES_DIR');
    dir('PICO_GCC_ROOT', 'bin/arm-none-eabi-gcc', 'the arm-none-eabi toolchain root, /usr with Debian\'s gcc-arm-none-eabi');
  } else if (target === 'esp32') {
    dir('IDF_PATH', 'tools/idf.py', 'ESP-IDF for Moddable SDK 8.2.3');
  }
  return missing;
}

/** `firmware: cannot build for <target>: missing A, B, C` or undefined. */
export function missingLine(target: FirmwareTarget, env: Env = process.env): string | undefined {
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
