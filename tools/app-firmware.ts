/**
 * An app built as firmware from its source alone, as the simulator runs one
 * (`thingflow-xs sim <app>`):
 *
 *   npm run firmware -- <pico | pico/pico_w | pico/pico_2_w | esp32 | lin> <app.ts>     (in a checkout)
 *   npx thingflow-xs firmware <pico | pico/pico_w | pico/pico_2_w | esp32> <app.ts>      (a project with the package installed)
 *
 * (or another board of the SDK, `pico/<board>`, `esp32/<board>`: tools/firmware-env.ts `baseTarget`)
 *
 * The app module's default export is the function the simulator calls with
 * its context (`SimApp`, sim/run.ts); on a board `runOnBoard` calls it with
 * the board's device, a scheduler on the board's clock and `trace` for its
 * log. This writes, under out/firmware-apps/app-<name>/ of the app's project,
 * the entry (main.ts) and the manifest a hand-written app would have
 * (manifests/lux-demo is one): Moddable's base, manifests/thingflow.json, the
 * boards' devices and pins (manifests/boards.json) and ./modules.json, the
 * modules the app imports (tools/app-modules.ts). An app whose imports reach
 * the MQTT client or a Web Thing server needs a network: it gets
 * manifests/thingflow-net.json on the targets that have one, and its plain
 * pico build stops with an error saying so; any other app gets no network
 * (smaller, no Wi-Fi at boot).
 *
 * In a checkout the app's module names mirror the checkout's tree
 * (`thingflow/examples/...`). In a project with the package installed they
 * mirror the project's tree under `app/`, the runtime's stay
 * `thingflow/runtime/...` (its sources ship in the package), and the app
 * imports the runtime from `thingflow-xs/runtime`, as on Node: on the board
 * that module is generated from what the app uses of it, so the firmware
 * carries only those modules; lin needs a checkout there (the simulated
 * board's sources do not ship).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { appModules, APP_MODULES_FILE, APP_PREFIX, folderAbove, rootOf, writeAppModules } from './app-modules';
import { RADIO_PICO_TARGETS } from './firmware-env';
import { emittedText, posixPath, relativeModule, sourceOf, walkImports } from './moddable-manifest';
import { barrelExports, barrelUse, fluentMethods } from './runtime-exports';

/** The checkout holding `file`: the nearest folder above it with manifests/thingflow.json; undefined outside one. */
const checkoutOf = (file: string) => folderAbove(file, ['manifests/thingflow.json', 'package.json']);

/** An app module's source file: TypeScript or JavaScript (`.ts`, `.mts`, `.js`, ...). */
export const APP_SOURCE = /\.[cm]?[tj]s$/;
const withoutExtension = (file: string) => file.replace(APP_SOURCE, '');

/** Where an app's generated entry and manifest go: out/firmware-apps/app-<name>/ of its project (its firmware is app-<name>.<target>.uf2). */
export function appFirmwareDir(project: string, appFile: string): string {
  return join(project, 'out/firmware-apps', `app-${withoutExtension(basename(appFile))}`);
}

/** Modules whose code needs a network at run time: the MQTT client, the boards' MQTT transport, a Web Thing server. */
const NEEDS_NETWORK = /^thingflow\/(runtime\/mqtt\/client\/|hosts\/moddable\/(mqtt-transport|wot-server|network)$)/;

/** What an app outside a checkout imports the runtime from (the package's `./runtime` export), and the module the firmware gives that name. */
const RUNTIME_SPECIFIER = 'thingflow-xs/runtime';
const RUNTIME_SHIM = 'thingflow-xs-runtime';

/** XS heap and chunks for the app: the lux demo's, or the fleet device's where a network client and its buffers may run too. */
function creation(network: boolean): object {
  return {
    static: 0,
    chunk: network ? { initial: 32768, incremental: 2048 } : { initial: 16384, incremental: 1024 },
    heap: network ? { initial: 4096, incremental: 512 } : { initial: 2048, incremental: 256 },
    stack: 512,
    keys: { initial: 64, incremental: 32, name: 53, symbol: 3 },
    parser: { buffer: 1024, table: 17 },
    main: 'main',
  };
}

interface AppPlan {
  /** The app as the user named it, for messages. */
  app: string;
  moduleName: string;
  /** The app's source, relative to the generated folder, without extension. */
  appPath: string;
  /** Outside a checkout, every module of the app's own (the app's too): name → emitted JavaScript in the generated folder. */
  ownModules: { [name: string]: string };
  /** Relative path from the generated folder to a file of the thingflow-xs tree. */
  rel: (file: string) => string;
  /** Outside a checkout: lin cannot be built; the runtime barrel is a shim module when the app imports it. */
  installed: boolean;
  importsRuntime: boolean;
}

/**
 * The network an app gets: `required` (its imports reach the MQTT client or a
 * Web Thing server: the targets with a network, and the plain pico refused),
 * `available` (it imports the whole runtime, a namespace import of
 * `thingflow-xs/runtime`, so its imports cannot say: the targets with a
 * network get it, the plain pico builds without), or `none`.
 */
type Network = 'required' | 'available' | 'none';

const NETWORK_NOTES: Record<Network, string> = {
  required: 'the app needs a network (its imports reach the MQTT client or a Web Thing server): manifests/thingflow-net.json on the targets that have one, and the plain pico stops the build',
  available: 'the app imports the whole runtime (a namespace import of thingflow-xs/runtime), MQTT client included, so the targets with a network get manifests/thingflow-net.json and the plain pico builds without one',
  none: 'the app needs no network and gets none',
};

/** `a, b or c`. */
const orList = (names: readonly string[]): string => `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;

function manifestFor(p: AppPlan, network: Network): object {
  const withNet = { include: [p.rel('manifests/thingflow-net.json')] };
  const noLin = { error: `${p.app}: lin needs a thingflow-xs checkout (the simulated board's sources are not in the package): build it for ${orList(['esp32', 'pico', ...RADIO_PICO_TARGETS])}` };
  const networked = network === 'none' ? {} : {
    esp32: withNet,
    ...Object.fromEntries(RADIO_PICO_TARGETS.map((t) => [t, withNet])),
    pico: network === 'required' ? { error: `${p.app} needs a network (its imports reach the MQTT client or a Web Thing server): build it for ${orList(['esp32', ...RADIO_PICO_TARGETS, ...(p.installed ? [] : ['lin'])])}` } : {},
  };
  // lin: never outside a checkout; else the network as on the boards.
  const lin = p.installed ? noLin : network === 'none' ? undefined : withNet;
  const platforms = { ...networked, ...(lin !== undefined ? { lin } : {}) };
  const shim = p.importsRuntime ? { [RUNTIME_SPECIFIER]: `./${RUNTIME_SHIM}` } : {};
  return {
    note: `Generated by \`firmware <target> ${p.app}\` (tools/app-firmware.ts) from the app's source: edit the app, not this file. The boards' devices and pins come from manifests/boards.json; ${NETWORK_NOTES[network]}.`,
    include: ['$(MODDABLE)/examples/manifest_base.json', p.rel('manifests/thingflow.json'), p.rel('manifests/boards.json'), `./${APP_MODULES_FILE}`],
    modules: { '*': './main', ...p.ownModules, [p.moduleName]: p.appPath, ...shim },
    preload: [p.moduleName, ...Object.keys(shim)],
    creation: creation(network !== 'none'),
    // Only an app that needs it gets the network: a firmware without it is smaller and does not join Wi-Fi at boot.
    ...(Object.keys(platforms).length > 0 ? { platforms } : {}),
  };
}

/** The entry; JavaScript (`typed` false) when the app's modules are: it imports one. */
const ENTRY = (moduleName: string, app: string, typed: boolean) => `/**
 * Generated by tools/app-firmware.ts: ${app} on a board, given the board's
 * device (\`thingflow-board/device\`: the global \`device\`, or the simulated
 * board on lin), a scheduler on the board's clock and \`trace\` for its log
 * by the Moddable host.
 */
import app from '${moduleName}';
import { runOnBoard } from 'thingflow/hosts/moddable/index';
import provider from 'thingflow-board/device';

export default function main()${typed ? ': void' : ''} {
  runOnBoard(app, {}, provider);
}
`;

/**
 * An app's own modules (the app and what it imports by relative paths), as
 * sources, and the bare specifiers they import with the file importing each.
 * Outside a checkout only `thingflow-xs/runtime` of the package can be on a board.
 */
function ownModules(app: string, project: string): { sources: string[]; imports: { spec: string; from: string }[] } {
  const imports: { spec: string; from: string }[] = [];
  const visited = walkImports([withoutExtension(app)], (spec, file, source) => {
    if (spec.startsWith('.')) return relativeModule(file, spec);
    imports.push({ spec, from: relative(project, source) });
    return undefined;
  }, (file) => {
    throw new Error(`firmware: ${relative(project, file)}: no .ts or .js source (imported by the app)`);
  });
  return { sources: [...visited].map((file) => sourceOf(file)!), imports };
}

/**
 * The module an app outside a checkout gets as `thingflow-xs/runtime`: what
 * it uses of the barrel (tools/runtime-exports.ts), each name re-exported
 * from the runtime module defining it and the filter modules of the fluent
 * methods its code names; or the whole barrel, for a namespace import.
 * Returns whether it is the whole barrel.
 */
function writeRuntimeShim(file: string, sources: string[], thingflow: string, project: string): boolean {
  const use = barrelUse(sources, RUNTIME_SPECIFIER);
  const moduleOf = (source: string) => `thingflow/${posixPath(relative(thingflow, source).replace(/\.ts$/, ''))}`;
  if (use.whole) {
    writeFileSync(file, `// The runtime as \`${RUNTIME_SPECIFIER}\` gives it on Node, every module of it: the app imports it whole (a namespace import), so what it uses cannot be read.\nexport * from 'thingflow/runtime/index';\n`);
    return true;
  }
  const exported = barrelExports(thingflow);
  const names = new Map<string, Set<string>>();
  for (const { name, from } of use.names) {
    const source = exported.get(name);
    if (source === undefined) throw new Error(`firmware: ${relative(project, from)} imports '${name}' from '${RUNTIME_SPECIFIER}', which exports no such name`);
    if (!names.has(source)) names.set(source, new Set());
    names.get(source)!.add(name);
  }
  const fluent = fluentMethods(thingflow);
  const filters = new Set([...use.properties].filter((p) => fluent.has(p)).map((p) => fluent.get(p)!));
  const lines = [
    `// What the app uses of \`${RUNTIME_SPECIFIER}\` (generated by tools/app-firmware.ts): the names it imports, and the filters of the fluent methods its code names.`,
    ...[...names].sort(([a], [b]) => a.localeCompare(b)).map(([source, n]) => `export { ${[...n].sort().join(', ')} } from '${moduleOf(source)}';`),
    ...[...filters].filter((f) => !names.has(f)).sort().map((f) => `import '${moduleOf(f)}';`),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return false;
}

/**
 * Write the entry, the manifest and its module list for `appFile`; returns
 * the manifest's path. `packageRoot` is the installed thingflow-xs package
 * an app outside a checkout builds with (the CLI passes its own).
 */
export function writeAppFirmware(appFile: string, opts: { packageRoot?: string } = {}): string {
  const abs = resolve(appFile);
  if (!existsSync(abs)) throw new Error(`firmware: no app at ${abs}`);
  const checkout = checkoutOf(abs);
  if (checkout === undefined && opts.packageRoot === undefined) {
    throw new Error(`firmware: ${abs} is outside a thingflow-xs checkout (no manifests/thingflow.json above it): the firmware's module names mirror the checkout's tree, so put the app in it (examples/, or a folder of your own), or build it with the package installed in its project (npx thingflow-xs firmware)`);
  }
  const thingflow = checkout ?? resolve(opts.packageRoot!);
  // The app's project: where its generated folder goes, and what app-modules names its modules after (rootOf too).
  const project = checkout ?? rootOf(abs);
  const inProject = relative(project, abs);
  if (!/export\s+default\b/.test(readFileSync(abs, 'utf8'))) {
    throw new Error(`firmware: ${inProject} has no default export: a board runs the app module's default export, the function the simulator calls with its context`);
  }
  const installed = checkout === undefined;
  const own = installed ? ownModules(abs, project) : undefined;
  let importsRuntime = false;
  for (const { spec, from } of own?.imports ?? []) {
    if (spec === RUNTIME_SPECIFIER) importsRuntime = true;
    else if (spec === 'thingflow-xs' || spec.startsWith('thingflow-xs/')) {
      throw new Error(`firmware: ${from} imports '${spec}': on a board import the runtime from '${RUNTIME_SPECIFIER}' ('thingflow-xs' is the Node host, 'thingflow-xs/sim' the simulator; a type-only import is fine)`);
    }
  }
  const noExt = (file: string) => withoutExtension(relative(project, file));
  const dir = appFirmwareDir(project, abs);
  mkdirSync(dir, { recursive: true });
  // Outside a checkout the app's own modules go in as JavaScript, types erased as for Node: the app is typed
  // against the package's declarations, which mcconfig's tsc, checking against the runtime's sources, would refuse.
  const ownJs: { [name: string]: string } = {};
  for (const source of own?.sources ?? []) {
    const js = join(dir, 'app', `${noExt(source)}.js`);
    mkdirSync(dirname(js), { recursive: true });
    writeFileSync(js, emittedText(source));
    ownJs[`${APP_PREFIX}${posixPath(noExt(source))}`] = `./app/${posixPath(noExt(source))}`;
  }
  const plan: AppPlan = {
    app: inProject,
    moduleName: `${installed ? APP_PREFIX : 'thingflow/'}${posixPath(noExt(abs))}`,
    appPath: installed ? `./app/${posixPath(noExt(abs))}` : posixPath(relative(dir, join(project, noExt(abs)))),
    ownModules: ownJs,
    rel: (file) => posixPath(relative(dir, join(thingflow, file))),
    installed,
    importsRuntime,
  };
  const manifest = join(dir, 'manifest.json');
  // Outside a checkout the entry is JavaScript too (it imports the app's JavaScript); the other one is removed.
  const [entry, stale] = installed ? ['main.js', 'main.ts'] : ['main.ts', 'main.js'];
  writeFileSync(join(dir, entry), ENTRY(plan.moduleName, inProject, !installed));
  rmSync(join(dir, stale), { force: true });
  const wholeRuntime = importsRuntime && writeRuntimeShim(join(dir, `${RUNTIME_SHIM}.ts`), own!.sources, thingflow, project);
  // Whether it needs a network is read from its imports: written without one first, then with the answer.
  const write = (network: Network) => writeFileSync(manifest, `${JSON.stringify(manifestFor(plan, network), null, '\t')}\n`);
  if (wholeRuntime) {
    write('available');
    writeAppModules(manifest);
    return manifest;
  }
  write('none');
  const modules = appModules(manifest);
  const reached = [...Object.keys(modules.modules), ...Object.values(modules.platforms ?? {}).flatMap((p) => Object.keys(p.modules))];
  if (reached.some((name) => NEEDS_NETWORK.test(name))) {
    write('required'); // the plain pico's section changed: its list is computed again
    writeAppModules(manifest);
  } else {
    writeAppModules(manifest, modules);
  }
  return manifest;
}
