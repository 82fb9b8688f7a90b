/**
 * `streambridge build`: builds the package into dist/ (the compiled constructs with declarations, and the
 * prebuilt handler bundles); `npm run build` and `npm pack` (prepack) run it.
 *
 * @example
 * ```sh
 * npm run build
 * ```
 */
import { join } from 'node:path';
import { buildPackage } from '../build/buildPackage';
import { BUILD_PATHS } from '../build/constants';
import type { CliCommand } from './types';

/** The repository root. */
const ROOT = join(import.meta.dirname, '..', '..');

export const buildCommand: CliCommand = {
  description:
    'build the package into dist/: compiled constructs with declarations, prebuilt handler bundles',
  async run(args) {
    if (args.length > 0) {
      const help = args.length === 1 && (args[0] === '--help' || args[0] === '-h');
      (help ? console.log : console.error)(`usage: streambridge build\n${buildCommand.description}`);
      return help ? 0 : 2;
    }
    const built = await buildPackage(ROOT);
    console.log(
      `${BUILD_PATHS.outDir}/: ${built.libraryFiles.length} library files, ${built.handlerBundles.size} handler bundles`,
    );
    return 0;
  },
};
