/**
 * Headless Chromium for the tests that render a page (playwright-core drives it; its own browser
 * download does not work here). Found from $CHROMIUM_PATH, else on PATH (chromium, chromium-browser,
 * google-chrome). Tests that render nothing launch nothing: `chromiumForTests` launches the browser
 * when a test first opens a page.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { needTool, type SystemTool } from './system-tools';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The browser to drive, or undefined when none is installed. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return executable(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of NAMES) {
      const p = join(dir, name);
      if (dir && executable(p)) return p;
    }
  }
  return undefined;
}

export const CHROMIUM: SystemTool = {
  name: 'chromium',
  install: 'sudo apt-get install -y chromium, or set CHROMIUM_PATH to a Chromium or Chrome binary',
  locate: chromiumPath,
};

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(`no Chromium found: ${CHROMIUM.install}`);
  return chromium.launch({ executablePath, args: ARGS });
}

export interface ChromiumForTests {
  /** `test` when Chromium is installed, else `test.skip` (one line says so; under CI=true, an error). */
  readonly test: jest.It;
  /** A new page; the first call launches the file's one browser. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Closes the browser if a test launched it (call from afterAll); a later `newPage` launches another. */
  close(): Promise<void>;
}

/** One lazily launched browser per test file; `skipped` names the tests that need it, for the skip line. */
export function chromiumForTests(skipped: string): ChromiumForTests {
  const available = needTool(CHROMIUM, skipped) !== undefined;
  let launched: Promise<Browser> | undefined;
  return {
    test: available ? test : test.skip,
    async newPage(options) {
      launched ??= launchChromium();
      return (await launched).newPage(options);
    },
    async close() {
      const browser = await launched?.catch(() => undefined); // a failed launch already failed its test
      launched = undefined; // a later describe in the same file launches afresh
      await browser?.close();
    },
  };
}
