/**
 * `thingflow-xs firmware <target> <app>` as a user types it: from source
 * (`tsx sim/cli.ts`) and from the built package (`node dist/cli.js`, as the
 * npm bin runs it; `npm test` builds dist/ first). Without the SDK it says what
 * is missing in one line and exits 1, after writing the app's manifest; it
 * refuses what it cannot build with why. (With the SDK, docs/moddable.md
 * records the builds: the package installed from `npm pack` into a project of
 * its own, an app importing `thingflow-xs/runtime`, booted in rp2040js.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isSetting, mcconfigArgs, shownArgs, splitSettings, writeSettingsManifest } from '../../../tools/mcconfig-args';
import { ROOT, TSX } from '../../sim/cli-process';

/** No SDK, whatever this machine has. */
const NO_SDK = { ...process.env, MODDABLE: '', PICO_SDK_DIR: '', PICO_EXTRAS_DIR: '' };

function firmware(args: string[], how: 'source' | 'dist' = 'source', env: { [name: string]: string } = {}) {
  const [cmd, script] = how === 'source' ? [TSX, 'sim/cli.ts'] : [process.execPath, 'dist/cli.js'];
  const r = spawnSync(cmd, [script, 'firmware', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...NO_SDK, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('thingflow-xs firmware', () => {
  test.each(['source', 'dist'] as const)('from %s: without a target or an app, the usage and exit code 2', (how) => {
    for (const args of [[], ['pico'], ['nano', 'examples/door-detector-flow.ts'], ['lin/x', 'examples/door-detector-flow.ts']]) {
      const r = firmware(args, how);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.err).toMatch(/^usage: thingflow-xs firmware <pico \| pico\/pico_w \| pico\/pico_2_w \| esp32 \| lin \| pico\/<board> \| esp32\/<board>> <app\.ts \| manifest\.json> \[name=value \.\.\.\]/);
    }
  });

  test('another board of the SDK is a target; a radio board the manifests have no sections for is refused before anything is written', () => {
    for (const board of ['pico/xiao_rp2040', 'pico/pico_2_w']) {
      const r = firmware([board, 'examples/door-detector-flow.ts']);
      expect([board, r.code]).toEqual([board, 1]); // the SDK missing: the one line, for that board
      expect(r.err).toMatch(new RegExp(`^firmware: cannot build for ${board.replace('/', '\\/')}: missing MODDABLE \\(unset`));
    }
    // An SDK whose board has the Pico W's radio (make.pico.mk's WIFI_GPIO) and no section here: the plain pico's would leave it without its network.
    const sdk = mkdtempSync(join(tmpdir(), 'tf-fw-radio-'));
    try {
      mkdirSync(join(sdk, 'build/devices/pico/targets/lcd_w'), { recursive: true });
      writeFileSync(join(sdk, 'build/devices/pico/targets/lcd_w/manifest.json'), JSON.stringify({ build: { WIFI_GPIO: '1' } }));
      const r = firmware(['pico/lcd_w', 'examples/door-detector-flow.ts'], 'source', { MODDABLE: sdk });
      expect(r.code).toBe(2);
      expect(r.err.trim()).toBe('firmware: pico/lcd_w has a CYW43 radio, and the manifests here give a Pico its network on pico/pico_w and pico/pico_2_w only: build for one of those (or a board without a radio)');
    } finally {
      rmSync(sdk, { recursive: true, force: true });
    }
  });

  test('without the SDK: the app\'s entry and manifest are written, then one line names every missing piece, exit code 1', () => {
    // The door detector's flow: no other test writes its folder (manifests.test.ts writes the lux demo's and the button toggle's).
    const dir = join(ROOT, 'out/firmware-apps/app-door-detector-flow');
    rmSync(dir, { recursive: true, force: true });
    const r = firmware(['pico', 'examples/door-detector-flow.ts']);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^firmware: cannot build for pico: missing MODDABLE \(unset: a Moddable SDK 8\.2\.3 checkout\), PICO_SDK_DIR \(unset: pico-sdk 2\.2\.0\), PICO_EXTRAS_DIR/)]);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).modules['thingflow/examples/door-detector-flow']).toBe('../../../examples/door-detector-flow');
    expect(existsSync(join(dir, 'main.ts')) && existsSync(join(dir, 'modules.json'))).toBe(true);
  });

  test('name=value arguments are config properties for mcconfig (a board\'s Wi-Fi: ssid=... password=...), not the app', () => {
    expect(mcconfigArgs('pico/pico_w', '/build', '/app/manifest.json', { settings: ['ssid=home', 'password=a=b c'] })).toEqual(['-m', '-p', 'pico/pico_w', '-t', 'build', '-o', '/build', 'ssid=home', 'password=a=b c', '/app/manifest.json']);
    expect(mcconfigArgs('pico', '/build', '/m.json', { debug: true })).toEqual(['-m', '-p', 'pico', '-t', 'build', '-o', '/build', '-d', '/m.json']);
    expect(['ssid=home', 'mqtt.host=10.0.0.2', 'examples/a=b.ts', './x=1', '=1', 'pico'].map(isSetting)).toEqual([true, true, false, false, false, false]);
    // The build prints its mcconfig line: a password (or key, token) is not in it.
    expect(shownArgs(mcconfigArgs('esp32', '/b', '/m.json', { settings: ['ssid=home', 'password=hunter2', 'apiKey=k1'] }))).toBe('-m -p esp32 -t build -o /b ssid=home password=*** apiKey=*** /m.json');
    // Before or after the app: the app is still the app, and the command gets as far as the SDK check.
    for (const args of [['pico/pico_w', 'ssid=home', 'examples/door-detector-flow.ts', 'password=secret'], ['pico/pico_w', 'examples/door-detector-flow.ts', 'ssid=home']]) {
      const r = firmware(args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 1]);
      expect(r.err).toMatch(/^firmware: cannot build for pico\/pico_w: missing MODDABLE/);
    }
  });

  test('a dotted name is a nested config property (mcconfig alone would set config["mqtt.host"], which the app never reads): a manifest including the app\'s sets it, in a folder named as the app', () => {
    expect(splitSettings(['ssid=home', 'mqtt.host=10.0.0.1', 'mqtt.port=1884', 'a.b.on=true', 'a.b.name=007x', 'port=1883'])).toEqual({
      flat: ['ssid=home', 'port=1883'], // as mcconfig gives them: strings
      nested: { mqtt: { host: '10.0.0.1', port: 1884 }, a: { b: { on: true, name: '007x' } } },
    });
    expect(splitSettings(['ssid=home']).nested).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'settings-manifest-'));
    try {
      const path = writeSettingsManifest('/work/app/manifests/fleet-device/manifest.json', { mqtt: { host: '10.0.0.1' } }, dir);
      expect(path).toBe(join(dir, 'fleet-device', 'manifest.json')); // mcconfig names the build after the folder
      const m = JSON.parse(readFileSync(path, 'utf8'));
      expect([m.include, m.config]).toEqual([['/work/app/manifests/fleet-device/manifest.json'], { mqtt: { host: '10.0.0.1' } }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('from dist, installed: an app in a project of its own gets its manifest from the installed package (its runtime, its manifests), then the one missing-SDK line', () => {
    // As npm lays the package out: node_modules/thingflow-xs, whose bin is dist/cli.js and whose CLI code rollup put in dist/chunks/.
    const project = mkdtempSync(join(tmpdir(), 'tf-fw-installed-'));
    try {
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-board', type: 'module' }));
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(ROOT, join(project, 'node_modules/thingflow-xs'));
      writeFileSync(join(project, 'app.ts'), [
        "import { DigitalOutput, TMP102, ecma419Source } from 'thingflow-xs/runtime';",
        "import type { SimAppContext } from 'thingflow-xs/sim';",
        'export default function app({ device, scheduler }: SimAppContext): void {',
        '  const temperature = ecma419Source(() => new TMP102({ sensor: { ...device.I2C.default, io: device.io.SMBus } }), \'temperature\');',
        '  temperature.map((e) => e.val > 25).connect(new DigitalOutput({ io: device.io.Digital, pin: device.pin.led }));',
        '  scheduler.schedulePeriodic(temperature, 60);',
        '}',
        '',
      ].join('\n'));
      const r = spawnSync(process.execPath, [join(project, 'node_modules/thingflow-xs/dist/cli.js'), 'firmware', 'pico', 'app.ts'], { cwd: project, encoding: 'utf8', timeout: 60_000, env: NO_SDK });
      expect(r.stderr.trim()).toMatch(/^firmware: cannot build for pico: missing MODDABLE/);
      expect(r.status).toBe(1);
      const manifest = JSON.parse(readFileSync(join(project, 'out/firmware-apps/app-app/manifest.json'), 'utf8')) as { include: string[] };
      // The installed package's manifests (node resolved the symlink to the package's real folder, as it does for any install).
      const packageManifests = realpathSync(join(project, 'node_modules/thingflow-xs/manifests'));
      expect(manifest.include.map((i) => resolve(project, 'out/firmware-apps/app-app', i))).toEqual(expect.arrayContaining([join(packageManifests, 'boards.json'), join(packageManifests, 'thingflow.json')]));
      // Only the runtime modules the app uses, from the package's sources.
      const modules = (JSON.parse(readFileSync(join(project, 'out/firmware-apps/app-app/modules.json'), 'utf8')) as { modules: { [name: string]: string } }).modules;
      expect(Object.keys(modules)).toEqual(expect.arrayContaining(['thingflow/runtime/sensors/tmp102', 'thingflow/runtime/filters/map', 'thingflow/runtime/sensors/digital-output']));
      expect(Object.keys(modules).filter((m) => /runtime\/(mqtt|wot)\//.test(m))).toEqual([]);
      expect(resolve(project, 'out/firmware-apps/app-app', modules['thingflow/runtime/sensors/tmp102'])).toBe(join(realpathSync(join(project, 'node_modules/thingflow-xs')), 'runtime/sensors/tmp102'));
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  test.each(['source', 'dist'] as const)('from %s: what cannot be an app is refused with why, exit code 1', (how) => {
    const noDefault = firmware(['pico', 'runtime/filters/map.ts'], how);
    expect([noDefault.code, noDefault.err.trim()]).toEqual([1, 'firmware: runtime/filters/map.ts has no default export: a board runs the app module\'s default export, the function the simulator calls with its context']);
    const missing = firmware(['pico', 'examples/no-such-app.ts'], how);
    expect([missing.code, missing.err.trim()]).toEqual([1, `firmware: no app at ${join(ROOT, 'examples/no-such-app.ts')}`]);
  });
});
