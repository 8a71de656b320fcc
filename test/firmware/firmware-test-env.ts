/**
 * What the firmware tests need from the environment: a folder of built
 * firmware (`npm run firmware -- pico` writes out/firmware/lux-demo.pico.uf2, and
 * `npm run firmware -- pico manifests/door-detector/manifest.json` door-detector.pico.uf2;
 * THINGFLOW_FIRMWARE_DIR names the folder) and the RP2040 B1 bootrom image
 * (RP2040_BOOTROM: a raw .bin, or rp2040js's demo/bootrom.ts), which is not
 * part of the rp2040js npm package and is not shipped here. Without them the
 * tests say so in one line and skip; neither can be installed in CI.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { firmwareStem } from '../../tools/firmware-env';

export interface FirmwareTestEnv {
  uf2: string;
  elf: string;
  bootrom: string;
  dir: string;
}

/** `emulated: false` for a test that reads the built files without booting them (no bootrom needed). */
/** `settings`: the `name=value` config properties the image must be built with (a networked app's Wi-Fi and broker), named in the skip line's command. */
/** `subdir`: a folder of THINGFLOW_FIRMWARE_DIR for an image whose file name another build of the same app takes (bench:firmware's `joined`: the lux demo with an SSID). */
/** `debug`: the image is a debug build (`--debug` in the skip line's command; give it a `subdir`). */
export function firmwareTestEnv(app = 'lux-demo', target = 'pico', env = process.env, { emulated = true, settings = [] as readonly string[], subdir = '', debug = false } = {}): FirmwareTestEnv | string {
  const missing: string[] = [];
  const top = env.THINGFLOW_FIRMWARE_DIR;
  const dir = top === undefined || top === '' || subdir === '' ? top : join(top, subdir);
  const stem = firmwareStem(app, target);
  // The lux demo is the build command's default manifest; another app names its own, an app built from its source alone (app-<name>) its example.
  const named = app === 'lux-demo' ? '' : app.startsWith('app-') ? ` examples/${app.slice(4)}.ts` : ` manifests/${app}/manifest.json`;
  const build = (out: string) => `npm run firmware -- ${target}${named}${settings.map((x) => ` ${x}`).join('')}${debug ? ' --debug' : ''} --out ${out}`;
  if (dir === undefined || dir === '') missing.push(`THINGFLOW_FIRMWARE_DIR (a folder with ${stem}.uf2: ${build('<folder>')})`);
  else if (!existsSync(join(dir, `${stem}.uf2`))) missing.push(`THINGFLOW_FIRMWARE_DIR=${dir} has no ${stem}.uf2 (${build(dir)})`);
  const bootrom = env.RP2040_BOOTROM;
  if (emulated) {
    if (bootrom === undefined || bootrom === '') missing.push('RP2040_BOOTROM (the B1 bootrom: rp2040js\'s demo/bootrom.ts or a .bin)');
    else if (!existsSync(bootrom)) missing.push(`RP2040_BOOTROM=${bootrom} (no such file)`);
  }
  if (missing.length > 0) return `firmware tests skipped: missing ${missing.join(', ')}`;
  return { uf2: join(dir!, `${stem}.uf2`), elf: join(dir!, `${stem}.elf`), bootrom: emulated ? bootrom! : '', dir: dir! };
}
