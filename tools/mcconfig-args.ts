import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
/**
 * mcconfig's command line for a build. `settings` are `name=value` config
 * properties, as mcconfig takes them (`ssid=... password=...` for a board's
 * Wi-Fi): they reach the app as `mc/config` strings.
 */
export function mcconfigArgs(target: string, buildDir: string, manifestPath: string, opts: { debug?: boolean; settings?: readonly string[] } = {}): string[] {
  return ['-m', '-p', target, '-t', 'build', '-o', buildDir, ...(opts.debug ? ['-d'] : []), ...(opts.settings ?? []), manifestPath];
}

/** A `name=value` argument of the command: a config property for mcconfig. */
export const isSetting = (arg: string): boolean => /^[A-Za-z_$][\w$.]*=/.test(arg);

/** The command line as the build prints it: the value of a setting that looks secret (`password=`, a key or token) masked, so a log does not hold it. */
export function shownArgs(args: readonly string[]): string {
  return args.map((a) => (isSetting(a) && /pass|secret|key|token/i.test(a.slice(0, a.indexOf('='))) ? `${a.slice(0, a.indexOf('=') + 1)}***` : a)).join(' ');
}

/**
 * mcconfig sets each `name=value` as a flat config property: `mqtt.host=...`
 * becomes `config["mqtt.host"]`, which an app reading `config.mqtt.host`
 * never sees, and the build says nothing. So a dotted name is a nested
 * property here: `flat` stays on mcconfig's command line, `nested` goes into
 * a manifest that includes the app's (`writeSettingsManifest`). A nested
 * value that reads as a number, `true` or `false` is one (a port), as in
 * the manifests; flat values stay strings, as mcconfig gives them.
 */
export function splitSettings(settings: readonly string[]): { flat: string[]; nested: Record<string, unknown> | undefined } {
  const flat: string[] = [];
  let nested: Record<string, unknown> | undefined;
  for (const s of settings) {
    const at = s.indexOf('=');
    const name = s.slice(0, at);
    if (!name.includes('.')) {
      flat.push(s);
      continue;
    }
    const raw = s.slice(at + 1);
    const value = /^-?(0|[1-9]\d*)(\.\d+)?$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
    const path = name.split('.');
    nested ??= {};
    let node = nested;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return { flat, nested };
}

/**
 * A manifest in `dir/<app>/` (the app's folder name: mcconfig names the build
 * after it) that includes the app's manifest and sets `config` on top:
 * mcconfig merges a manifest's config over what it includes, property by
 * property. Returns its path.
 */
export function writeSettingsManifest(manifestPath: string, config: Record<string, unknown>, dir: string): string {
  const folder = join(dir, basename(dirname(manifestPath)));
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'manifest.json');
  const note = 'Written by npm run firmware for the settings with dotted names on its command line: the app\'s manifest, with these nested config properties over its own.';
  writeFileSync(path, `${JSON.stringify({ note, include: [manifestPath], config }, null, '\t')}\n`);
  return path;
}
