/**
 * Handler code as Lambda runs it: bundled by esbuild the way the CDK bundles the functions
 * (`bridgeFunctionDefaults`: one minified CommonJS file, target node22, packages' ESM builds first, every
 * dependency inside, the AWS SDK included), for the benchmarks that time or load handlers. Timing the TypeScript sources through a loader would time code that is never deployed (the
 * loader's per-file modules and kept function names cost ~15 % of the CDC bridge's own work).
 *
 * @example
 * ```ts
 * const file = await bundleHandler('kafka-to-redis');          // the handler's asset
 * const bridge = loadBundle<typeof import('./entries/changeBridge')>(await bundleEntry('changeBridge'));
 * ```
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const outRoot = join(root, '.streambridge', 'bench', 'bundles');

async function bundle(entry: string, name: string): Promise<string> {
  const outdir = join(outRoot, name);
  mkdirSync(outdir, { recursive: true });
  // The project is "type": "module": without this marker Node loads the CJS bundles as ES modules (an
  // empty namespace, no handler), as a Lambda's asset folder without package.json would not.
  writeFileSync(join(outRoot, 'package.json'), '{ "type": "commonjs" }\n');
  await build({
    entryPoints: [entry],
    outfile: join(outdir, 'index.js'),
    bundle: true,
    minify: true,
    sourcemap: false,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    logLevel: 'error',
  });
  return join(outdir, 'index.js');
}

/** The handler's asset: `lambdas/<name>/index.ts` bundled; returns the file. */
export function bundleHandler(name: string): Promise<string> {
  return bundle(join(root, 'lambdas', name, 'index.ts'), name);
}

/**
 * A benchmark entry (`bench/entries/<name>.ts`, re-exporting handler internals the benchmark drives, such
 * as a bridge it can close) bundled with the handlers' settings, so the code timed is compiled as deployed.
 */
export function bundleEntry(name: string): Promise<string> {
  return bundle(join(root, 'bench', 'entries', `${name}.ts`), `entry-${name}`);
}

/** Loads a CommonJS bundle (once per process, like a Lambda execution environment). */
export function loadBundle<T>(file: string): T {
  return createRequire(import.meta.url)(file) as T;
}
