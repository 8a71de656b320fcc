/**
 * System tools some tests need that npm does not install: a browser, a second MQTT broker, a Python
 * MQTT peer. One mechanism for all of them: `needTool` finds the tool; when it is missing the test
 * file prints ONE line naming the tool and the command that installs it, and its tests that need the
 * tool are skipped; under `CI=true` a missing tool fails the file instead (CI installs every tool:
 * .ci/run), so a broken setup never passes as a skip.
 *
 * The line goes straight to stderr, not through console.warn: jest prints nothing of a file whose
 * tests are all skipped, console included.
 */

/** Debian packages for the whole suite, as README.md and .ci/run install them. */
export const SYSTEM_PACKAGES = ['mosquitto', 'python3-paho-mqtt', 'chromium', 'postgresql'] as const;
export const INSTALL_ALL = `sudo apt-get install -y ${SYSTEM_PACKAGES.join(' ')}`;

export interface SystemTool {
  /** What the line calls it: 'chromium'. */
  readonly name: string;
  /** How to get it: 'sudo apt-get install -y chromium, or set CHROMIUM_PATH'. */
  readonly install: string;
  /** Its path (or command), undefined when it is not installed. */
  locate(): string | undefined;
}

const reported = new Set<string>();

/**
 * The tool's path when it is installed. Otherwise: under CI, throws; else prints one line (once per
 * test file and tool) saying which tests are skipped and how to install the tool, and returns undefined.
 */
export function needTool(tool: SystemTool, skipped: string): string | undefined {
  const found = tool.locate();
  if (found) return found;
  if (isCI()) {
    throw new Error(`${tool.name} is not installed, and CI is set so ${skipped} may not be skipped. Install: ${tool.install}`);
  }
  const key = `${tool.name}\0${skipped}`;
  if (!reported.has(key)) {
    reported.add(key);
    process.stderr.write(`SKIPPED (no ${tool.name}): ${skipped}. Install: ${tool.install}\n`);
  }
  return undefined;
}

function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
