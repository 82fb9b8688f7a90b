/**
 * `npm run build` (and `prepack`): what the package ships, from a clean dist/: the compiled library with
 * its declarations, and the prebuilt handler bundles beside it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleHandlers } from './bundleHandlers';
import { compileLibrary } from './compileLibrary';
import { BUILD_PATHS } from './constants';

export interface BuiltPackage {
  /** Emitted JavaScript and declaration files. */
  readonly libraryFiles: readonly string[];
  /** The bundle of each handler. */
  readonly handlerBundles: ReadonlyMap<string, string>;
}

/**
 * Builds the package under `root`.
 *
 * @example
 * ```ts
 * const { libraryFiles, handlerBundles } = await buildPackage(process.cwd());
 * ```
 */
export async function buildPackage(root: string): Promise<BuiltPackage> {
  rmSync(join(root, BUILD_PATHS.outDir), { recursive: true, force: true });
  const libraryFiles = compileLibrary(root);
  const handlerBundles = await bundleHandlers(root);
  return { libraryFiles, handlerBundles };
}
