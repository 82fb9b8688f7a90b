import type { TopicConfig } from '../config/types';

/**
 * Topic-level Kafka settings of a config topic, as `AWS::MSK::Topic.Configs` carries them: a JSON object of
 * Kafka config names to string values, base64-encoded. Returns undefined when the topic sets none.
 *
 * @example
 * ```ts
 * encodeTopicConfigs({ name: 't', partitions: 3, cleanupPolicy: 'compact' }); // base64 of {"cleanup.policy":"compact"}
 * ```
 */
export function encodeTopicConfigs(topic: TopicConfig): string | undefined {
  const configs = topicConfigEntries(topic);
  if (Object.keys(configs).length === 0) return undefined;
  return Buffer.from(JSON.stringify(configs), 'utf8').toString('base64');
}

/** Kafka config entries of a config topic. */
export function topicConfigEntries(topic: TopicConfig): Record<string, string> {
  return {
    ...(topic.cleanupPolicy ? { 'cleanup.policy': topic.cleanupPolicy } : {}),
    ...(topic.retentionMs !== undefined ? { 'retention.ms': String(topic.retentionMs) } : {}),
    ...(topic.maxMessageBytes !== undefined ? { 'max.message.bytes': String(topic.maxMessageBytes) } : {}),
  };
}
