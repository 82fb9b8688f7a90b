import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { DEPLOY_PATHS } from './constants';
import { SynthError } from './errors';

export interface SynthesizeOptions {
  /** The project holding `cdk.json`. Default: the current directory. */
  readonly projectDir?: string;
  /** The CDK app command (`--app`); default: the `app` of `cdk.json`. */
  readonly appCommand?: string;
  /** Where the cloud assembly goes. Default `<projectDir>/cdk.out`, as `cdk deploy` uses. */
  readonly outdir?: string;
  /** Extra context values (`-c key=value`). */
  readonly context?: Readonly<Record<string, string>>;
  /** Output of the CDK CLI (its warnings and errors); default stderr. */
  readonly log?: (line: string) => void;
  /** Bound on the synth; default 10 minutes (bundling every handler with esbuild takes a while). */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_TAIL_LINES = 20;

function cdkCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('aws-cdk/package.json')), 'bin', 'cdk');
}

/**
 * Synthesizes the CDK app with the CDK CLI (`cdk synth --quiet`), producing the same cloud assembly that
 * `cdk deploy` would upload; returns the assembly directory.
 *
 * @example
 * ```ts
 * const assemblyDir = await synthesizeApp({ projectDir: process.cwd() }); // '<project>/cdk.out'
 * ```
 */
export async function synthesizeApp(options: SynthesizeOptions = {}): Promise<string> {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const outdir = resolve(projectDir, options.outdir ?? DEPLOY_PATHS.assemblyDir);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const args = [cdkCli(), 'synth', '--quiet', '--output', outdir];
  if (options.appCommand) args.push('--app', options.appCommand);
  for (const [key, value] of Object.entries(options.context ?? {})) args.push('--context', `${key}=${value}`);
  const output: string[] = [];
  const child = spawn(process.execPath, args, {
    cwd: projectDir,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      log(line);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const code = await new Promise<number | string>((resolveExit, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      resolveExit(`timed out after ${timeoutMs} ms`);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new SynthError(`cannot run the CDK CLI: ${error.message}`, { cause: error }));
    });
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolveExit(exitCode ?? `killed by ${signal}`);
    });
  });
  if (code !== 0) {
    const tail = output.slice(-OUTPUT_TAIL_LINES).join('\n');
    throw new SynthError(
      `cdk synth failed (${typeof code === 'number' ? `exit ${code}` : code}) in ${projectDir}${tail ? `:\n${tail}` : ''}`,
    );
  }
  return outdir;
}

/**
 * Synthesizes a CDK app object built in this process (tests, the app builder); returns the assembly directory.
 *
 * @example
 * ```ts
 * const app = new App({ outdir: '/tmp/sbt/cdk.out' });
 * buildApp(config, { app });
 * const assemblyDir = synthesizeAppObject(app);
 * ```
 */
export function synthesizeAppObject(app: App): string {
  try {
    return app.synth().directory;
  } catch (error) {
    throw new SynthError(`cdk synth failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
