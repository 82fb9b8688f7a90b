/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy --all`. Builds the stacks from `streambridge.config.ts`
 * (or the file given with `-c streambridge:config=path/to/config.ts`); a bad config stops here with one
 * message naming every bad field.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../config/errors';
import { buildApp } from '../lib/streambridgeApp';
import defaultConfig from '../streambridge.config';

const CONFIG_CONTEXT = 'streambridge:config';

async function main(): Promise<void> {
  const app = new App();
  const configFile: unknown = app.node.tryGetContext(CONFIG_CONTEXT);
  const config =
    typeof configFile === 'string'
      ? ((await import(pathToFileURL(resolve(configFile)).href)) as { default: unknown }).default
      : defaultConfig;
  buildApp(config, { app });
  app.synth();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
