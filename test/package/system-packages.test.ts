/**
 * One list of the system packages the full suite needs (test/support/system-tools.ts), and the two
 * places a person or CI installs them from: README.md's one command and .ci/run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALL_ALL, SYSTEM_PACKAGES } from '../support/system-tools';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

test("README.md gives the one command that installs every system package the tests need", () => {
  expect(read('README.md')).toContain(`\n${INSTALL_ALL}\n`);
});

test('.ci/run installs the same packages, then runs `npm ci` and `npm test`', () => {
  const ci = read('.ci/run');
  const apt = /apt-get install -y -qq ([^>\n]+?)\s*>/.exec(ci);
  expect(apt?.[1].split(/\s+/).sort()).toEqual([...SYSTEM_PACKAGES].sort());
  expect(ci).toMatch(/^npm ci\b/m);
  expect(ci).toMatch(/^npm test$/m);
});
