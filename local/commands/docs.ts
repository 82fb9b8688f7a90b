/**
 * `streambridge docs [--check]`: writes docs/configuration.md, generated from the config schema with the
 * defaults taken from the code that applies them; `--check` only says whether the committed page is stale.
 *
 * @example
 * ```sh
 * npm run docs                      # rewrite the page
 * node local/streambridge.mjs docs --check
 * ```
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DocumentedDefaults, renderConfigReference } from '../../config/configReference';
import type { SourceTableConfig } from '../../config/types';
import { REDIS_SINK_DEFAULTS } from '../../lambdas/kafka-to-redis/constants';
import { MSK_AVAILABILITY_ZONE_IDS } from '../../lib/defaults/availabilityZoneDefaults';
import { cacheClusterDefaults } from '../../lib/defaults/cacheDefaults';
import { resolveEventSourceSettings } from '../../lib/defaults/eventSourceDefaults';
import { kafkaClusterDefaults } from '../../lib/defaults/kafkaClusterDefaults';
import { changeStreamProps } from '../../lib/defaults/kinesisStreamDefaults';
import type { CliCommand } from './types';

/** Where the generated page lives, from the repository root. */
export const CONFIG_REFERENCE_PATH = join(import.meta.dirname, '..', '..', 'docs', 'configuration.md');

function values(prefix: string, resolved: object): Record<string, { value: unknown }> {
  return Object.fromEntries(
    Object.entries(resolved).map(([field, value]) => [`${prefix}.${field}`, { value }]),
  );
}

/**
 * The defaults applied outside config/, read from the code that applies them: what the CDK defaults
 * resolve an empty setting to, and the Redis sink's own constants.
 */
export function documentedDefaults(): DocumentedDefaults {
  const cache = cacheClusterDefaults({});
  const { filters: _none, ...eventSource } = resolveEventSourceSettings({});
  const kinesisSource = { name: 'docs', partitionKey: { name: 'id', type: 'S' }, topic: 't', via: 'kinesis' };
  const kinesis = changeStreamProps('Docs', kinesisSource as SourceTableConfig);
  const usEast1 = MSK_AVAILABILITY_ZONE_IDS['us-east-1'] ?? [];
  return {
    'network.availabilityZones': {
      text: `two AZ ids MSK accepts in the stack's region, picked at deploy time from \`lib/defaults/availabilityZoneDefaults.ts\` (us-east-1: ${usEast1.map((id) => `\`${id}\``).join(', ')})`,
    },
    ...values('kafka', kafkaClusterDefaults({})),
    ...values('cache', cache),
    'cache.engineVersion': {
      text: `\`${cache.engineVersion}\` (valkey), \`${cacheClusterDefaults({ engine: 'redis' }).engineVersion}\` (redis)`,
    },
    'cache.clusterMode': { text: '`false` (serverless: always a cluster)' },
    ...values('eventSource', eventSource),
    'sources[].kinesis.shardCount': { value: kinesis.shardCount },
    'sources[].kinesis.retentionHours': { value: kinesis.retentionPeriod?.toHours() },
    'sinks.redis.tombstoneTtlSeconds': { value: REDIS_SINK_DEFAULTS.tombstoneTtlSeconds },
  };
}

export const docsCommand: CliCommand = {
  description: 'write docs/configuration.md from the config schema (--check: fail if it is stale)',
  async run(args) {
    if (args.some((arg) => arg !== '--check')) {
      console.error('usage: streambridge docs [--check]');
      return 2;
    }
    const page = renderConfigReference(documentedDefaults());
    if (args.includes('--check')) {
      const current = readFileSync(CONFIG_REFERENCE_PATH, 'utf8');
      if (current === page) return 0;
      console.error('docs/configuration.md is stale: run `npm run docs` and commit it');
      return 1;
    }
    writeFileSync(CONFIG_REFERENCE_PATH, page);
    console.log(`wrote ${CONFIG_REFERENCE_PATH}`);
    return 0;
  },
};
