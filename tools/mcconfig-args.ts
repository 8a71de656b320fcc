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
