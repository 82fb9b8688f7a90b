/**
 * Prebuilds every handler a construct deploys into the package (`dist/handlers/<handler>/index.js` and its
 * source map), with the esbuild settings the constructs give `NodejsFunction` when they bundle from the
 * sources: the same code, whether the constructs run in this repository or from `node_modules`.
 */
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { type FunctionHandler, HANDLER_BUNDLES, HANDLERS, TOPIC_PROVISIONER } from '../../lib/constants';
import { bridgeFunctionDefaults } from '../../lib/defaults/functionDefaults';
import { BUILD_PATHS } from './constants';
import { BuildError } from './errors';

/** Every handler folder under `lambdas/` that a construct deploys. */
export const BUNDLED_HANDLERS: readonly FunctionHandler[] = [...Object.values(HANDLERS), TOPIC_PROVISIONER];

/**
 * Bundles each handler; returns the bundle files by handler.
 *
 * @example
 * ```ts
 * await bundleHandlers('/work/streambridge'); // Map { 'kafka-to-redis' => '…/dist/handlers/kafka-to-redis/index.js', … }
 * ```
 */
export async function bundleHandlers(root: string): Promise<Map<FunctionHandler, string>> {
  const bundles = new Map<FunctionHandler, string>();
  for (const handler of BUNDLED_HANDLERS) {
    const defaults = bridgeFunctionDefaults(handler);
    const bundling = defaults.bundling ?? {};
    const outfile = join(root, BUILD_PATHS.outDir, HANDLER_BUNDLES.directory, handler, HANDLER_BUNDLES.file);
    try {
      await esbuild.build({
        entryPoints: [defaults.entry as string],
        outfile,
        bundle: true,
        platform: 'node',
        target: bundling.target,
        format: bundling.format === 'esm' ? 'esm' : 'cjs',
        minify: bundling.minify,
        sourcemap: bundling.sourceMap,
        sourcesContent: bundling.sourcesContent,
        mainFields: bundling.mainFields,
        external: bundling.externalModules,
        logLevel: 'warning',
      });
    } catch (error) {
      throw new BuildError(`bundling ${handler} failed`, { cause: error });
    }
    bundles.set(handler, outfile);
  }
  return bundles;
}
