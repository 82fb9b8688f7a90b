/**
 * The deterministic id of a dead letter: a SHA-256 of the record's coordinates (topic/partition/offset, or
 * stream ARN/sequence number), so every delivery of one bad record yields the same id. It is the message's
 * `deadLetterId` attribute and body field; on a FIFO queue it would be the `MessageDeduplicationId`
 * (64 hex characters fit its 128). docs/handlers.md, "Dead letters".
 *
 * @example
 * ```ts
 * deadLetterId({ source: 'kafka', topic: 'clicks', partition: 0, offset: 42 }); // 'c0ffee…' (64 hex)
 * ```
 */
import { createHash } from 'node:crypto';
import type { RecordCoordinates } from './types';

export function deadLetterId(coordinates: RecordCoordinates): string {
  const parts =
    coordinates.source === 'kafka'
      ? [coordinates.source, coordinates.topic, String(coordinates.partition), String(coordinates.offset)]
      : [coordinates.source, coordinates.stream, coordinates.sequenceNumber];
  // A newline cannot occur in a topic name, an ARN or a number: the parts cannot run into each other.
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
