import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveAwsTarget } from './awsTarget';
import { DEFAULT_PORTS, PORT_ENV_VARS, SERVICE_NAMES } from './constants';
import { ServicesError } from './errors';
import type { AwsTarget, ServiceName, ServicePorts, ServicesConfig, ServicesOptions } from './types';

/** The repository root (this file is `local/services/resolveServicesConfig.ts`). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const workDir = join(projectRoot, '.streambridge');

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ServicesError(`${source} must be a port number between 1 and 65535, got "${value}"`);
  }
  return port;
}

function resolvePorts(options: ServicesOptions, env: NodeJS.ProcessEnv): ServicePorts {
  const ports = { ...DEFAULT_PORTS } as ServicePorts;
  for (const key of Object.keys(DEFAULT_PORTS) as (keyof ServicePorts)[]) {
    const fromOption = options.ports?.[key];
    const fromEnv = env[PORT_ENV_VARS[key]];
    if (fromOption !== undefined) ports[key] = parsePort(String(fromOption), `port option "${key}"`);
    else if (fromEnv) ports[key] = parsePort(fromEnv, PORT_ENV_VARS[key]);
  }
  const seen = new Map<number, string>();
  for (const [key, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other) throw new ServicesError(`ports "${other}" and "${key}" are both ${port}; each must differ`);
    seen.set(port, key);
  }
  return ports;
}

/** The servers asked for, else Kafka, Redis and the ones the AWS target needs. */
function resolveServices(
  only: readonly ServiceName[] | undefined,
  target: AwsTarget,
): readonly ServiceName[] {
  if (!only || only.length === 0) {
    return SERVICE_NAMES.filter(
      (name) => name === 'kafka' || name === 'redis' || target.servers.includes(name),
    );
  }
  for (const name of only) {
    if (!SERVICE_NAMES.includes(name)) {
      throw new ServicesError(`unknown server "${name}"; known: ${SERVICE_NAMES.join(', ')}`);
    }
  }
  return SERVICE_NAMES.filter((name) => only.includes(name));
}

/**
 * Resolves launcher options into absolute directories, ports, the AWS target and the server list.
 *
 * @example
 * ```ts
 * const config = resolveServicesConfig({ stateDir: '/tmp/private', only: ['redis'], ports: { redis: 26379 } });
 * ```
 */
export function resolveServicesConfig(options: ServicesOptions = {}): ServicesConfig {
  const env = options.env ?? process.env;
  const awsTarget = resolveAwsTarget(options, env);
  const stateDir = options.stateDir ? resolve(options.stateDir) : join(workDir, 'state');
  const logDir = options.logDir
    ? resolve(options.logDir)
    : options.stateDir
      ? join(stateDir, 'logs')
      : join(workDir, 'logs');
  return {
    rootDir: projectRoot,
    stateDir,
    logDir,
    cacheDir: join(workDir, 'cache'),
    venvDir: join(workDir, 'venv'),
    localStackVenvDir: join(workDir, 'localstack-venv'),
    ports: resolvePorts(options, env),
    awsTarget,
    services: resolveServices(options.only, awsTarget),
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    env,
  };
}
