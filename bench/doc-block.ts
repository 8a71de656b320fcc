/**
 * A benchmark's latest figures, written into its page by the benchmark itself
 * (`--write-docs`): the block between `<!-- <name> begin -->` and
 * `<!-- <name> end -->` is replaced, everything around it (the hand-written
 * history of earlier runs) is left as it was. A page without the markers, or
 * with them out of order or twice, is an error: nothing is written then.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `text` with the block `name` holding `content`. */
export function replaceDocBlock(text: string, name: string, content: string): string {
  const begin = `<!-- ${name} begin -->`;
  const end = `<!-- ${name} end -->`;
  const at = text.indexOf(begin);
  const until = text.indexOf(end);
  if (at < 0 || until < 0) throw new Error(`no "${begin}" … "${end}" block to write ${name}'s figures into`);
  if (until < at || text.indexOf(begin, at + 1) >= 0 || text.indexOf(end, until + 1) >= 0) {
    throw new Error(`the "${begin}" … "${end}" block must appear once, begin before end`);
  }
  return `${text.slice(0, at + begin.length)}\n${content.trimEnd()}\n${text.slice(until)}`;
}

/** Write `content` into the block `name` of the file `path`. */
export function writeDocBlock(path: string, name: string, content: string): void {
  writeFileSync(path, replaceDocBlock(readFileSync(path, 'utf8'), name, content));
}

/**
 * Write a benchmark's printed `report` into the block `script` of `page` (relative to the checkout `root`),
 * under a line saying which run it is: when, on which commit, with which arguments. A change to the page
 * itself is not counted as a change to what was measured (every written run makes one).
 */
export function writeBenchReport(root: string, script: string, page: string, report: string): void {
  const git = (...args: string[]) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' }).stdout.trim();
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', '.', `:!${page}`) !== '' ? ' with uncommitted changes' : '';
  const args = process.argv.slice(2).join(' ');
  const heading = `Latest run, written by \`npm run ${script} -- ${args}\`: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${git('rev-parse', '--short', 'HEAD')}${dirty}.`;
  writeDocBlock(join(root, page), script, `${heading}\n\n${report}`);
}

/** Print a benchmark's `report`; with `--write-docs` on its command line, also write it into its block of `page` (`writeBenchReport`). */
export function printBenchReport(root: string, script: string, page: string, report: string): void {
  process.stdout.write(report);
  if (!process.argv.includes('--write-docs')) return;
  writeBenchReport(root, script, page, report);
  process.stdout.write(`\nwritten into ${page}\n`);
}
