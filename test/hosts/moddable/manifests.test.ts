/**
 * The Moddable manifests build per target, checked without the SDK: for each
 * app manifest and each target (esp32, pico, pico/pico_w, lin) the manifest is
 * resolved as mcconfig resolves it (tools/moddable-manifest.ts: the matching
 * `platforms` section, its includes and errors), every module the app
 * imports, transitively, is named by the manifest, and every SDK module it
 * imports is offered on THAT target by an SDK manifest it includes
 * (SDK_OFFERS, read from Moddable SDK 8.2.3). A plain pico has no network:
 * an app that imports the MQTT transport there must fail this check, and a
 * manifest that pulls the network into a plain pico must stop the build with
 * an error that names the missing module.
 *
 * When $MODDABLE names an SDK, SDK_OFFERS itself is checked against the SDK's
 * manifests (followed for each target).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { writeAppFirmware } from '../../../tools/app-firmware';
import { appModulesFresh, generatedApps } from '../../../tools/app-modules';
import * as ts from 'typescript';
import { asList, relativeModule, resolveManifest, sourceOf, walkImports, type Manifest, type Resolved } from '../../../tools/moddable-manifest';

const ROOT = resolve(__dirname, '../../..');
const MANIFESTS = ['manifests/thingflow.json', 'manifests/thingflow-net.json', 'manifests/lux-demo/manifest.json', 'manifests/door-detector/manifest.json', 'manifests/button-toggle/manifest.json', 'manifests/fleet-device/manifest.json', 'manifests/host-check/manifest.json', 'manifests/pico-port.json', 'manifests/boards.json', 'bench/firmware/floor/manifest.json'];
/** The door detector and the button toggle build for the boards only (no network anywhere; on lin the simulator runs them). */
const BOARD_TARGETS = ['esp32', 'pico', 'pico/pico_w', 'pico/pico_2_w'] as const;
const TARGETS = ['esp32', 'pico', 'pico/pico_w', 'pico/pico_2_w', 'lin'] as const;
/** The targets with a network. */
const NETWORK_TARGETS = ['esp32', 'pico/pico_w', 'pico/pico_2_w', 'lin'] as const;
type Target = (typeof TARGETS)[number];

function load(path: string): Manifest {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Manifest;
}

const BASE = '$(MODDABLE)/examples/manifest_base.json';
const NET = '$(MODDABLE)/examples/manifest_net.json';
const IO = '$(MODDABLE)/modules/io/manifest.json';
const IO_PICO_NET = '$(MODDABLE)/modules/io/manifests/pico/manifest_net.json';
const WEBSOCKET = '$(MODDABLE)/modules/network/websocket/manifest.json';
const MDNS = '$(MODDABLE)/modules/network/mdns/manifest.json';

/** What pico/pico_w and pico/pico_2_w offer: the same SDK manifests (their board folders differ in the chip only). */
const RADIO_PICO_OFFERS: Record<string, string[]> = {
  'mc/config': [''],
  time: [BASE],
  timer: [BASE],
  net: [NET, IO_PICO_NET, WEBSOCKET],
  socket: [NET, IO_PICO_NET, WEBSOCKET],
  'embedded:io/socket/tcp': [IO_PICO_NET],
  'embedded:io/socket/listener': [IO_PICO_NET],
  websocket: [WEBSOCKET],
  mdns: [MDNS],
  sntp: [NET, IO_PICO_NET],
  'embedded:network/interface/wifi': [NET, IO_PICO_NET],
};
/**
 * What each target of Moddable SDK 8.2.3 offers: SDK module → the SDK
 * manifests (as an app includes them) that bring it on that target.
 * `mc/config` every app has. ECMA-419 sockets: modules/io/manifest.json
 * gives embedded:io/socket/* on esp32 (lwip) and lin, but for pico and every
 * pico/* board only modules/io/manifests/pico/manifest.json, which has no
 * socket; pico_w and pico_2_w get them from modules/io/manifests/pico/manifest_net.json.
 * `net` and `socket`: manifest_net.json's "pico" section names them for any
 * Pico, but their C (modNet.c) needs pico/cyw43_arch.h, so a plain pico does
 * not build them.
 */
const SDK_OFFERS: Record<Target, Record<string, string[]>> = {
  esp32: {
    'mc/config': [''],
    time: [BASE],
    timer: [BASE],
    net: [NET, WEBSOCKET],
    socket: [NET, WEBSOCKET],
    'embedded:io/socket/tcp': [IO],
    'embedded:io/socket/listener': [IO],
    websocket: [WEBSOCKET],
    mdns: [MDNS],
  },
  pico: {
    'mc/config': [''],
    time: [BASE],
    timer: [BASE],
  },
  'pico/pico_w': RADIO_PICO_OFFERS,
  'pico/pico_2_w': RADIO_PICO_OFFERS,
  lin: {
    'mc/config': [''],
    time: [BASE],
    timer: [BASE],
    net: [NET, IO, WEBSOCKET],
    socket: [NET, IO, WEBSOCKET],
    'embedded:io/socket/tcp': [IO],
    'embedded:io/socket/listener': [IO],
    websocket: [WEBSOCKET],
    mdns: [MDNS],
  },
};

/**
 * Every module reachable from `entry` by static imports, as the manifest
 * resolved for `target` names it; returns what does not resolve on that target.
 */
function unresolvedImports(r: Resolved, target: Target, ...entries: string[]): { seen: number; reached: Set<string>; unresolved: string[] } {
  const byPath = new Map<string, string>();
  for (const [name, abs] of r.modules) byPath.set(abs, name);
  const offers = SDK_OFFERS[target];
  const unresolved: string[] = [];
  const seen = walkImports(entries, (spec, file, src) => {
    const from = relative(ROOT, src);
    if (spec.startsWith('.')) {
      const dep = relativeModule(file, spec);
      if (byPath.has(dep)) return dep;
      unresolved.push(`${from} imports ${spec}, which the manifest does not name`);
    } else if (r.modules.has(spec) && !r.modules.get(spec)!.startsWith('$(')) {
      return r.modules.get(spec)!;
    } else if (offers[spec] === undefined) {
      unresolved.push(`${from} imports ${spec}, which ${target} does not offer`);
    } else if (!offers[spec].some((m) => m === '' || r.sdkIncludes.has(m))) {
      unresolved.push(`${from} imports ${spec}: on ${target} include ${offers[spec].join(' or ')}`);
    }
    return undefined;
  }, (file) => unresolved.push(`${relative(ROOT, file)}: no .ts or .js source`));
  return { seen: seen.size, reached: seen, unresolved };
}

function resolveApp(path: string, target: Target): Resolved {
  return resolveManifest(join(ROOT, path), target);
}

describe('Moddable manifests', () => {
  test.each(MANIFESTS)('%s: every local module path and include exists', (path) => {
    const m = load(path);
    const base = dirname(join(ROOT, path));
    const missing: string[] = [];
    const sections: Manifest[] = [m, ...Object.values(m.platforms ?? {})];
    let checked = 0;
    for (const s of sections) {
      for (const inc of asList(s.include)) {
        if (!inc.startsWith('$(') && !existsSync(resolve(base, inc))) missing.push(`include ${inc}`);
      }
      for (const [name, target] of Object.entries(s.modules ?? {})) {
        for (const t of asList(target)) {
          if (typeof t !== 'string' || t.startsWith('$(')) continue;
          const abs = resolve(base, t);
          checked++;
          if (t.endsWith('*')) {
            const dir = dirname(abs);
            if (!existsSync(dir) || !statSync(dir).isDirectory() || !readdirSync(dir).some((f) => /\.(ts|js)$/.test(f))) missing.push(`${name} → ${t}`);
          } else if (sourceOf(abs) === undefined && !existsSync(`${abs}.c`)) { // mcconfig compiles a C source named here too
            missing.push(`${name} → ${t}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  test('the boards compile TypeScript as Node, the xsnap bundles and the tests do: the same target, and class fields assigned in the constructor (useDefineForClassFields false: on a board it is 3.1 KB less flash for the lux demo, each class\'s fields no function of their own)', () => {
    const tsconfig = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config as { compilerOptions: { target: string; useDefineForClassFields?: boolean } };
    const boards = (load('manifests/thingflow.json') as Manifest & { typescript: { tsconfig: { compilerOptions: { target: string; useDefineForClassFields?: boolean } } } }).typescript.tsconfig.compilerOptions;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jest = (require(join(ROOT, 'jest.config.cjs')) as { transform: { [pattern: string]: [string, { tsconfig: { target: string; useDefineForClassFields?: boolean } }] } }).transform['^.+\\.ts$'][1].tsconfig;
    expect([boards, jest].map((o) => [o.target.toLowerCase(), o.useDefineForClassFields])).toEqual([
      [tsconfig.compilerOptions.target.toLowerCase(), false],
      [tsconfig.compilerOptions.target.toLowerCase(), false],
    ]);
    expect(tsconfig.compilerOptions.useDefineForClassFields).toBe(false);
  });

  test('module names mirror the repository tree under thingflow/', () => {
    const r = resolveApp('manifests/lux-demo/manifest.json', 'lin');
    const wrong: string[] = [];
    for (const [name, abs] of r.modules) {
      if (!name.startsWith('thingflow/')) continue;
      const expected = `thingflow/${relative(ROOT, abs)}`;
      if (name !== expected) wrong.push(`${name} is ${expected}`);
    }
    expect(r.modules.size).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
  });

  test.each(TARGETS)('lux demo on %s: resolves without error, every module it imports, transitively, is offered there', (target) => {
    const r = resolveApp('manifests/lux-demo/manifest.json', target);
    expect(r.errors).toEqual([]);
    const { seen, unresolved } = unresolvedImports(r, target, r.modules.get('main')!);
    expect(seen).toBeGreaterThan(20);
    expect(unresolved).toEqual([]);
  });

  test('every app manifest that includes ./modules.json has the list its sources give (npm run firmware-modules)', () => {
    const apps = generatedApps(ROOT);
    expect(apps.map((a) => relative(ROOT, a)).sort()).toEqual(['manifests/button-toggle/manifest.json', 'manifests/door-detector/manifest.json', 'manifests/fleet-device/manifest.json', 'manifests/host-check/manifest.json', 'manifests/lux-demo/manifest.json']);
    const stale = apps.filter((a) => !appModulesFresh(a));
    expect(stale.map((a) => relative(ROOT, a))).toEqual([]);
  });

  test.each(TARGETS)('lux demo on %s: the firmware compiles only the project modules the app imports', (target) => {
    const r = resolveApp('manifests/lux-demo/manifest.json', target);
    // Reached from main and the preloaded host entry (and the network module and the runtime's Wi-Fi setup where the target has them).
    const entries = ['main', 'thingflow/hosts/moddable/index', 'thingflow/hosts/moddable/network', 'setup/network'].map((n) => r.modules.get(n)).filter((p) => p !== undefined);
    const { reached } = unresolvedImports(r, target, ...entries);
    const ours = [...r.modules.entries()].filter(([name]) => name.startsWith('thingflow/') || name.startsWith('thingflow-board/'));
    const unused = ours.filter(([, p]) => !reached.has(p)).map(([name]) => name);
    expect(reached.size).toBeGreaterThan(15);
    expect(unused).toEqual([]);
    // None of the parts the demo does not use on a board: no other filter, no MQTT client, no WoT, no barrel.
    const names = ours.map(([name]) => name);
    expect(names.filter((n) => /runtime\/(index|wot\/thing|mqtt\/client\/mqtt-client|filters\/(index|where|kalman))$/.test(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['thingflow/runtime/filters/map', 'thingflow/runtime/filters/running-avg', 'thingflow/runtime/filters/hysteresis', 'thingflow/runtime/sensors/tsl2591']));
  });

  const BOARD_APPS: [string, string[]][] = [
    ['door-detector', ['thingflow/examples/door-model', 'thingflow/runtime/filters/scan', 'thingflow/runtime/filters/distinct-until-changed', 'thingflow/runtime/sensors/adxl345', 'thingflow/runtime/sensors/tsl2591']],
    ['button-toggle', ['thingflow/runtime/edges/digital-edge-source', 'thingflow/runtime/filters/scan', 'thingflow/runtime/sensors/digital-output']],
  ];
  test.each(BOARD_APPS.flatMap(([app, uses]) => BOARD_TARGETS.map((t) => [app, t, uses] as const)))('%s on %s: resolves without error, imports only what it uses, every module offered there, no network', (app, target, uses) => {
    const r = resolveApp(`manifests/${app}/manifest.json`, target);
    expect(r.errors).toEqual([]);
    const entries = ['main', 'thingflow/hosts/moddable/index'].map((n) => r.modules.get(n)!);
    const { reached, unresolved } = unresolvedImports(r, target, ...entries);
    expect(unresolved).toEqual([]);
    const ours = [...r.modules.entries()].filter(([name]) => name.startsWith('thingflow/'));
    expect(ours.filter(([, p]) => !reached.has(p)).map(([name]) => name)).toEqual([]);
    const names = ours.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(uses));
    // The simulator and the rest of the runtime stay on the desktop.
    expect(names.filter((n) => /^thingflow\/(sim\/|runtime\/(index|mqtt|wot)|hosts\/moddable\/network)/.test(n))).toEqual([]);
    expect(r.sdkIncludes.has(NET)).toBe(false);
  });

  test.each(BOARD_APPS.map(([app]) => app))('%s on lin: the build stops with an error that says where it runs instead', (app) => {
    expect(resolveApp(`manifests/${app}/manifest.json`, 'lin').errors.join('\n')).toMatch(/esp32, pico, pico\/pico_w and pico\/pico_2_w only/);
  });

  test.each([...TARGETS.flatMap((t) => [['lux-demo', t], ['host-check', t]]).filter(([app, t]) => app === 'lux-demo' || t !== 'pico'), ...BOARD_APPS.flatMap(([app]) => BOARD_TARGETS.map((t) => [app, t]))])('%s on %s: every runtime module compiled is preloaded (a filter evaluated at run time cannot add its fluent method to the frozen OutputThing.prototype)', (app, target) => {
    const r = resolveApp(`manifests/${app}/manifest.json`, target as Target);
    const runtime = [...r.modules.keys()].filter((n) => n.startsWith('thingflow/runtime/'));
    expect(runtime.length).toBeGreaterThan(10);
    expect(runtime.filter((n) => !r.preloads.has(n))).toEqual([]);
  });

  test('lux demo: the network is a per-target choice (esp32, pico/pico_w, pico/pico_2_w, lin get it; the plain pico does not)', () => {
    const withNet = (t: Target) => resolveApp('manifests/lux-demo/manifest.json', t).modules.has('thingflow/hosts/moddable/network');
    expect(TARGETS.filter(withNet)).toEqual([...NETWORK_TARGETS]);
    const pico = resolveApp('manifests/lux-demo/manifest.json', 'pico');
    expect(pico.sdkIncludes.has(NET)).toBe(false);
    expect([...pico.modules.keys()].filter((n) => n.includes('mqtt-transport'))).toEqual([]);
  });

  test.each(NETWORK_TARGETS)('host-check on %s: the MQTT transport, WoT server and their SDK modules are offered', (target) => {
    const r = resolveApp('manifests/host-check/manifest.json', target);
    expect(r.errors).toEqual([]);
    const { unresolved } = unresolvedImports(r, target, r.modules.get('main')!);
    expect(unresolved).toEqual([]);
    expect(unresolvedImports(r, target, r.modules.get('thingflow/hosts/moddable/network')!).unresolved).toEqual([]);
  });

  test('every app and the bench floor get the pico port\'s mends (pico-port.json) on every Pico target and only there, lwIP\'s timers and the radio bus\'s sleep on those with the CYW43 radio; the C wraps what the linker is told to', () => {
    const port = load('manifests/pico-port.json').platforms!.pico as { build: { LDFLAGS: string }; modules: { '*': string[] } };
    const mends = port.modules['*'].map((m) => resolve(ROOT, 'manifests', m));
    expect(mends.map((m) => relative(ROOT, m))).toEqual(['hosts/moddable/pico/sleep-between-wakes', 'hosts/moddable/pico/time-of-day', 'hosts/moddable/pico/i2c-stale-abort', 'hosts/moddable/pico/heap-lock', 'hosts/moddable/pico/slot-copy']);
    // heap-lock.c replaces newlib's (empty) heap lock outright: both halves, or the linker would also take newlib's file and find each twice.
    const heapLock = readFileSync(resolve(ROOT, 'hosts/moddable/pico/heap-lock.c'), 'utf8');
    expect([...heapLock.matchAll(/^void (__malloc_lock|__malloc_unlock)\(struct _reent \*reent\)$/gm)].map((m) => m[1])).toEqual(['__malloc_lock', '__malloc_unlock']);
    for (const path of MANIFESTS.filter((p) => /\/manifest\.json$/.test(p))) {
      const mended = (t: Target) => mends.every((m) => resolveApp(path, t).modules.get(m.slice(m.lastIndexOf('/') + 1)) === m);
      expect(`${path}: ${TARGETS.filter(mended).join(' ')}`).toBe(`${path}: pico pico/pico_w pico/pico_2_w`);
    }
    // One list in both places: each name LDFLAGS wraps has its __wrap_ in one of the C files, or a --defsym pointing its
    // __wrap_ at a function of theirs (the pico-sdk's mem_ops_aeabi.S, linked unused, has __wrap_memcpy and __wrap_memset
    // already), and no other is defined.
    const wrapsOf = (section: { build: { LDFLAGS: string } }) => {
      expect(section.build.LDFLAGS).toMatch(/^-Wl,--(wrap=\w+|defsym=__wrap_\w+=\w+)(,--(wrap=\w+|defsym=__wrap_\w+=\w+))*$/); // one word: mcconfig escapes spaces in a build variable
      return [...section.build.LDFLAGS.matchAll(/--wrap=(\w+)/g)].map((m) => m[1]).sort();
    };
    const definedIn = (files: string[], section: { build: { LDFLAGS: string } }) => {
      const c = files.map((m) => readFileSync(`${m}.c`, 'utf8')).join('\n');
      const redirected = [...section.build.LDFLAGS.matchAll(/--defsym=__wrap_(\w+)=(\w+)/g)].map(([, name, to]) => {
        expect(c).toMatch(new RegExp(`^\\w+ \\*?${to}\\(`, 'm'));
        return name;
      });
      return [...c.matchAll(/^\w+ \*?__wrap_(\w+)\(/gm)].map((x) => x[1]).concat(redirected).sort();
    };
    const wrapped = wrapsOf(port);
    expect(definedIn(mends, port)).toEqual(wrapped);
    expect(wrapped).toEqual(expect.arrayContaining(['modMessageService', 'i2c_write_blocking_until', 'modGetTimeOfDay', 'modSetTime', 'memcpy', 'memset']));
    // The boards with the CYW43 radio: mcconfig takes their own section instead, the same mends, lwIP's timers (lwip-timers.c)
    // and the radio bus's sleep (radio-bus-sleep.c), their wraps after the pico's.
    const radioMends = ['lwip-timers', 'radio-bus-sleep'].map((m) => resolve(ROOT, 'hosts/moddable/pico', m));
    for (const board of ['pico/pico_w', 'pico/pico_2_w']) {
      const radio = load('manifests/pico-port.json').platforms![board] as typeof port;
      expect(radio.modules['*'].map((m) => resolve(ROOT, 'manifests', m))).toEqual([...mends, ...radioMends]);
      expect(radio.build.LDFLAGS.startsWith(`${port.build.LDFLAGS},`)).toBe(true);
      expect(definedIn([...mends, ...radioMends], radio)).toEqual(wrapsOf(radio));
      expect(wrapsOf(radio)).toEqual(expect.arrayContaining(['sys_timeouts_init', 'tcp_timer_needed', 'igmp_input', 'cyw43_schedule_internal_poll_dispatch']));
    }
    for (const path of MANIFESTS.filter((p) => /\/manifest\.json$/.test(p))) {
      const radioMended = (t: Target) => radioMends.every((m) => resolveApp(path, t).modules.get(m.slice(m.lastIndexOf('/') + 1)) === m);
      expect(`${path}: ${TARGETS.filter(radioMended).join(' ')}`).toBe(`${path}: pico/pico_w pico/pico_2_w`);
    }
  });

  test('on the boards with the CYW43 radio a networked app\'s lwIP calls hold the radio\'s lock (lwip-lock.c): its wraps join the pico port\'s in the one LDFLAGS, and the C wraps exactly those', () => {
    // The radio boards' port section (the pico's wraps and lwIP's timers'): the same on both.
    const port = (load('manifests/pico-port.json').platforms!['pico/pico_w'] as { build: { LDFLAGS: string } }).build.LDFLAGS;
    expect((load('manifests/pico-port.json').platforms!['pico/pico_2_w'] as { build: { LDFLAGS: string } }).build.LDFLAGS).toBe(port);
    const lock = resolve(ROOT, 'hosts/moddable/pico/lwip-lock');
    const source = readFileSync(`${lock}.c`, 'utf8');
    // Wrapped by the LOCKED macros, or by hand (tcp_close, tcp_abort, netif_get_by_index: its return type is a struct's pointer).
    const defined = [...source.matchAll(/^LOCKED(?:_VOID)?\((?:[^,]+, )?(\w+),/gm), ...source.matchAll(/^(?:struct )?\w+ \*?__wrap_(\w+)\(/gm)].map((m) => m[1]).sort();
    expect(defined).toEqual(expect.arrayContaining(['tcp_close', 'tcp_abort', 'netif_get_by_index']));
    expect(defined).toEqual(expect.arrayContaining(['tcp_connect', 'tcp_write', 'tcp_output', 'udp_sendto', 'dns_gethostbyname']));
    for (const board of ['pico/pico_w', 'pico/pico_2_w']) {
      const net = load('manifests/thingflow-net.json').platforms![board] as { build: { LDFLAGS: string } };
      // A build variable is set, not appended: this one carries the pico port's wraps, then the lock's.
      expect(net.build.LDFLAGS.startsWith(`${port},`)).toBe(true);
      expect([...net.build.LDFLAGS.slice(port.length).matchAll(/--wrap=(\w+)/g)].map((m) => m[1]).sort()).toEqual(defined);
      const r = resolveApp('manifests/fleet-device/manifest.json', board as Target);
      expect(r.modules.get('lwip-lock')).toBe(lock);
      expect(r.build.get('LDFLAGS')).toBe(net.build.LDFLAGS);
    }
    // Not on a target without the radio, nor in an app without the network.
    expect(resolveApp('manifests/fleet-device/manifest.json', 'esp32').modules.has('lwip-lock')).toBe(false);
    expect(resolveApp('manifests/door-detector/manifest.json', 'pico/pico_w').modules.has('lwip-lock')).toBe(false);
    expect(resolveApp('manifests/door-detector/manifest.json', 'pico/pico_w').build.get('LDFLAGS')).toBe(port);
  });

  test('on the boards with the CYW43 radio a networked app joins Wi-Fi with the runtime\'s setup/network (hosts/moddable/setup-network: the app starts without the network, a failed join or a dropped link is tried again); the SDK\'s, which joins once, is excluded', () => {
    const ours = resolve(ROOT, 'hosts/moddable/setup-network');
    for (const board of ['pico/pico_w', 'pico/pico_2_w'] as const) {
      const section = load('manifests/thingflow-net.json').platforms![board] as Manifest;
      // And the SDK's sntp, which reads whole seconds: hosts/moddable/sntp-client asks the time to the millisecond.
      expect(section.modules!['~']).toEqual(['$(BUILD)/devices/pico/setup/network', '$(MODULES)/network/sntp/*']);
      // socketWritesAfterFin: lwip-lock.c keeps a served connection's sent and error callbacks past the peer's FIN (the WoT server answers a half-closed client).
      expect(section.config).toEqual({ wifiWaitMs: 15000, sntpResyncMs: 21_600_000, socketWritesAfterFin: true });
      // Moddable's listener queues 4 accepted connections by default, fewer than lwIP's 5 pcbs: one more was left with no owner.
      expect(section.defines).toEqual({ socket: { listenerQueue: 8 } });
      for (const app of ['manifests/fleet-device/manifest.json', 'manifests/lux-demo/manifest.json', 'manifests/host-check/manifest.json']) {
        const r = resolveApp(app, board);
        expect({ app, board, setup: r.modules.get('setup/network') }).toEqual({ app, board, setup: ours });
        expect(r.excluded).toEqual(new Set(['$(BUILD)/devices/pico/setup/network', '$(MODULES)/network/sntp/*']));
        expect(unresolvedImports(r, board, ours).unresolved).toEqual([]);
      }
    }
    // An ESP32's lwIP makes up to 8 TCP pcbs (Moddable's esp32 sdkconfig.defaults, CONFIG_LWIP_MAX_ACTIVE_TCP): its queue holds them and the sockets without a connection.
    expect((load('manifests/thingflow-net.json').platforms!.esp32 as Manifest).defines).toEqual({ socket: { listenerQueue: 16 } });
    expect(resolveApp('manifests/fleet-device/manifest.json', 'esp32').defines).toContainEqual({ socket: { listenerQueue: 16 } });
    // esp32 keeps the SDK's (not run here), lin has no setup step; an app without the network has none.
    for (const target of ['esp32', 'lin'] as const) expect(resolveApp('manifests/fleet-device/manifest.json', target).modules.has('setup/network')).toBe(false);
    expect(resolveApp('manifests/door-detector/manifest.json', 'pico/pico_w').modules.has('setup/network')).toBe(false);
  });

  // Without the SDK its manifests are not followed: the test above checks the exclusion by name alone.
  const sdkForExclusion = process.env.MODDABLE;
  const withSdk = sdkForExclusion !== undefined && existsSync(join(sdkForExclusion, 'build/devices/pico/setup/network.js')) ? test : test.skip;
  withSdk('with the SDK: a "~" entry excludes its source whatever name another manifest gives it (mcconfig marks it taken before any module is added)', () => {
    const sdk = sdkForExclusion!;
    const r = resolveManifest(join(ROOT, 'manifests/fleet-device/manifest.json'), 'pico/pico_w', sdk);
    expect(r.modules.get('setup/network')).toBe(resolve(ROOT, 'hosts/moddable/setup-network'));
    expect([...r.modules.values()].filter((p) => p === join(sdk, 'build/devices/pico/setup/network'))).toEqual([]);
    // A folder's pattern takes all its sources: the SDK's sntp, which its manifest_net names and preloads.
    expect(resolveManifest(join(ROOT, 'manifests/fleet-device/manifest.json'), 'esp32', sdk).modules.get('sntp')).toBe(join(sdk, 'modules/network/sntp/sntp'));
    expect(r.modules.has('sntp')).toBe(false);
  });

  test.each(NETWORK_TARGETS)('fleet device on %s: resolves with the network, imports only what it uses, every module offered there', (target) => {
    const r = resolveApp('manifests/fleet-device/manifest.json', target);
    expect(r.errors).toEqual([]);
    const entries = ['main', 'thingflow/hosts/moddable/index', 'thingflow/hosts/moddable/network', 'setup/network'].map((n) => r.modules.get(n)).filter((p) => p !== undefined);
    const { reached, unresolved } = unresolvedImports(r, target, ...entries);
    expect(unresolved).toEqual([]);
    const ours = [...r.modules.entries()].filter(([name]) => name.startsWith('thingflow/') || name.startsWith('thingflow-board/'));
    expect(ours.filter(([, p]) => !reached.has(p)).map(([name]) => name)).toEqual([]);
    const names = ours.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['thingflow/runtime/mqtt/client/mqtt-client', 'thingflow/runtime/wot-mqtt/mqtt-thing-binding', 'thingflow/hosts/moddable/mqtt-transport', 'thingflow/runtime/sensors/tsl2591']));
    // No WoT HTTP server, no barrel, and the simulator only on lin (as the board's device).
    expect(names.filter((n) => /runtime\/(index|wot\/request-handler)$|hosts\/moddable\/wot-server/.test(n))).toEqual([]);
    expect(names.some((n) => n.startsWith('thingflow/sim/'))).toBe(target === 'lin');
    expect([...r.modules.keys()].filter((n) => n.startsWith('thingflow/runtime/') && !r.preloads.has(n))).toEqual([]);
  });

  test('fleet device on a plain pico: the build stops with an error that it needs a network', () => {
    expect(resolveApp('manifests/fleet-device/manifest.json', 'pico').errors.join('\n')).toMatch(/no network|needs a network/);
  });

  test('the network on a plain pico: the build stops with an error naming the missing module', () => {
    for (const path of ['manifests/thingflow-net.json', 'manifests/host-check/manifest.json']) {
      const r = resolveApp(path, 'pico');
      expect(r.errors.join('\n')).toMatch(/embedded:io\/socket\/tcp/);
    }
  });

  test('the check fails where the target lacks a module: the MQTT transport does not resolve on a plain pico', () => {
    // What the lux demo was before: thingflow.json's modules with the transport, on pico.
    const r = resolveApp('manifests/lux-demo/manifest.json', 'pico');
    r.modules.set('thingflow/hosts/moddable/mqtt-transport', join(ROOT, 'hosts/moddable/mqtt-transport'));
    r.modules.set('thingflow/hosts/moddable/in-flight', join(ROOT, 'hosts/moddable/in-flight'));
    const { unresolved } = unresolvedImports(r, 'pico', join(ROOT, 'hosts/moddable/mqtt-transport'));
    expect(unresolved).toEqual([
      'hosts/moddable/mqtt-transport.ts imports embedded:io/socket/tcp, which pico does not offer',
      'hosts/moddable/mqtt-transport.ts imports net, which pico does not offer',
    ]);
  });

  test.each(['lux-demo', 'door-detector', 'button-toggle', 'fleet-device'])('%s: the boards\' settings from manifests/boards.json (device provider, pins, USB console), a creation heap', (app) => {
    const m = load(`manifests/${app}/manifest.json`);
    expect(asList(m.include)).toContain('../boards.json');
    // Nothing of the boards' left in the app's own sections (one place to change a board's pins).
    for (const section of [m, ...Object.values(m.platforms ?? {})]) {
      expect(Object.keys(section.config ?? {}).filter((k) => ['led', 'alert', 'button', 'i2c'].includes(k))).toEqual([]);
      expect(Object.keys(section.modules ?? {})).not.toContain('thingflow-board/device');
    }
    expect(m.creation?.main).toBe('main');
    expect(m.creation?.heap?.initial).toBeGreaterThan(0);
    expect(m.creation?.chunk?.initial).toBeGreaterThan(0);
  });

  test('manifests/boards.json: each board the LED pin and I2C bus it really uses (its own device wins over config), the device provider, the USB console wait on Pico targets', () => {
    const boards = load('manifests/boards.json');
    const expected: { [p: string]: [number, number, number] } = { esp32: [2, 21, 22], pico: [25, 4, 5], 'pico/pico_w': [32, 2, 3], 'pico/pico_2_w': [32, 2, 3] };
    for (const [platform, [led, data, clock]] of Object.entries(expected)) {
      const config = boards.platforms?.[platform]?.config as { led?: unknown; i2c?: { data?: unknown; clock?: unknown } } | undefined;
      expect([platform, config?.led, config?.i2c?.data, config?.i2c?.clock]).toEqual([platform, led, data, clock]);
      expect([platform, (boards.platforms?.[platform] as { defines?: { pico?: { usb?: number } } }).defines?.pico?.usb]).toEqual([platform, platform === 'esp32' ? undefined : 1]);
    }
    for (const target of TARGETS) expect(resolveApp('manifests/boards.json', target).modules.get('thingflow-board/device')).toBe(join(ROOT, `manifests/device/${target === 'lin' ? 'lin' : 'board'}`));
  });

  test('a Pico with the CYW43 radio compiles its LED and radio GPIO in: WIFI_GPIO reaches the C compiler on pico/pico_w and pico/pico_2_w, for every app, and nowhere else', () => {
    // SDK 8.2.3's make.pico.mk reads WIFI_GPIO (the board's manifest sets it) as a make variable only, while
    // modules/io/digital/pico/digitalbank.c writes pin 32, the LED on the radio, only `#if WIFI_GPIO`: without
    // it, `new Digital({ pin: 32, mode: Output })` is an input and its first write throws "can't write input".
    const generated = ['examples/lux-demo-flow.ts', 'examples/button-toggle.ts', 'examples/grow-light.ts', 'test/hosts/moddable/fixtures/mqtt-light-app.ts'].map((app) => relative(ROOT, writeAppFirmware(join(ROOT, app))));
    const apps = [...MANIFESTS.filter((p) => /\/manifest\.json$/.test(p) && !/host-check|bench\//.test(p)), ...generated];
    for (const path of apps) {
      const passed = (t: Target) => /(^|\s)-DWIFI_GPIO=1(\s|$)/.test(resolveApp(path, t).build.get('PICO_C_DEFINES') ?? '');
      expect(`${path}: ${BOARD_TARGETS.filter(passed).join(' ')}`).toBe(`${path}: pico/pico_w pico/pico_2_w`);
    }
  });

  test('a Pico 2 W is a Pico W with another chip: every manifest gives pico/pico_2_w what it gives pico/pico_w (a section of its own, else it would fall to the plain pico\'s: no network)', () => {
    const resolvedAs = (path: string, target: Target) => {
      const r = resolveApp(path, target);
      return { modules: [...r.modules.entries()].sort(), preloads: [...r.preloads].sort(), sdkIncludes: [...r.sdkIncludes].sort(), errors: r.errors };
    };
    const generated = ['examples/lux-demo-flow.ts', 'examples/button-toggle.ts', 'test/hosts/moddable/fixtures/mqtt-light-app.ts'].map((app) => relative(ROOT, writeAppFirmware(join(ROOT, app))));
    for (const path of [...MANIFESTS, ...generated]) {
      expect([path, resolvedAs(path, 'pico/pico_2_w')]).toEqual([path, resolvedAs(path, 'pico/pico_w')]);
      // Sections alike but for their notes: the pins, console wait and includes of boards.json and the apps.
      const { note: _w, ...picoW } = (load(path).platforms?.['pico/pico_w'] ?? {}) as Manifest & { note?: string };
      const { note: _2w, ...pico2W } = (load(path).platforms?.['pico/pico_2_w'] ?? {}) as Manifest & { note?: string };
      expect([path, pico2W]).toEqual([path, picoW]);
    }
    expect(resolveApp('manifests/lux-demo/manifest.json', 'pico/pico_2_w').modules.has('thingflow/hosts/moddable/mqtt-transport')).toBe(true);
  });

  describe('an app built from its source alone (npm run firmware -- <target> app.ts: tools/app-firmware.ts writes its entry and manifest)', () => {
    const generated = (app: string) => relative(ROOT, writeAppFirmware(join(ROOT, app)));
    /** The project's modules (not main, the SDK's or the pico port's C mends). */
    const names = (r: Resolved) => [...r.modules.keys()].filter((n) => n.startsWith('thingflow')).sort();

    test.each(TARGETS)('the lux demo\'s flow on %s: what the hand-written manifests/lux-demo compiles on a plain pico (it needs no network, so gets none; lin adds its simulated board), every import offered', (target) => {
      const g = resolveApp(generated('examples/lux-demo-flow.ts'), target);
      const h = resolveApp('manifests/lux-demo/manifest.json', 'pico');
      expect(g.errors).toEqual([]);
      const board = (list: string[]) => (target === 'lin' ? list.filter((n) => !n.startsWith('thingflow/sim/') && n !== 'thingflow/runtime/scheduler/virtual-clock') : list);
      expect(board(names(g))).toEqual(names(h));
      expect(board([...g.preloads].sort())).toEqual([...h.preloads].sort());
      expect(g.sdkIncludes.has(NET)).toBe(false);
      expect(names(g).some((n) => n.startsWith('thingflow/sim/'))).toBe(target === 'lin');
      expect(unresolvedImports(g, target, g.modules.get('main')!).unresolved).toEqual([]);
    });

    test.each(BOARD_TARGETS)('the button toggle on %s: what the hand-written manifest compiles, no network', (target) => {
      const g = resolveApp(generated('examples/button-toggle.ts'), target);
      expect(g.errors).toEqual([]);
      expect(names(g)).toEqual(names(resolveApp('manifests/button-toggle/manifest.json', target)));
      expect(g.sdkIncludes.has(NET)).toBe(false);
      expect(unresolvedImports(g, target, g.modules.get('main')!).unresolved).toEqual([]);
    });

    test.each(BOARD_TARGETS)('the grow light on %s: its two drivers and three filters, no network, every import offered', (target) => {
      const g = resolveApp(generated('examples/grow-light.ts'), target);
      expect(g.errors).toEqual([]);
      expect(names(g)).toEqual(expect.arrayContaining(['thingflow/runtime/sensors/bh1750', 'thingflow/runtime/sensors/mcp9808', 'thingflow/runtime/filters/map', 'thingflow/runtime/filters/running-avg', 'thingflow/runtime/filters/hysteresis']));
      expect(names(g).filter((n) => /sensors\/(tsl2591|tmp102|adxl345)$|\/(mqtt|wot)\//.test(n))).toEqual([]);
      expect(g.sdkIncludes.has(NET)).toBe(false);
      expect(unresolvedImports(g, target, g.modules.get('main')!).unresolved).toEqual([]);
    });

    test('an app whose imports reach the MQTT client gets the network where the target has one; on a plain pico the build stops saying it needs one', () => {
      const manifest = generated('test/hosts/moddable/fixtures/mqtt-light-app.ts');
      for (const target of NETWORK_TARGETS) {
        const r = resolveApp(manifest, target);
        expect(r.errors).toEqual([]);
        expect(names(r)).toEqual(expect.arrayContaining(['thingflow/runtime/mqtt/client/mqtt-client', 'thingflow/hosts/moddable/network']));
        expect(unresolvedImports(r, target, r.modules.get('main')!, r.modules.get('thingflow/hosts/moddable/network')!).unresolved).toEqual([]);
      }
      expect(resolveApp(manifest, 'pico').errors.join('\n')).toMatch(/mqtt-light-app\.ts needs a network .*: build it for esp32, pico\/pico_w, pico\/pico_2_w or lin/);
      // An app that does not reach it builds for the plain pico.
      expect(resolveApp(generated('examples/lux-demo-flow.ts'), 'pico').errors).toEqual([]);
    });

    test('in a project with the package installed: the app\'s modules under app/, the runtime\'s once each from the package and only those it uses (thingflow-xs/runtime narrowed to its imports and fluent methods; a namespace import gets it whole); lin refused; a Node-only or unknown import refused with why', () => {
      const project = mkdtempSync(join(tmpdir(), 'thingflow-project-'));
      const packageRoot = join(project, 'node_modules/thingflow-xs');
      const app = join(project, 'src/app.ts');
      const build = () => writeAppFirmware(app, { packageRoot });
      const onBoards = (manifest: string) => BOARD_TARGETS.map((target) => {
        const r = resolveManifest(manifest, target);
        expect([target, r.errors]).toEqual([target, []]);
        expect([target, unresolvedImports(r, target, r.modules.get('main')!).unresolved]).toEqual([target, []]);
        expect([...r.modules.values()].filter((path) => !path.startsWith('$(') && !path.startsWith(project) && !path.startsWith(ROOT))).toEqual([]);
        return { target, r, names: [...r.modules.keys()] };
      });
      try {
        mkdirSync(join(project, 'node_modules'));
        symlinkSync(ROOT, packageRoot); // as npm install lays it out; its manifests, hosts/moddable and runtime sources ship in the package
        writeFileSync(join(project, 'package.json'), '{ "name": "my-board", "type": "module" }\n');
        mkdirSync(join(project, 'src'));
        writeFileSync(join(project, 'src/threshold.ts'), 'export const DARK = 80;\n');
        writeFileSync(app, [
          "import { DigitalOutput, TSL2591, ecma419Source } from 'thingflow-xs/runtime';",
          "import type { SimAppContext } from 'thingflow-xs/sim';",
          "import { DARK } from './threshold.js'; // NodeNext writes the extension; XS drops it",
          'export default function app({ device, scheduler }: SimAppContext): void {',
          "  const light = ecma419Source(new TSL2591({ sensor: { ...device.I2C.default, io: device.io.SMBus } }), 'illuminance', { readErrors: 'skip' });",
          '  light.map((e) => (e.val as number) < DARK).connect(new DigitalOutput({ io: device.io.Digital, pin: device.pin.led }));',
          '  scheduler.schedulePeriodic(light, 60);',
          '}',
          '',
        ].join('\n'));
        const manifest = build();
        expect(relative(project, manifest)).toBe(join('out/firmware-apps/app-app/manifest.json'));
        for (const { target, r, names } of onBoards(manifest)) {
          expect(names).toEqual(expect.arrayContaining(['app/src/app', 'app/src/threshold', 'thingflow-xs/runtime', 'thingflow/runtime/sensors/tsl2591', 'thingflow/runtime/sensors/digital-output', 'thingflow/runtime/filters/map', 'thingflow/hosts/moddable/index', 'thingflow-board/device']));
          // Only what it uses: no barrel, no other filter or sensor, no MQTT, so no network anywhere.
          expect(names.filter((n) => /^thingflow\/runtime\/(index|filters\/(where|running-avg)|sensors\/tmp102|mqtt\/)/.test(n))).toEqual([]);
          expect([target, r.sdkIncludes.has(NET) || r.sdkIncludes.has(IO_PICO_NET)]).toEqual([target, false]);
        }
        expect(resolveManifest(manifest, 'lin').errors.join('\n')).toMatch(/lin needs a thingflow-xs checkout/);

        // A namespace import: what it uses cannot be read, so the whole runtime, and the network where the target has one.
        writeFileSync(app, readFileSync(app, 'utf8').replace("import { DigitalOutput, TSL2591, ecma419Source } from 'thingflow-xs/runtime';", "import * as tf from 'thingflow-xs/runtime';\nconst { DigitalOutput, TSL2591, ecma419Source } = tf;"));
        for (const { target, r, names } of onBoards(build())) {
          expect(names).toEqual(expect.arrayContaining(['thingflow/runtime/index', 'thingflow/runtime/mqtt/client/mqtt-client']));
          expect([target, r.sdkIncludes.has(NET) || r.sdkIncludes.has(IO_PICO_NET)]).toEqual([target, target !== 'pico']);
        }

        writeFileSync(app, "import { NoSuchThing } from 'thingflow-xs/runtime';\nexport default function app(): void {\n  void NoSuchThing;\n}\n");
        expect(build).toThrow(/src\/app\.ts imports 'NoSuchThing' from 'thingflow-xs\/runtime', which exports no such name/);
        writeFileSync(app, "import { DARK } from './threshold.js';\nexport default function app(): number {\n  return DARK;\n}\n");
        writeFileSync(join(project, 'src/threshold.ts'), "import { Scheduler } from 'thingflow-xs';\nexport const DARK = 80;\nexport const made = Scheduler;\n");
        expect(build).toThrow(/src\/threshold\.ts imports 'thingflow-xs': on a board import the runtime from 'thingflow-xs\/runtime'/);
      } finally {
        rmSync(project, { recursive: true, force: true });
      }
    });

    test('an app outside a checkout, or with no default export, is refused with why', () => {
      const dir = mkdtempSync(join(tmpdir(), 'thingflow-app-'));
      try {
        writeFileSync(join(dir, 'app.ts'), 'export default function app(): void {}\n');
        expect(() => writeAppFirmware(join(dir, 'app.ts'))).toThrow(/outside a thingflow-xs checkout .*module names mirror the checkout's tree/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect(() => writeAppFirmware(join(ROOT, 'runtime/filters/map.ts'))).toThrow(/runtime\/filters\/map\.ts has no default export/);
      expect(() => writeAppFirmware(join(ROOT, 'examples/no-such-app.ts'))).toThrow(/no app at/);
    });
  });

  const sdk = process.env.MODDABLE;
  const haveSdk = sdk !== undefined && existsSync(join(sdk, 'tools/mcmanifest.js'));
  if (!haveSdk) console.log('manifests.test: SDK_OFFERS not checked against the SDK: set MODDABLE to a Moddable SDK 8.2.3 checkout');
  (haveSdk ? test : test.skip).each(TARGETS)('SDK_OFFERS for %s is what the SDK\'s manifests give', (target) => {
    const wrong: string[] = [];
    for (const [name, manifests] of Object.entries(SDK_OFFERS[target])) {
      for (const m of manifests) {
        if (m === '') continue;
        const r = resolveManifest(m.replace('$(MODDABLE)', sdk!), target, sdk);
        if (!r.modules.has(name)) wrong.push(`${m} does not give ${name} on ${target}`);
      }
    }
    // And what the table leaves out of a target, the target's io manifest does not give.
    const io = resolveManifest(IO.replace('$(MODDABLE)', sdk!), target, sdk);
    for (const name of ['embedded:io/socket/tcp', 'embedded:io/socket/listener']) {
      if (io.modules.has(name) !== (SDK_OFFERS[target][name]?.includes(IO) ?? false)) wrong.push(`${IO} on ${target}: ${name} ${io.modules.has(name) ? 'given' : 'not given'}`);
    }
    expect(wrong).toEqual([]);
  });
});
