/**
 * The Redis / Valkey connection of the Redis sink: settings from the environment (`REDIS_URL`, or
 * `REDIS_HOST` / `REDIS_PORT` / `REDIS_TLS`, `REDIS_SECRET_ARN`, `REDIS_CLUSTER_MODE`), credentials read
 * once per execution environment, and one ioredis client that fails fast (docs/handlers.md, "Redis sink").
 */
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { Cluster, Redis } from 'ioredis';
import { ConfigError } from '../../config/errors';
import { HANDLER_ENV } from '../core/constants';
import { type ReadSecretString, readSecretString } from '../core/secrets';
import { REDIS_CLIENT_DEFAULTS } from './constants';

export type RedisClient = Redis | Cluster;

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
}

export interface RedisSettings {
  /** One endpoint for a single primary; the seed nodes in cluster mode. */
  readonly nodes: readonly RedisEndpoint[];
  readonly tls: boolean;
  readonly cluster: boolean;
  readonly username?: string;
  readonly password?: string;
  readonly secretArn?: string;
  /** Logical database (single primary only). */
  readonly db?: number;
}

export interface RedisCredentials {
  readonly username?: string;
  readonly password: string;
}

export interface RedisClientOptions {
  /** `CLIENT SETNAME`, shown by `CLIENT LIST` (operators find the sink's connections by it). */
  readonly connectionName?: string;
  /** A command without an answer after this long fails (default 10 s). */
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Reads a secret's string (default: Secrets Manager). */
  readonly readSecret?: ReadSecretString;
  /** Connection errors (ioredis reconnects by itself; they are worth a log line). */
  readonly onError?: (error: Error) => void;
}

const URL_PATTERN = /^(rediss?):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)(?:\/(\d+))?\/?(?:\?([^#]*))?$/;
const HOST = /^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:]+\]$/;

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes'].includes(value.trim().toLowerCase());
}

function parsePort(text: string | undefined, name: string, issues: string[]): number {
  if (text === undefined || text === '') return REDIS_CLIENT_DEFAULTS.port;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    issues.push(`${name}: "${text}" is not a port (1–65535)`);
    return REDIS_CLIENT_DEFAULTS.port;
  }
  return port;
}

function parseNode(text: string, name: string, issues: string[]): RedisEndpoint | undefined {
  const match = /^(.+?)(?::(\d+))?$/.exec(text.trim());
  const host = match?.[1] ?? '';
  if (!HOST.test(host)) {
    issues.push(`${name}: "${text}" is not host[:port]`);
    return undefined;
  }
  return { host: host.replace(/^\[|\]$/g, ''), port: parsePort(match?.[2], name, issues) };
}

function settingsFromUrl(url: string, issues: string[]): Omit<RedisSettings, 'secretArn'> | undefined {
  const name = HANDLER_ENV.redisUrl;
  const match = URL_PATTERN.exec(url.trim());
  if (!match) {
    issues.push(`${name}: "${url}" is not redis[s]://[user:password@]host:port[,host:port...][/db]`);
    return undefined;
  }
  const [, scheme, user, password, hosts = '', db, query = ''] = match;
  const nodes = hosts.split(',').flatMap((node) => parseNode(node, name, issues) ?? []);
  const cluster = nodes.length > 1 || truthy(new URLSearchParams(query).get('cluster') ?? undefined);
  if (cluster && db !== undefined && db !== '0') issues.push(`${name}: cluster mode has only database 0`);
  return {
    nodes,
    tls: scheme === 'rediss',
    cluster,
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
    ...(db !== undefined ? { db: Number(db) } : {}),
  };
}

/**
 * Reads the connection settings from the environment and checks them all at once; throws a
 * {@link ConfigError} naming every wrong variable.
 *
 * @example
 * ```ts
 * const settings = redisSettingsFromEnv(); // { nodes: [{ host, port }], tls: true, cluster: false, ... }
 * const redis = await createRedisClient(settings, { connectionName: 'streambridge-kafka-to-redis' });
 * ```
 */
export function redisSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RedisSettings {
  const issues: string[] = [];
  const url = env[HANDLER_ENV.redisUrl]?.trim();
  const host = env[HANDLER_ENV.redisHost]?.trim();
  const secretArn = env[HANDLER_ENV.redisSecretArn]?.trim() || undefined;
  const forceCluster = truthy(env[HANDLER_ENV.redisClusterMode]);
  let base: Omit<RedisSettings, 'secretArn'> | undefined;
  if (url) {
    base = settingsFromUrl(url, issues);
  } else if (host) {
    const node = parseNode(host, HANDLER_ENV.redisHost, issues);
    const port = parsePort(env[HANDLER_ENV.redisPort]?.trim(), HANDLER_ENV.redisPort, issues);
    base = node && {
      nodes: [{ host: node.host, port }],
      tls: truthy(env[HANDLER_ENV.redisTls]),
      cluster: false,
    };
  } else {
    issues.push(`${HANDLER_ENV.redisUrl} or ${HANDLER_ENV.redisHost}: one of them must be set`);
  }
  if (issues.length > 0 || !base) throw new ConfigError(issues, 'invalid Redis settings');
  const tls = base.tls || truthy(env[HANDLER_ENV.redisTls]);
  const cluster = base.cluster || forceCluster;
  return { ...base, tls, cluster, ...(secretArn ? { secretArn } : {}) };
}

const secrets = new Map<string, Promise<RedisCredentials>>();

async function loadCredentials(secretArn: string, read: ReadSecretString): Promise<RedisCredentials> {
  const text = await read(secretArn);
  const fail = (reason: string) =>
    new ConfigError(
      [`${HANDLER_ENV.redisSecretArn}: secret "${secretArn}" ${reason}`],
      'invalid Redis secret',
    );
  if (!text) throw fail('has no SecretString');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail('is not JSON');
  }
  const { username, password } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof password !== 'string' || password === '') throw fail('must hold a non-empty "password"');
  if (username !== undefined && (typeof username !== 'string' || username === '')) {
    throw fail('has a "username" that is not a non-empty string');
  }
  return { password, ...(username ? { username } : {}) };
}

/**
 * The credentials in a secret, read once per execution environment (a failed read is not cached, so the
 * next invocation tries again).
 */
export function redisCredentials(secretArn: string, read: ReadSecretString = readSecretString) {
  let cached = secrets.get(secretArn);
  if (!cached) {
    cached = loadCredentials(secretArn, read).catch((error: unknown) => {
      secrets.delete(secretArn);
      throw error;
    });
    secrets.set(secretArn, cached);
  }
  return cached;
}

/** The ioredis options both client kinds share (exported for tests and the local demo). */
export function redisClientOptions(
  settings: RedisSettings,
  credentials: Partial<RedisCredentials>,
  options: RedisClientOptions = {},
): RedisOptions {
  return {
    ...(credentials.username ? { username: credentials.username } : {}),
    ...(credentials.password ? { password: credentials.password } : {}),
    ...(settings.tls ? { tls: {} } : {}),
    ...(settings.db !== undefined && !settings.cluster ? { db: settings.db } : {}),
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
    connectTimeout: options.connectTimeoutMs ?? REDIS_CLIENT_DEFAULTS.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs ?? REDIS_CLIENT_DEFAULTS.commandTimeoutMs,
    maxRetriesPerRequest: REDIS_CLIENT_DEFAULTS.maxRetriesPerRequest,
    // A command whose connection dropped may or may not have run: resending it is safe because every
    // write is watermark-guarded. (Not resending leaves it unanswered until commandTimeout in ioredis 5.)
    autoResendUnfulfilledCommands: true,
    retryStrategy: (attempt: number) =>
      Math.min(REDIS_CLIENT_DEFAULTS.reconnectBaseMs * 2 ** attempt, REDIS_CLIENT_DEFAULTS.reconnectMaxMs),
    // After a failover the old primary answers READONLY: reconnect (DNS now points at the new primary)
    // and resend — a refused write did not run.
    reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 2 : false),
  };
}

/**
 * Creates the client: `Cluster` in cluster mode, `Redis` otherwise; it connects (and reconnects) by itself.
 *
 * @example
 * ```ts
 * const redis = await createRedisClient(redisSettingsFromEnv(), { connectionName: 'sink' });
 * await redis.ping();
 * ```
 */
export async function createRedisClient(
  settings: RedisSettings,
  options: RedisClientOptions = {},
): Promise<RedisClient> {
  const credentials: Partial<RedisCredentials> = settings.secretArn
    ? await redisCredentials(settings.secretArn, options.readSecret)
    : { username: settings.username, password: settings.password };
  const redisOptions = redisClientOptions(settings, credentials, options);
  let client: RedisClient;
  if (settings.cluster) {
    const clusterOptions: ClusterOptions = {
      redisOptions,
      slotsRefreshTimeout: REDIS_CLIENT_DEFAULTS.clusterSlotsRefreshTimeoutMs,
      clusterRetryStrategy: (attempt: number) =>
        attempt > REDIS_CLIENT_DEFAULTS.clusterMaxRetries
          ? null
          : Math.min(
              REDIS_CLIENT_DEFAULTS.clusterRetryBaseMs * 2 ** attempt,
              REDIS_CLIENT_DEFAULTS.clusterRetryMaxMs,
            ),
      // ElastiCache's TLS certificates name the configuration endpoint, not the node IPs in CLUSTER SLOTS.
      ...(settings.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    };
    client = new Cluster(
      settings.nodes.map((n) => ({ host: n.host, port: n.port })),
      clusterOptions,
    );
  } else {
    const node = settings.nodes[0] as RedisEndpoint;
    client = new Redis({ ...redisOptions, host: node.host, port: node.port });
  }
  client.on('error', (error: Error) => options.onError?.(error));
  return client;
}
