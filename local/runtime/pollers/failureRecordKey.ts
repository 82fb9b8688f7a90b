/**
 * The S3 object key Lambda gives an on-failure record of an event source mapping:
 * `aws/lambda/<ESM UUID>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>` (UTC), so records of
 * one mapping and shard list in time order. Locally the mapping's logical id stands for its UUID, as the
 * local deployer gives it as `EventSourceMappingId`.
 */
import { randomUUID } from 'node:crypto';

/**
 * @example
 * ```ts
 * failureRecordKey('OrdersMapping', 'shardId-000000000000', new Date('2026-12-04T22:41:07Z'));
 * // 'aws/lambda/OrdersMapping/shardId-000000000000/2026/12/04/2026-12-04T22.41.07-<uuid>'
 * ```
 */
export function failureRecordKey(
  mappingId: string,
  shardId: string,
  at: Date,
  id: string = randomUUID(),
): string {
  const iso = at.toISOString();
  const [year, month, day] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const time = iso.slice(11, 19).replaceAll(':', '.');
  return `aws/lambda/${mappingId}/${shardId}/${year}/${month}/${day}/${year}-${month}-${day}T${time}-${id}`;
}
