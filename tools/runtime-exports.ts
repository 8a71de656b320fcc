/**
 * What an app outside a checkout takes from `thingflow-xs/runtime`, the
 * runtime's barrel, so its firmware carries only that (tools/app-firmware.ts):
 * the names it imports, each from the runtime module that defines it, and the
 * filter modules whose fluent methods (`.map(`, `.runningAvg(`) its code
 * names. On Node the barrel brings every module and every fluent method; on a
 * board each module is flash, so the app gets the modules it uses, as an app
 * in a checkout that imports them one by one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { emittedModule } from './moddable-manifest';

/** Each name the runtime's barrel (runtime/index.ts) exports → the source file declaring it. */
export function barrelExports(thingflowRoot: string): Map<string, string> {
  const index = join(thingflowRoot, 'runtime/index.ts');
  const program = ts.createProgram([index], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(index)!);
  const found = new Map<string, string>();
  for (const exported of symbol === undefined ? [] : checker.getExportsOfModule(symbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = target.declarations?.[0];
    if (declaration !== undefined) found.set(exported.name, declaration.getSourceFile().fileName);
  }
  return found;
}

/** Each fluent method a runtime module installs (`addFluentMethod('map', ...)`) → that module's file. */
export function fluentMethods(thingflowRoot: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/addFluentMethod\('(\w+)'/g)) found.set(m[1], path);
      }
    }
  };
  walk(join(thingflowRoot, 'runtime'));
  return found;
}

export interface BarrelUse {
  /** Names imported from the barrel at run time (type-only imports are gone), with the file importing each. */
  names: { name: string; from: string }[];
  /** Property names the code reads or calls (`x.map(...)`): the fluent methods among them need their filter modules. */
  properties: Set<string>;
  /** A namespace import or a re-export of the whole barrel: what it uses cannot be read, so it gets all of it. */
  whole: boolean;
}

/** What `sources` (an app's own modules) use of the barrel `specifier`, read from their emitted JavaScript. */
export function barrelUse(sources: string[], specifier: string): BarrelUse {
  const use: BarrelUse = { names: [], properties: new Set(), whole: false };
  for (const source of sources) {
    const js = emittedModule(source);
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node)) use.properties.add(node.name.text);
      ts.forEachChild(node, visit);
    };
    for (const statement of js.statements) {
      const spec = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
      if (spec !== specifier) continue;
      if (ts.isExportDeclaration(statement)) {
        if (statement.exportClause === undefined || !ts.isNamedExports(statement.exportClause)) use.whole = true;
        else for (const e of statement.exportClause.elements) use.names.push({ name: (e.propertyName ?? e.name).text, from: source });
        continue;
      }
      const bindings = (statement as ts.ImportDeclaration).importClause?.namedBindings;
      if ((statement as ts.ImportDeclaration).importClause?.name !== undefined || (bindings !== undefined && ts.isNamespaceImport(bindings))) use.whole = true;
      else if (bindings !== undefined) for (const e of bindings.elements) use.names.push({ name: (e.propertyName ?? e.name).text, from: source });
    }
    visit(js);
  }
  return use;
}
