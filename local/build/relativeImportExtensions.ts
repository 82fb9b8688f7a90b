/**
 * A TypeScript transformer that makes every relative module specifier fully specified in the emitted
 * JavaScript and declarations (`'./BridgeFunction'` → `'./BridgeFunction.js'`, `'../config'` →
 * `'../config/index.js'`): Node's ES module loader and `moduleResolution: NodeNext` readers accept nothing
 * else, while the sources keep the extensionless imports the bundler resolution allows.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';
import { EMITTED_EXTENSIONS } from './constants';
import { BuildError } from './errors';

/** The fully specified form of `specifier` imported from `fromFile`; non-relative specifiers unchanged. */
export function fullySpecified(specifier: string, fromFile: string): string {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
  const base = resolve(dirname(fromFile), specifier);
  for (const [source, emitted] of Object.entries(EMITTED_EXTENSIONS)) {
    if (existsSync(`${base}${source}`)) return `${specifier}${emitted}`;
    if (existsSync(resolve(base, `index${source}`))) return `${specifier}/index${emitted}`;
  }
  throw new BuildError(`${fromFile}: cannot resolve the relative import '${specifier}'`);
}

function rewriteSpecifiers<T extends ts.Node>(
  context: ts.TransformationContext,
  fileName: string,
  root: T,
): T {
  const { factory } = context;
  const literal = (node: ts.Expression) =>
    factory.createStringLiteral(fullySpecified((node as ts.StringLiteral).text, fileName));
  const visit = (node: ts.Node): ts.Node => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      return factory.updateImportDeclaration(
        node,
        node.modifiers,
        node.importClause,
        literal(node.moduleSpecifier),
        node.attributes,
      );
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      return factory.updateExportDeclaration(
        node,
        node.modifiers,
        node.isTypeOnly,
        node.exportClause,
        literal(node.moduleSpecifier),
        node.attributes,
      );
    }
    // `import('./types').KafkaAccess` in declarations.
    if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      return factory.updateImportTypeNode(
        ts.visitEachChild(node, visit, context),
        factory.updateLiteralTypeNode(node.argument, literal(node.argument.literal)),
        node.attributes,
        node.qualifier,
        node.typeArguments,
        node.isTypeOf,
      );
    }
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      return factory.updateCallExpression(node, node.expression, node.typeArguments, [
        literal(node.arguments[0]),
        ...node.arguments.slice(1),
      ]);
    }
    return ts.visitEachChild(node, visit, context);
  };
  return ts.visitNode(root, visit) as T;
}

/**
 * The transformer, for both `before` (JavaScript) and `afterDeclarations` (declarations).
 *
 * @example
 * ```ts
 * program.emit(undefined, undefined, undefined, false, {
 *   before: [relativeImportExtensions], afterDeclarations: [relativeImportExtensions],
 * });
 * ```
 */
export function relativeImportExtensions<T extends ts.SourceFile | ts.Bundle>(
  context: ts.TransformationContext,
): (node: T) => T {
  return (node) => (ts.isSourceFile(node) ? rewriteSpecifiers(context, node.fileName, node) : node);
}
