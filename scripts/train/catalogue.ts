import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * Reads the string tables of a `*.catalogue.test.ts` file (without running vitest): each top-level
 * `const NAME = ...` whose value is an object of string arrays, an array of strings, or an array of
 * `[code, text]` pairs. Returns them by variable name as `[code | undefined, text]` pairs.
 */
export function readCatalogue(file: string): Map<string, [string | undefined, string][]> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const tables = new Map<string, [string | undefined, string][]>();
  const text = (node: ts.Node): string | undefined =>
    ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : undefined;
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
      const rows: [string | undefined, string][] = [];
      let init: ts.Expression = declaration.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
      if (ts.isObjectLiteralExpression(init)) {
        for (const property of init.properties) {
          if (!ts.isPropertyAssignment(property) || !ts.isArrayLiteralExpression(property.initializer)) continue;
          const code = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) ? property.name.text : undefined;
          for (const element of property.initializer.elements) {
            const value = text(element);
            if (value !== undefined) rows.push([code, value]);
          }
        }
      } else if (ts.isArrayLiteralExpression(init)) {
        for (const element of init.elements) {
          const value = text(element);
          if (value !== undefined) { rows.push([undefined, value]); continue; }
          if (ts.isArrayLiteralExpression(element) && element.elements.length === 2) {
            const code = text(element.elements[0]!);
            const second = text(element.elements[1]!);
            if (code !== undefined && second !== undefined) rows.push([code, second]);
          }
        }
      }
      if (rows.length > 0) tables.set(declaration.name.text, rows);
    }
  }
  return tables;
}
