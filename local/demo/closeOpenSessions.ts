/**
 * The end of a demo run for the clickstream's sessions: closes every session still open, as the sink's
 * schedule will once the inactivity gap and the lateness have passed, so each one is written (with its day
 * counters) and the verifier compares all of them. It runs the schedule's own code (`closeDueSessions`)
 * with its clock moved past the gap and the lateness; run only after the sink has caught up (a view
 * arriving later would be dead-lettered as late). docs/cli.md, "Known journeys", says why.
 *
 * @example
 * ```ts
 * const closed = await closeOpenSessions(pipeline, config.sinks.dynamodb, dynamodb); // sessions written
 * ```
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoSinkConfig } from '../../config/types';
import { DynamoRequests } from '../../lambdas/kafka-to-dynamodb/DynamoRequests';
import { closeDueSessions } from '../../lambdas/kafka-to-dynamodb/sessions/closeDueSessions';
import type { DemoPipeline } from './demoPipeline';

/** Time the close may take (the schedule's invocation would have a Lambda timeout). */
const CLOSE_BUDGET_MS = 60_000;
/** Beyond gap + lateness, so "passed" holds without counting on equal times. */
const MARGIN_MS = 60_000;

/** Sessions written, or `undefined` when the pipeline has no clickstream `sessions` mapping. */
export async function closeOpenSessions(
  pipeline: DemoPipeline,
  sink: DynamoSinkConfig | undefined,
  dynamodb: DynamoDBClient,
  now = Date.now(),
): Promise<number | undefined> {
  const mapping = pipeline.dynamodb.sessions;
  if (!mapping || !sink) return undefined;
  const deadline = Date.now() + CLOSE_BUDGET_MS;
  const requests = new DynamoRequests(dynamodb, () => deadline - Date.now());
  const at = now + (mapping.gapSeconds + mapping.latenessSeconds) * 1000 + MARGIN_MS;
  const [result] = await closeDueSessions(sink, requests, at, mapping.name);
  if (result && result.failedUsers > 0)
    throw new Error(`closing the open sessions failed for ${result.failedUsers} users`);
  return result?.closed;
}
