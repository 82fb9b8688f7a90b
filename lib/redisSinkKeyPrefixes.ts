import { templateLiteralPrefix } from '../config/keyTemplate';
import type { RedisSinkConfig } from '../config/types';
import { REDIS_SINK_KEYS } from '../lambdas/kafka-to-redis/constants';

/** Characters a Redis ACL key rule cannot carry unescaped (glob) or at all (whitespace separates rules). */
const GLOB = /[*?[\]\\]/g;
const WHITESPACE = /\s/;

/**
 * The key prefixes the Redis sink writes: its own keys (watermarks, refusal outboxes, cache versions,
 * stream de-duplication sets, whatever the cluster hash tag after them) and the literal start of each
 * mapping's key template. `undefined` when some template starts with a placeholder (or a prefix an ACL
 * rule cannot hold): any key may then be written.
 *
 * @example
 * ```ts
 * redisSinkKeyPrefixes(config.sinks.redis); // ['sb:wm:', 'sb:ver:', 'sb:seen:', 'sb:refused:', 'session:', 'views:', …]
 * ```
 */
export function redisSinkKeyPrefixes(sink: RedisSinkConfig): string[] | undefined {
  // A threshold's `key` names the monitored entity; its Redis keys are the sink's own (`sb:thr:`).
  const mappings = sink.mappings
    .filter((mapping) => mapping.operation !== 'threshold')
    .map((mapping) => templateLiteralPrefix(mapping.key));
  if (mappings.some((prefix) => prefix === '' || WHITESPACE.test(prefix))) return undefined;
  return [...new Set([...Object.values(REDIS_SINK_KEYS), ...mappings])];
}

/** An ACL key rule (`~pattern`) for every key starting with `prefix`. */
export function aclKeyRule(prefix: string): string {
  return `~${prefix.replace(GLOB, (ch) => `\\${ch}`)}*`;
}
