/**
 * Builds an app manifest into firmware for a Moddable target:
 *
 *   npm run firmware -- <pico | pico/pico_w | pico/pico_2_w | esp32 | lin | pico/<board> | esp32/<board>> [manifest.json | app.ts] [name=value ...] [--debug] [--out <dir>]
 *
 * Another board of the SDK (`pico/xiao_rp2040`, `esp32/esp32s3`) builds as
 * its platform does, with its own pins (firmware-env.ts `baseTarget`).
 *
 * `name=value` arguments go to mcconfig as config properties (`ssid=...
 * password=...`: the Wi-Fi a board with a network joins); a dotted name
 * (`mqtt.host=...`) is a nested one, set by a manifest written for it
 * (mcconfig would make it a flat property the app never reads).
 *
 * Given an app module instead of a manifest (its default export is the app
 * the simulator runs), the entry and manifest are written for it first
 * (tools/app-firmware.ts: out/firmware-apps/app-<name>/).
 *
 * mcconfig's own build tree (objects, the XS archive) is $MODDABLE/build,
 * or THINGFLOW_MODDABLE_BUILD when set (mcconfig -o): two checkouts building
 * the same app at once each need their own.
 *
 * The manifest defaults to manifests/lux-demo/manifest.json. SDK locations
 * come from the environment (MODDABLE, PICO_SDK_DIR, PICO_EXTRAS_DIR,
 * PICO_EXAMPLES_DIR, PICO_GCC_ROOT; IDF_PATH for esp32): every missing piece
 * is named in one line before anything runs. mcconfig runs with
 * $MODDABLE/build/bin/lin/release and this repository's TypeScript on PATH,
 * and `SHELL=/bin/bash` for make (make.pico.mk's version check is bash
 * `[[ ]]`; Debian's /bin/sh is dash). For pico targets the .uf2 and .elf are
 * copied to <out>/<app>.<target>.{uf2,elf} (default out/firmware/), where
 * the firmware tests and `npm run bench:firmware` find them.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_SOURCE, writeAppFirmware } from './app-firmware';
import { APP_MODULES_FILE, rootOf, usesAppModules, writeAppModules } from './app-modules';
import { FIRMWARE_TARGETS, baseTarget, boardProblem, firmwareStem, missingLine, moddableBuildDir } from './firmware-env';
import { appObjectsDir, buildSettings, dropStaleObjects, forgetLinkedSymbols, recordSettings } from './build-settings';
import { isSetting, mcconfigArgs, shownArgs, splitSettings, writeSettingsManifest } from './mcconfig-args';
import { resolveManifest } from './moddable-manifest';
import { writeXsRunInSramScript, xsInSram, XS_IN_SRAM_VARIABLE } from './xs-in-sram';

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(dirname(SELF), '..');

export interface FirmwareBuild {
  /** One of FIRMWARE_TARGETS or another board of the SDK (`pico/<board>`, `esp32/<board>`). */
  target: string;
  app: string;
  /** Copied .uf2 and .elf (pico targets), undefined otherwise. */
  uf2?: string;
  elf?: string;
  seconds: number;
}


export function buildFirmware(target: string, manifest: string, opts: { debug?: boolean; out?: string; settings?: readonly string[]; log?: (line: string) => void } = {}): Promise<FirmwareBuild> {
  const missing = missingLine(target);
  if (missing !== undefined) return Promise.reject(new Error(missing));
  const moddable = process.env.MODDABLE!;
  const manifestPath = resolve(manifest);
  if (!existsSync(manifestPath)) return Promise.reject(new Error(`firmware: no manifest at ${manifestPath}`));
  const app = basename(dirname(manifestPath));
  // The app's project (this repository, or the project of an app built with the package installed).
  const project = rootOf(manifestPath);
  const out = resolve(opts.out ?? join(project, 'out/firmware'));
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  // The app's module list follows its sources (tools/app-modules.ts): written again when they changed.
  if (usesAppModules(manifestPath) && writeAppModules(manifestPath)) {
    log(`firmware: ${APP_MODULES_FILE} of ${app} written again from its imports`);
  }
  const buildDir = moddableBuildDir();
  mkdirSync(buildDir, { recursive: true });
  const debug = opts.debug === true;
  const resolved = resolveManifest(manifestPath, target, moddable);
  // Decided (and a wrong choice refused) before anything is built: it reads the board's manifests.
  let inSram: boolean;
  try {
    inSram = xsInSram(moddable, target, resolved.build.get(XS_IN_SRAM_VARIABLE));
  } catch (e) {
    return Promise.reject(new Error(`firmware: ${(e as Error).message}`));
  }
  const settings = buildSettings(resolved, debug);
  const objects = appObjectsDir(buildDir, target, app, debug);
  const stale = dropStaleObjects(objects, settings);
  if (stale !== undefined) log(`firmware: ${app} for ${target} compiles from clean: ${stale}, and make would keep them`);
  forgetLinkedSymbols(objects);
  // Dotted names are nested config: mcconfig would set them flat (config["mqtt.host"]), where the app never looks.
  const { flat, nested } = splitSettings(opts.settings ?? []);
  const withSettings = nested === undefined ? manifestPath : writeSettingsManifest(manifestPath, nested, join(project, 'out/firmware-settings'));
  if (nested !== undefined) log(`firmware: the settings with dotted names are nested config properties, set by ${withSettings}`);
  const args = mcconfigArgs(target, buildDir, withSettings, { debug, settings: flat });
  // On an RP2040 without the radio (or with it, where the app asks) the XS interpreter's loop runs from SRAM, out of the flash cache's way (tools/xs-in-sram.ts).
  let linkerScript: string | undefined;
  try {
    linkerScript = inSram ? writeXsRunInSramScript(moddable, join(project, 'out/firmware-settings/linker')) : undefined;
    if (linkerScript !== undefined) log(`firmware: xsRun.c.o links into SRAM (${linkerScript})`);
  } catch (e) {
    // Another SDK's script: the app still builds, as Moddable links it, a third slower per wake.
    log(`firmware: warning: ${(e as Error).message}; linking with Moddable's script, the XS interpreter's loop stays in flash`);
  }
  const env = {
    ...process.env,
    PATH: `${join(moddable, 'build/bin/lin/release')}:${join(project, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
    MAKEFLAGS: `${process.env.MAKEFLAGS ?? ''} SHELL=/bin/bash`.trim(),
    ...(linkerScript !== undefined ? { LINKER_SCRIPT: linkerScript } : {}),
  };
  log(`firmware: mcconfig ${shownArgs(args)}`);
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn('mcconfig', args, { cwd: dirname(manifestPath), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let image: string | undefined;
    let tail: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        const m = /Target built: (\S+\.uf2)/.exec(line);
        if (m !== null) image = m[1];
        tail.push(line);
        if (tail.length > 40) tail = tail.slice(-40);
        // Failures only (compiler errors, make's ***); progress lines (`# tsc errors.ts`) stay quiet.
        if (/typescript compile failure|\berror\b:|Error:|\*\*\*/.test(line) || m !== null) log(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new Error(`firmware: mcconfig did not start: ${e.message}`)));
    child.on('close', (code) => {
      const seconds = (Date.now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`firmware: mcconfig exited ${code} after ${seconds.toFixed(0)} s; last lines:\n${tail.join('\n')}`));
        return;
      }
      recordSettings(objects, settings);
      const result: FirmwareBuild = { target, app, seconds };
      if (target.startsWith('pico')) {
        if (image === undefined || !existsSync(image)) {
          reject(new Error(`firmware: mcconfig succeeded but named no .uf2; last lines:\n${tail.join('\n')}`));
          return;
        }
        mkdirSync(out, { recursive: true });
        result.uf2 = join(out, `${firmwareStem(app, target)}.uf2`);
        result.elf = join(out, `${firmwareStem(app, target)}.elf`);
        copyFileSync(image, result.uf2);
        copyFileSync(image.replace(/\.uf2$/, '.elf'), result.elf);
      }
      resolvePromise(result);
    });
  });
}

/**
 * The command: `npm run firmware -- ...` in a checkout, or `thingflow-xs
 * firmware ...` (sim/cli.ts), which passes the installed package's root: an
 * app outside a checkout builds with that package's runtime and manifests.
 */
export async function main(argv: string[], installed?: { packageRoot: string }): Promise<number> {
  const settings = argv.filter(isSetting);
  const positional = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--out' && !isSetting(a));
  const outIndex = argv.indexOf('--out');
  const target = positional[0];
  if (target === undefined || baseTarget(target) === undefined || (installed !== undefined && positional[1] === undefined)) {
    const usage = installed === undefined ? 'npm run firmware --' : 'thingflow-xs firmware';
    process.stderr.write(`usage: ${usage} <${FIRMWARE_TARGETS.join(' | ')} | pico/<board> | esp32/<board>> ${installed === undefined ? '[manifest.json | app.ts]' : '<app.ts | manifest.json>'} [name=value ...] [--debug] [--out <dir>]\n(<board>: another board of the Moddable SDK, e.g. pico/xiao_rp2040, esp32/esp32s3; name=value: a config property for mcconfig, e.g. ssid=... password=... for a board's Wi-Fi; a dotted name is nested, e.g. mqtt.host=192.168.1.10)\n`);
    return 2;
  }
  const problem = boardProblem(target);
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    return 2;
  }
  try {
    const named = positional[1] ?? join(ROOT, 'manifests/lux-demo/manifest.json');
    const manifest = APP_SOURCE.test(named) ? writeAppFirmware(named, { packageRoot: installed?.packageRoot }) : named;
    const b = await buildFirmware(target, manifest, { debug: argv.includes('--debug'), settings, out: outIndex >= 0 ? argv[outIndex + 1] : undefined });
    process.stdout.write(`firmware: ${b.app} for ${b.target} built in ${b.seconds.toFixed(0)} s${b.uf2 !== undefined ? `: ${b.uf2}` : ''}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === SELF) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
