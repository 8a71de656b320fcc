/**
 * A benchmark writes its latest figures between its markers in a page and
 * touches nothing else; a page without a proper block is refused, unchanged.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceDocBlock, writeDocBlock } from '../../bench/doc-block';

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
