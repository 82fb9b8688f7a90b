/**
 * Reads what a pipeline config declares existing (`sources[].existing`, `topics[].existing`,
 * `kafka.existing`, `cache.existing`, `sinks.dynamodb.tables[].existing`) into the list the local deployer
 * checks on the servers instead of creating.
 */
import type { PipelineConfig } from '../../../config/types';
import type { ExistingDeclarations, ExistingKinesisStream, ExistingTable } from './types';

/** The name in a Kinesis stream ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`). */
export function kinesisStreamName(streamArn: string): string {
  return streamArn.slice(streamArn.indexOf(':stream/') + ':stream/'.length);
}

/**
 * @example
 * ```ts
 * existingDeclarations(config).tables; // [{ path: 'sources[0].existing', tableName: 'orders', streamArn: 'arn:…' }]
 * ```
 */
export function existingDeclarations(config: PipelineConfig): ExistingDeclarations {
  const tables: ExistingTable[] = [];
  const kinesisStreams: ExistingKinesisStream[] = [];
  config.sources.forEach((source, index) => {
    if (!source.existing) return;
    const path = `sources[${index}].existing`;
    tables.push({
      path,
      tableName: source.name,
      partitionKey: source.partitionKey,
      ...(source.sortKey ? { sortKey: source.sortKey } : {}),
      ...(source.existing.streamArn ? { streamArn: source.existing.streamArn } : {}),
    });
    const { kinesisStreamArn } = source.existing;
    if (kinesisStreamArn) {
      kinesisStreams.push({
        path: `${path}.kinesisStreamArn`,
        streamName: kinesisStreamName(kinesisStreamArn),
        streamArn: kinesisStreamArn,
      });
    }
  });
  (config.sinks.dynamodb?.tables ?? []).forEach((table, index) => {
    if (!table.existing) return;
    tables.push({
      path: `sinks.dynamodb.tables[${index}].existing`,
      tableName: table.name,
      partitionKey: table.partitionKey,
      ...(table.sortKey ? { sortKey: table.sortKey } : {}),
    });
  });
  const topics = config.topics.flatMap((topic, index) =>
    topic.existing
      ? [{ path: `topics[${index}].existing`, name: topic.name, partitions: topic.partitions }]
      : [],
  );
  return {
    tables,
    kinesisStreams,
    topics,
    ...(config.kafka.existing ? { kafka: { path: 'kafka.existing' } } : {}),
    ...(config.cache?.existing
      ? { cache: { path: 'cache.existing', authSecretArn: config.cache.existing.authSecretArn } }
      : {}),
  };
}

/** True when the config declares nothing existing. */
export function declaresNothing(existing: ExistingDeclarations): boolean {
  return (
    existing.tables.length === 0 &&
    existing.kinesisStreams.length === 0 &&
    existing.topics.length === 0 &&
    !existing.kafka &&
    !existing.cache
  );
}
