import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors';
import {
  createRedisClient,
  redisClientOptions,
  redisCredentials,
  redisSettingsFromEnv,
} from '../../../lambdas/kafka-to-redis/redisConnection';

describe('redisSettingsFromEnv', () => {
  it.each([
    ['redis://127.0.0.1:16379', { nodes: [{ host: '127.0.0.1', port: 16379 }], tls: false, cluster: false }],
    [
      'rediss://app:p%40ss@cache.local:6380/2',
      {
        nodes: [{ host: 'cache.local', port: 6380 }],
        tls: true,
        cluster: false,
        username: 'app',
        password: 'p@ss',
        db: 2,
      },
    ],
    [
      'redis://:secret@h',
      { nodes: [{ host: 'h', port: 6379 }], tls: false, cluster: false, password: 'secret' },
    ],
    [
      'redis://127.0.0.1:7000,127.0.0.1:7001',
      {
        nodes: [
          { host: '127.0.0.1', port: 7000 },
          { host: '127.0.0.1', port: 7001 },
        ],
        tls: false,
        cluster: true,
      },
    ],
    [
      'redis://127.0.0.1:7000?cluster=true',
      { nodes: [{ host: '127.0.0.1', port: 7000 }], tls: false, cluster: true },
    ],
  ])('reads REDIS_URL %s', (url, expected) => {
    expect(redisSettingsFromEnv({ REDIS_URL: url })).toEqual(expected);
  });

  it('reads the ElastiCache variables: host, port, TLS, secret and cluster mode', () => {
    const settings = redisSettingsFromEnv({
      REDIS_HOST: 'clustercfg.sb.use1.cache.amazonaws.com',
      REDIS_PORT: '6379',
      REDIS_TLS: 'true',
      REDIS_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:sb-redis',
      REDIS_CLUSTER_MODE: 'true',
    });
    expect(settings).toEqual({
      nodes: [{ host: 'clustercfg.sb.use1.cache.amazonaws.com', port: 6379 }],
      tls: true,
      cluster: true,
      secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:sb-redis',
    });
  });

  it('names every wrong variable at once', () => {
    const read = () => redisSettingsFromEnv({ REDIS_HOST: 'bad host!', REDIS_PORT: '99999' });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(
      /REDIS_HOST: "bad host!" is not host\[:port\][\s\S]*REDIS_PORT: "99999" is not a port/,
    );
  });

  it.each([
    [{}, 'REDIS_URL or REDIS_HOST: one of them must be set'],
    [{ REDIS_URL: 'http://x:1' }, 'is not redis[s]://'],
    [{ REDIS_URL: 'redis://a:1,b:2/3' }, 'cluster mode has only database 0'],
  ])('refuses %j', (env, message) => {
    expect(() => redisSettingsFromEnv(env)).toThrow(message);
  });
});

describe('redisCredentials', () => {
  it('reads a secret once per execution environment', async () => {
    // Prepare
    let reads = 0;
    const read = async () => {
      reads++;
      return JSON.stringify({ username: 'sink', password: 'pw' });
    };
    // Act
    const first = await redisCredentials('arn:1', read);
    const second = await redisCredentials('arn:1', read);
    // Assess
    expect(first).toEqual({ username: 'sink', password: 'pw' });
    expect(second).toBe(first);
    expect(reads).toBe(1);
  });

  it('accepts an AUTH token secret without a username', async () => {
    await expect(redisCredentials('arn:2', async () => '{"password":"token"}')).resolves.toEqual({
      password: 'token',
    });
  });

  it('does not cache a failed read, so the next invocation tries again', async () => {
    let calls = 0;
    const read = async () => (++calls === 1 ? '{"username":"u"}' : '{"password":"ok"}');
    await expect(redisCredentials('arn:3', read)).rejects.toThrow('must hold a non-empty "password"');
    await expect(redisCredentials('arn:3', read)).resolves.toEqual({ password: 'ok' });
  });

  it.each([
    [undefined, 'has no SecretString'],
    ['not json', 'is not JSON'],
    ['{"password":"p","username":""}', 'has a "username" that is not a non-empty string'],
  ])('refuses the secret %j', async (text, message) => {
    await expect(redisCredentials(`arn:${message}`, async () => text)).rejects.toThrow(message);
  });
});

describe('createRedisClient', () => {
  it('fails fast, and resends a command whose connection dropped once reconnected', () => {
    const options = redisClientOptions(
      { nodes: [{ host: 'h', port: 1 }], tls: true, cluster: false, db: 3 },
      { username: 'u', password: 'p' },
      { connectionName: 'sink', commandTimeoutMs: 1234 },
    );
    expect(options).toMatchObject({
      username: 'u',
      password: 'p',
      tls: {},
      db: 3,
      connectionName: 'sink',
      commandTimeout: 1234,
      maxRetriesPerRequest: 1,
      autoResendUnfulfilledCommands: true,
    });
    const reconnect = options.reconnectOnError as (error: Error) => boolean | 1 | 2;
    expect(reconnect(new Error('READONLY You can not write against a read only replica.'))).toBe(2);
    expect(reconnect(new Error('WRONGTYPE'))).toBe(false);
  });

  it('makes a Redis client for a single primary and a Cluster client in cluster mode, with secret credentials', async () => {
    // Prepare
    const read = async () => '{"username":"sink","password":"pw"}';
    const base = { nodes: [{ host: '127.0.0.1', port: 1 }], tls: false, secretArn: 'arn:c' };
    // Act
    const single = await createRedisClient({ ...base, cluster: false }, { readSecret: read });
    const cluster = await createRedisClient({ ...base, cluster: true }, { readSecret: read });
    // Assess: no command is sent (port 1 refuses connections; the clients are closed right away).
    expect(single).toBeInstanceOf(Redis);
    expect(cluster).toBeInstanceOf(Cluster);
    expect((single as Redis).options).toMatchObject({ username: 'sink', password: 'pw', host: '127.0.0.1' });
    expect((cluster as Cluster).options.redisOptions).toMatchObject({ username: 'sink', password: 'pw' });
    single.disconnect();
    cluster.disconnect();
  });
});
