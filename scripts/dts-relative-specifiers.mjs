// The sources import each other without extensions (`'./clock'`), which is fine for the bundler
// that builds dist/*.js but not for consumers type-checking with moduleResolution Node16/NodeNext:
// there a relative import in an ESM .d.ts must name the file (`'./clock.js'`, `'./core/index.js'`),
// or TS2834 and every name re-exported through it goes missing. tsc copies the specifiers as
// written, so this rewrites them in dist/types after tsc, resolving each against the emitted files.
// A specifier that resolves to nothing fails the build.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'dist/types');
// `from '…'`, `import '…'`, `import('…')`, `declare module '…'`, with a relative specifier.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bdeclare\s+module\s+)(['"])(\.\.?(?:\/[^'"]*)?)\2/g;

function* declarationFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* declarationFiles(path);
    else if (name.endsWith('.d.ts')) yield path;
  }
}

function withExtension(file, specifier) {
  if (/\.(c|m)?js$/.test(specifier)) return specifier;
  const target = resolve(dirname(file), specifier);
  if (existsSync(`${target}.d.ts`)) return `${specifier}.js`;
  if (existsSync(join(target, 'index.d.ts'))) return `${specifier.replace(/\/$/, '')}/index.js`;
  throw new Error(`${relative(process.cwd(), file)}: '${specifier}' resolves to no declaration file`);
}

let rewritten = 0;
for (const file of declarationFiles(root)) {
  const text = readFileSync(file, 'utf8');
  const out = text.replace(SPECIFIER, (_, lead, quote, specifier) => `${lead}${quote}${withExtension(file, specifier)}${quote}`);
  if (out !== text) {
    writeFileSync(file, out);
    rewritten++;
  }
}
console.log(`dist/types: relative specifiers made explicit in ${rewritten} declaration files`);
