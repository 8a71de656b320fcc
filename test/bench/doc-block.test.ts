/**
 * A benchmark writes its latest figures between its markers in a page and
 * touches nothing else; a page without a proper block is refused, unchanged;
 * the figures carry the commit they were measured on.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceDocBlock, writeBenchReport, writeDocBlock } from '../../bench/doc-block';

const PAGE = '# Perf\n\nhistory above\n<!-- bench:x begin -->\nold table\n<!-- bench:x end -->\nhistory below\n';

describe('a benchmark\'s block in its page', () => {
  test('the block is replaced, the text around it kept byte for byte; writing again gives the same page', () => {
    const once = replaceDocBlock(PAGE, 'bench:x', '| a | b |\n|---|---|\n| 1 | 2 |\n\n');
    expect(once).toBe('# Perf\n\nhistory above\n<!-- bench:x begin -->\n| a | b |\n|---|---|\n| 1 | 2 |\n<!-- bench:x end -->\nhistory below\n');
    expect(replaceDocBlock(once, 'bench:x', '| a | b |\n|---|---|\n| 1 | 2 |')).toBe(once);
  });

  test('no block, a block out of order or twice, another bench\'s block: an error naming the markers', () => {
    expect(() => replaceDocBlock('# Perf\n', 'bench:x', 't')).toThrow('no "<!-- bench:x begin -->" … "<!-- bench:x end -->" block');
    expect(() => replaceDocBlock('<!-- bench:x end -->\n<!-- bench:x begin -->\n', 'bench:x', 't')).toThrow(/once, begin before end/);
    expect(() => replaceDocBlock(`${PAGE}${PAGE}`, 'bench:x', 't')).toThrow(/once, begin before end/);
    expect(() => replaceDocBlock(PAGE, 'bench:y', 't')).toThrow(/bench:y begin/);
  });

  test('the file is written only when its block is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-docblock-'));
    try {
      const page = join(dir, 'performance.md');
      writeFileSync(page, PAGE);
      writeDocBlock(page, 'bench:x', 'new');
      expect(readFileSync(page, 'utf8')).toContain('<!-- bench:x begin -->\nnew\n<!-- bench:x end -->');
      writeFileSync(page, '# no block\n');
      expect(() => writeDocBlock(page, 'bench:x', 'new')).toThrow();
      expect(readFileSync(page, 'utf8')).toBe('# no block\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a benchmark\'s report written with the run it is', () => {
  test('under a line naming the commit; "with uncommitted changes" only when a file other than the page changed', () => {
    const repo = mkdtempSync(join(tmpdir(), 'tf-benchreport-'));
    const git = (...args: string[]) => spawnSync('git', ['-C', repo, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { encoding: 'utf8' }).stdout.trim();
    try {
      mkdirSync(join(repo, 'docs'));
      writeFileSync(join(repo, 'docs/performance.md'), PAGE.replace(/bench:x/g, 'bench:y'));
      writeFileSync(join(repo, 'runtime.ts'), 'export const x = 1;\n');
      git('init', '-q');
      git('add', '-A');
      git('commit', '-qm', 'start');
      const sha = git('rev-parse', '--short', 'HEAD');
      writeBenchReport(repo, 'bench:y', 'docs/performance.md', '| t |\n');
      const first = readFileSync(join(repo, 'docs/performance.md'), 'utf8');
      expect(first).toMatch(new RegExp(`<!-- bench:y begin -->\\nLatest run, written by \`npm run bench:y -- [^\`]*\`: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, commit ${sha}\\.\\n\\n\\| t \\|\\n<!-- bench:y end -->`));
      // The page now differs from the commit: a second run is still "commit <sha>." (the page is what it writes).
      writeBenchReport(repo, 'bench:y', 'docs/performance.md', '| t |\n');
      expect(readFileSync(join(repo, 'docs/performance.md'), 'utf8')).toMatch(`commit ${sha}.\n`);
      writeFileSync(join(repo, 'runtime.ts'), 'export const x = 2;\n');
      writeBenchReport(repo, 'bench:y', 'docs/performance.md', '| t |\n');
      expect(readFileSync(join(repo, 'docs/performance.md'), 'utf8')).toMatch(`commit ${sha} with uncommitted changes.\n`);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
