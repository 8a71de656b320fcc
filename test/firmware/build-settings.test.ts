/**
 * A firmware build starts clean when the manifests' compiler settings changed
 * (tools/build-settings.ts): make itself would keep objects compiled with the
 * old ones. Runs without the SDK.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { appObjectsDir, buildSettings, dropStaleObjects, forgetLinkedSymbols, recordSettings, SETTINGS_FILE } from '../../tools/build-settings';
import { resolveManifest } from '../../tools/moddable-manifest';

const ROOT = resolve(__dirname, '../..');
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tf-build-settings-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const settingsOf = (target: string, debug = false) => buildSettings(resolveManifest(join(ROOT, 'manifests/lux-demo/manifest.json'), target), debug);

test('the settings are the manifests\' build variables and defines for the target, and debug or release', () => {
  const w = JSON.parse(settingsOf('pico/pico_w')) as { debug: boolean; build: [string, string][]; defines: unknown[] };
  expect(w.debug).toBe(false);
  expect(w.build).toEqual(expect.arrayContaining([['PICO_C_DEFINES', '-DWIFI_GPIO=1']]));
  expect(w.defines).toEqual(expect.arrayContaining([{ pico: { usb: 1 } }]));
  expect(settingsOf('pico')).not.toBe(settingsOf('pico/pico_w'));
  expect(settingsOf('pico')).not.toBe(settingsOf('pico', true));
  expect(settingsOf('pico/pico_w')).toBe(settingsOf('pico/pico_w'));
});

test('where mcconfig keeps an app\'s objects', () => {
  expect(appObjectsDir('/m/build', 'pico', 'lux-demo', false)).toBe('/m/build/tmp/pico/release/lux-demo');
  expect(appObjectsDir('/m/build', 'pico/pico_w', 'door-detector', false)).toBe('/m/build/tmp/pico/pico_w/release/door-detector');
  expect(appObjectsDir('/m/build', 'pico', 'lux-demo', true)).toBe('/m/build/tmp/pico/debug/lux-demo');
  expect(appObjectsDir('/m/build', 'lin', 'lux-demo', false)).toBe('/m/build/tmp/lin/mc/release/lux-demo');
});

test('objects compiled with the same settings stay; with others, or with no record, they go; none there, nothing to do', () => {
  const objects = join(dir, 'tmp/pico/pico_w/release/lux-demo');
  const settings = settingsOf('pico/pico_w');
  expect(dropStaleObjects(objects, settings)).toBeUndefined();

  mkdirSync(objects, { recursive: true });
  writeFileSync(join(objects, 'digitalbank.c.o'), 'compiled before WIFI_GPIO reached the compiler');
  expect(dropStaleObjects(objects, settings)).toBe('its objects carry no record of the settings they were compiled with');
  expect(existsSync(objects)).toBe(false);

  mkdirSync(objects, { recursive: true });
  writeFileSync(join(objects, 'digitalbank.c.o'), 'compiled with WIFI_GPIO');
  recordSettings(objects, settings);
  expect(readFileSync(join(objects, SETTINGS_FILE), 'utf8')).toBe(settings);
  expect(dropStaleObjects(objects, settings)).toBeUndefined();
  expect(existsSync(join(objects, 'digitalbank.c.o'))).toBe(true);

  expect(dropStaleObjects(objects, settingsOf('pico/pico_w', true))).toBe('the manifests\' build variables or defines changed since its objects were compiled');
  expect(existsSync(objects)).toBe(false);
});

test('before a build, the app\'s linked output is forgotten for the target being built only: the plain pico build tree (bench:firmware\'s module table, the JavaScript profiler) outlives a pico_w build of the same app', () => {
  const pico = appObjectsDir(dir, 'pico', 'lux-demo', false);
  const picoW = appObjectsDir(dir, 'pico/pico_w', 'lux-demo', false);
  for (const d of [pico, picoW]) {
    mkdirSync(join(d, 'modules'), { recursive: true });
    writeFileSync(join(d, 'modules/mc.xsi'), 'symbols');
    writeFileSync(join(d, 'mc.xs.c'), 'linked');
  }
  forgetLinkedSymbols(picoW);
  expect([existsSync(join(picoW, 'mc.xs.c')), existsSync(join(picoW, 'modules/mc.xsi'))]).toEqual([false, false]);
  expect([existsSync(join(pico, 'mc.xs.c')), existsSync(join(pico, 'modules/mc.xsi'))]).toEqual([true, true]);
  forgetLinkedSymbols(join(dir, 'tmp/pico/release/never-built')); // nothing there: nothing to do
});
