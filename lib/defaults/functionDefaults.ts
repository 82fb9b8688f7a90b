import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { FUNCTION_DEFAULTS, type FunctionHandler, HANDLER_BUNDLES } from '../constants';

/**
 * The repository root: handler entries, the lock file and tsconfig are resolved from it. In the built
 * package (this module at `dist/lib/defaults/`) it is `dist/`, where the prebuilt handler bundles are.
 */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The folder of the handler's prebuilt bundle (`index.js` and its source map), when this module runs from
 * the built package (`npm run build`, what `npm pack` ships); undefined in the repository, where the
 * handler is bundled from its sources.
 *
 * @example
 * ```ts
 * prebuiltHandlerBundle('kafka-to-redis'); // '…/node_modules/streambridge/dist/handlers/kafka-to-redis'
 * ```
 */
export function prebuiltHandlerBundle(handler: FunctionHandler): string | undefined {
  const directory = join(PROJECT_ROOT, HANDLER_BUNDLES.directory, handler);
  return existsSync(join(directory, HANDLER_BUNDLES.file)) ? directory : undefined;
}

/**
 * Defaults of a bridge function: the handler's `lambdas/<name>/index.ts` bundled locally by esbuild (never
 * Docker) into one minified CommonJS file with a source map and the AWS SDK inside (pinned versions, and an
 * asset that also runs as-is in the local runtime), preferring packages' ESM builds so unused SDK code is
 * dropped, Node.js 22 on arm64.
 *
 * @example
 * ```ts
 * new NodejsFunction(this, 'Fn', { ...bridgeFunctionDefaults('kafka-to-redis'), memorySize: 2048 });
 * ```
 */
export function bridgeFunctionDefaults(handler: FunctionHandler): nodejs.NodejsFunctionProps {
  return {
    entry: `${PROJECT_ROOT}lambdas/${handler}/index.ts`,
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: FUNCTION_DEFAULTS.memorySizeMb,
    timeout: Duration.seconds(FUNCTION_DEFAULTS.timeoutSeconds),
    bundling: {
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      target: 'node22',
      format: nodejs.OutputFormat.CJS,
      bundleAwsSDK: true,
      externalModules: [],
      // ESM builds first: the AWS SDK's tree-shake, bundles are ~15-20 % smaller (faster cold starts).
      mainFields: ['module', 'main'],
      forceDockerBundling: false,
    },
  };
}
