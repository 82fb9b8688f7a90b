import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS } from '../../../local/services/constants';
import { resolveServicesConfig } from '../../../local/services/resolveServicesConfig';

describe('resolveServicesConfig', () => {
  it('uses the default ports, all four servers and the shared state dir without options', () => {
    // Act
    const config = resolveServicesConfig({ env: {} });

    // Assess
    expect(config.ports).toEqual(DEFAULT_PORTS);
    expect(config.services).toEqual(['kafka', 'redis', 'moto', 'kinesis']);
    expect(config.stateDir).toBe(join(config.rootDir, '.streambridge', 'state'));
    expect(config.logDir).toBe(join(config.rootDir, '.streambridge', 'logs'));
  });

  it('takes ports from STREAMBRIDGE_* variables, and options over variables', () => {
    // Act
    const config = resolveServicesConfig({
      env: { STREAMBRIDGE_REDIS_PORT: '26379', STREAMBRIDGE_KAFKA_PORT: '29092' },
      ports: { kafka: 39092 },
    });

    // Assess
    expect(config.ports).toMatchObject({ redis: 26379, kafka: 39092, moto: DEFAULT_PORTS.moto });
  });

  it('keeps a private instance apart: its own state dir and logs under it, only the servers asked for', () => {
    // Act
    const config = resolveServicesConfig({ env: {}, stateDir: '/tmp/private', only: ['redis', 'kafka'] });

    // Assess
    expect(config.stateDir).toBe('/tmp/private');
    expect(config.logDir).toBe('/tmp/private/logs');
    expect(config.services).toEqual(['kafka', 'redis']);
  });

  it.each([
    [{ STREAMBRIDGE_MOTO_PORT: 'abc' }, /STREAMBRIDGE_MOTO_PORT must be a port number.*"abc"/],
    [{ STREAMBRIDGE_MOTO_PORT: '70000' }, /STREAMBRIDGE_MOTO_PORT must be a port number/],
    [{ STREAMBRIDGE_MOTO_PORT: String(DEFAULT_PORTS.redis) }, /ports "redis" and "moto" are both 16379/],
  ])('rejects bad ports %o with a message naming them', (env, message) => {
    // Act
    const resolve = () => resolveServicesConfig({ env });

    // Assess
    expect(resolve).toThrow(message);
  });

  it('rejects an unknown server name', () => {
    // Act
    // @ts-expect-error: a caller outside TypeScript (the CLI) can pass any name
    const resolve = () => resolveServicesConfig({ env: {}, only: ['mysql'] });

    // Assess
    expect(resolve).toThrow('unknown server "mysql"; known: kafka, redis, moto, kinesis, localstack');
  });
});
