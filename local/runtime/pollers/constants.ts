import type { PollerSettings } from './types';

/**
 * Defaults of the local pollers. Lambda polls each DynamoDB stream shard "at a base rate of 4 times per
 * second" (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html) and each Kinesis shard "at a base
 * rate of once per second" (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html); "when more
 * records are available" it keeps reading. The local pollers do the same (docs/local-fidelity.md).
 */
export const POLLER_DEFAULTS: PollerSettings = {
  pollIntervalMs: { 'dynamodb-streams': 250, kinesis: 1_000 },
  shardRefreshMs: 5_000,
  retryBackoffBaseMs: 100,
  retryBackoffMaxMs: 2_000,
  maxBufferedRecords: 20_000,
};

export const POLLER_LIMITS = {
  /** Invocation payload limit of synchronous invokes: batches stop growing before it. */
  maxPayloadBytes: 6 * 1024 * 1024,
  /** Bytes of the event envelope around the records. */
  eventOverheadBytes: 1_024,
  /** GetRecords limits: DynamoDB Streams 1 000 records, Kinesis 10 000. */
  dynamoGetRecordsLimit: 1_000,
  kinesisGetRecordsLimit: 10_000,
  /** How long stop() waits for running invocations before the runtime kills the processes. */
  stopGraceMs: 5_000,
  /** Attempts to send one on-failure record before it is logged instead. */
  destinationSendAttempts: 5,
} as const;
