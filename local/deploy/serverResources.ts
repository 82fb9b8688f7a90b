/**
 * Looking up and deleting a deployed resource on its server by kind and name, for `status`, `destroy` and
 * resources that left the template.
 */
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException as TableNotFound,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceNotFoundException as StreamNotFound,
} from '@aws-sdk/client-kinesis';
import { DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { LocalClients } from './LocalClients';
import type { DeployedResource } from './types';

export interface ServerLookup {
  readonly exists: boolean;
  readonly detail: string;
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  return (
    error instanceof TableNotFound ||
    error instanceof StreamNotFound ||
    name.includes('NonExistentQueue') ||
    name === 'QueueDoesNotExist'
  );
}

async function orMissing(lookup: () => Promise<ServerLookup>): Promise<ServerLookup> {
  try {
    return await lookup();
  } catch (error) {
    if (isNotFound(error)) return { exists: false, detail: 'missing on the server' };
    throw error;
  }
}

/**
 * Whether a deployed resource exists on its server, with its main settings as the server reports them.
 *
 * @example
 * ```ts
 * await describeServerResource(clients, { kind: 'topic', name: 'orders.changes', … }); // { exists: true, detail: '3 partitions' }
 * ```
 */
export async function describeServerResource(
  clients: LocalClients,
  resource: DeployedResource,
): Promise<ServerLookup> {
  switch (resource.kind) {
    case 'table':
      return orMissing(async () => {
        const table = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: resource.name })))
          .Table;
        const ttl = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: resource.name }));
        const stream = table?.StreamSpecification?.StreamEnabled
          ? table.StreamSpecification.StreamViewType
          : 'off';
        const ttlText =
          ttl.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED'
            ? ttl.TimeToLiveDescription.AttributeName
            : 'off';
        return {
          exists: true,
          detail: `${table?.TableStatus}; stream ${stream}; TTL ${ttlText}; ${table?.ItemCount ?? 0} items`,
        };
      });
    case 'kinesis-stream':
      return orMissing(async () => {
        const stream = (
          await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: resource.name }))
        ).StreamDescriptionSummary;
        return { exists: true, detail: `${stream?.StreamStatus}; ${stream?.OpenShardCount} shards` };
      });
    case 'topic': {
      const admin = await clients.kafkaAdmin();
      if (!(await admin.listTopics()).includes(resource.name))
        return { exists: false, detail: 'missing on the broker' };
      const metadata = await admin.fetchTopicMetadata({ topics: [resource.name] });
      return { exists: true, detail: `${metadata.topics[0]?.partitions.length ?? 0} partitions` };
    }
    case 'queue':
      return orMissing(async () => {
        const url = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: resource.name }))).QueueUrl;
        const attributes = (
          await clients.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
          )
        ).Attributes;
        return { exists: true, detail: `${attributes?.ApproximateNumberOfMessages ?? 0} messages` };
      });
  }
}

/**
 * Deletes a deployed resource from its server; returns false when it was already gone.
 *
 * @example
 * ```ts
 * await deleteServerResource(clients, { kind: 'queue', name: 'dead-letters', … });
 * ```
 */
export async function deleteServerResource(
  clients: LocalClients,
  resource: DeployedResource,
): Promise<boolean> {
  try {
    switch (resource.kind) {
      case 'table':
        await clients.dynamodb.send(new DeleteTableCommand({ TableName: resource.name }));
        return true;
      case 'kinesis-stream':
        await clients.kinesis.send(
          new DeleteStreamCommand({ StreamName: resource.name, EnforceConsumerDeletion: true }),
        );
        return true;
      case 'topic': {
        const admin = await clients.kafkaAdmin();
        if (!(await admin.listTopics()).includes(resource.name)) return false;
        await admin.deleteTopics({ topics: [resource.name] });
        return true;
      }
      case 'queue': {
        const url = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: resource.name }))).QueueUrl;
        await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
        return true;
      }
    }
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
