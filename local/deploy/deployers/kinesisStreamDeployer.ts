import {
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { CFN_TYPES, RESOURCE_KINDS } from '../constants';
import { deployKinesisStream } from '../deployKinesisStream';
import { kinesisStreamSpec } from '../resourceSpecs';
import type { ResourceDeployer } from './types';
import { MISSING_ON_SERVER, unlessNotFound } from './unlessNotFound';

function isNotFound(error: unknown): boolean {
  return error instanceof ResourceNotFoundException;
}

/** `AWS::Kinesis::Stream` on kinesis-mock: shard count and retention; an event source for mappings. */
export const kinesisStreamDeployer: ResourceDeployer = {
  kind: RESOURCE_KINDS.kinesisStream,
  plan(site, context) {
    const spec = kinesisStreamSpec(site, site.properties());
    const existing = context.existingKinesisStream(spec.streamName);
    if (existing) {
      return {
        skipped: `declared existing (${existing.path}): found on kinesis-mock, not created nor changed`,
        values: {
          type: CFN_TYPES.kinesisStream,
          ref: spec.streamName,
          attributes: { Arn: existing.streamArn },
        },
      };
    }
    return {
      name: spec.streamName,
      async apply() {
        const outcome = await deployKinesisStream(context.clients.kinesis, spec);
        context.kinesisStreams.push({
          logicalId: site.logicalId,
          streamName: spec.streamName,
          streamArn: outcome.streamArn,
          shardCount: outcome.shardCount,
        });
        context.sources.set(outcome.streamArn, {
          kind: 'kinesis',
          sourceArn: outcome.streamArn,
          name: `Kinesis stream ${spec.streamName}`,
        });
        return {
          action: outcome.action,
          detail: outcome.detail,
          values: {
            type: CFN_TYPES.kinesisStream,
            ref: spec.streamName,
            attributes: { Arn: outcome.streamArn },
          },
        };
      },
    };
  },
  server: {
    kind: 'kinesis-stream',
    type: CFN_TYPES.kinesisStream,
    describe: (clients, name) =>
      unlessNotFound(
        async () => {
          const stream = (await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })))
            .StreamDescriptionSummary;
          return { exists: true, detail: `${stream?.StreamStatus}; ${stream?.OpenShardCount} shards` };
        },
        isNotFound,
        MISSING_ON_SERVER,
      ),
    remove: (clients, name) =>
      unlessNotFound(
        async () => {
          await clients.kinesis.send(
            new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }),
          );
          return true;
        },
        isNotFound,
        false,
      ),
  },
};
