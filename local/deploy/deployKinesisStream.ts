import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  ResourceNotFoundException,
  type StreamDescriptionSummary,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import { DEPLOY_ACTIONS } from './constants';
import type { KinesisStreamSpec } from './resourceSpecs';
import type { DeployAction } from './types';
import { waitUntil } from './waitUntil';

export interface KinesisStreamOutcome {
  readonly action: DeployAction;
  readonly detail: string;
  readonly streamArn: string;
  readonly shardCount: number;
}

/** kinesis-mock keeps a stream in CREATING / UPDATING for about half a second. */
const ACTIVE_TIMEOUT_MS = 30_000;

async function summary(
  client: KinesisClient,
  streamName: string,
): Promise<StreamDescriptionSummary | undefined> {
  try {
    return (await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName })))
      .StreamDescriptionSummary;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function waitActive(client: KinesisClient, streamName: string): Promise<StreamDescriptionSummary> {
  return waitUntil(`Kinesis stream ${streamName} to become ACTIVE`, ACTIVE_TIMEOUT_MS, async () => {
    const stream = await summary(client, streamName);
    return stream?.StreamStatus === 'ACTIVE' ? stream : undefined;
  });
}

async function setRetention(
  client: KinesisClient,
  streamName: string,
  from: number,
  to: number,
): Promise<void> {
  const Command = to > from ? IncreaseStreamRetentionPeriodCommand : DecreaseStreamRetentionPeriodCommand;
  await client.send(new Command({ StreamName: streamName, RetentionPeriodHours: to }));
  await waitActive(client, streamName);
}

/**
 * Creates the Kinesis stream on kinesis-mock and waits until it is ACTIVE, or brings an existing one in
 * line (shard count through UpdateShardCount, retention period).
 *
 * @example
 * ```ts
 * const outcome = await deployKinesisStream(clients.kinesis, { streamName: 'changes', shardCount: 2, … });
 * ```
 */
export async function deployKinesisStream(
  client: KinesisClient,
  spec: KinesisStreamSpec,
): Promise<KinesisStreamOutcome> {
  const existing = await summary(client, spec.streamName);
  if (!existing) {
    await client.send(
      new CreateStreamCommand({
        StreamName: spec.streamName,
        ...(spec.onDemand
          ? { StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
          : { ShardCount: spec.shardCount }),
      }),
    );
    let stream = await waitActive(client, spec.streamName);
    const retention = stream.RetentionPeriodHours ?? spec.retentionHours;
    if (retention !== spec.retentionHours) {
      await setRetention(client, spec.streamName, retention, spec.retentionHours);
      stream = await waitActive(client, spec.streamName);
    }
    const shards = stream.OpenShardCount ?? spec.shardCount;
    return {
      action: DEPLOY_ACTIONS.created,
      detail: `${shards} shard${shards === 1 ? '' : 's'}${spec.onDemand ? ' (on-demand)' : ''}, retention ${spec.retentionHours} h`,
      streamArn: stream.StreamARN ?? '',
      shardCount: shards,
    };
  }
  const stream = existing.StreamStatus === 'ACTIVE' ? existing : await waitActive(client, spec.streamName);
  const changes: string[] = [];
  const currentShards = stream.OpenShardCount ?? 0;
  if (!spec.onDemand && currentShards !== spec.shardCount) {
    await client.send(
      new UpdateShardCountCommand({
        StreamName: spec.streamName,
        TargetShardCount: spec.shardCount,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await waitActive(client, spec.streamName);
    changes.push(`shards ${currentShards} → ${spec.shardCount}`);
  }
  const currentRetention = stream.RetentionPeriodHours ?? spec.retentionHours;
  if (currentRetention !== spec.retentionHours) {
    await setRetention(client, spec.streamName, currentRetention, spec.retentionHours);
    changes.push(`retention ${currentRetention} h → ${spec.retentionHours} h`);
  }
  const final = changes.length > 0 ? await waitActive(client, spec.streamName) : stream;
  const shards = final.OpenShardCount ?? spec.shardCount;
  return {
    action: changes.length > 0 ? DEPLOY_ACTIONS.updated : DEPLOY_ACTIONS.unchanged,
    detail: changes.length > 0 ? changes.join('; ') : `${shards} shard${shards === 1 ? '' : 's'}`,
    streamArn: final.StreamARN ?? '',
    shardCount: shards,
  };
}
