import type { CacheClusterConfig } from '../../config/types';
import { CACHE_DEFAULTS } from '../constants';

/** A cache config with every default filled in. */
export interface ResolvedCacheClusterConfig {
  readonly type: 'replication-group' | 'serverless';
  readonly engine: 'valkey' | 'redis';
  readonly engineVersion: string;
  readonly nodeType: string;
  readonly replicas: number;
  /** Serverless caches are always addressed like a cluster (keys must not cross slots). */
  readonly clusterMode: boolean;
  readonly shards: number;
  readonly auth: 'rbac' | 'token';
}

/**
 * ElastiCache defaults: a Valkey replication group of one primary and one replica (automatic failover,
 * Multi-AZ) on `cache.t4g.micro`, cluster mode off, RBAC auth.
 *
 * @example
 * ```ts
 * cacheClusterDefaults({ engine: 'redis' }).engineVersion; // '7.1'
 * ```
 */
export function cacheClusterDefaults(config: CacheClusterConfig = {}): ResolvedCacheClusterConfig {
  const type = config.type ?? 'replication-group';
  const engine = config.engine ?? CACHE_DEFAULTS.engine;
  return {
    type,
    engine,
    engineVersion: config.engineVersion ?? CACHE_DEFAULTS.engineVersion[engine],
    nodeType: config.nodeType ?? CACHE_DEFAULTS.nodeType,
    replicas: config.replicas ?? CACHE_DEFAULTS.replicas,
    clusterMode: type === 'serverless' || (config.clusterMode ?? false),
    shards: config.shards ?? CACHE_DEFAULTS.shards,
    auth: config.auth ?? 'rbac',
  };
}

/** The major version an engine version string starts with (`'8.0'` → `'8'`). */
export function engineMajorVersion(engineVersion: string): string {
  return engineVersion.split('.')[0] as string;
}
