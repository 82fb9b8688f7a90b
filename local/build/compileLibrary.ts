/**
 * Compiles the library (the public entry and everything it imports) with the TypeScript compiler, as
 * tsconfig.build.json says: ES modules and declarations under dist/, relative imports fully specified so
 * Node and `NodeNext` readers load them.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { BUILD_PATHS } from './constants';
import { BuildError } from './errors';
import { relativeImportExtensions } from './relativeImportExtensions';

function describe(diagnostics: readonly ts.Diagnostic[], root: string): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
}

/**
 * Emits the library into `BUILD_PATHS.outDir`; returns the emitted files. Throws {@link BuildError} with
 * the compiler's messages when the config or the code has errors.
 *
 * @example
 * ```ts
 * compileLibrary('/work/streambridge'); // ['…/dist/lib/index.js', '…/dist/lib/index.d.ts', …]
 * ```
 */
export function compileLibrary(root: string): string[] {
  const configPath = join(root, BUILD_PATHS.tsconfig);
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new BuildError(describe([read.error], root));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  if (parsed.errors.length > 0) throw new BuildError(describe(parsed.errors, root));

  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const emitted: string[] = [];
  const result = program.emit(
    undefined,
    (fileName, text) => {
      ts.sys.writeFile(fileName, text);
      emitted.push(fileName);
    },
    undefined,
    false,
    { before: [relativeImportExtensions], afterDeclarations: [relativeImportExtensions] },
  );
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length > 0) throw new BuildError(describe(diagnostics, root));
  return emitted;
}
