import { createHash } from 'node:crypto';

/**
 * The lane (concurrent batch) of a shard that a record goes to under ParallelizationFactor: records with
 * the same key always share a lane, so order per key holds while lanes run in parallel. Kinesis keeps
 * order per partition key; DynamoDB per item (partition and sort key).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-parallelization
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (polling and batching)
 *
 * @example
 * ```ts
 * laneIndex('customer-42', 4); // 0..3, the same for every record of customer-42
 * ```
 */
export function laneIndex(orderKey: string, lanes: number): number {
  if (lanes <= 1) return 0;
  // MD5, like the hash Kinesis uses to place partition keys on shards.
  return createHash('md5').update(orderKey).digest().readUInt32BE(0) % lanes;
}
