import { DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { CFN_TYPES, RESOURCE_KINDS } from '../constants';
import { deployQueue } from '../deployQueue';
import { queueSpec } from '../resourceSpecs';
import type { ResourceDeployer } from './types';
import { MISSING_ON_SERVER, unlessNotFound } from './unlessNotFound';

/** moto answers an unknown queue with the legacy error code, which the SDK maps to `QueueDoesNotExist`. */
function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  return name.includes('NonExistentQueue') || name === 'QueueDoesNotExist';
}

/** `AWS::SQS::Queue` on moto: attributes and redrive policy; the local on-failure destinations. */
export const queueDeployer: ResourceDeployer = {
  kind: RESOURCE_KINDS.queue,
  plan(site, context) {
    const spec = queueSpec(site, site.properties());
    return {
      name: spec.queueName,
      async apply() {
        const outcome = await deployQueue(context.clients.sqs, spec);
        context.queues.push({
          logicalId: site.logicalId,
          queueName: spec.queueName,
          queueUrl: outcome.queueUrl,
          queueArn: outcome.queueArn,
        });
        context.sources.set(outcome.queueArn, {
          unsupported: 'SQS event sources are not polled by the local runtime',
        });
        return {
          action: outcome.action,
          detail: outcome.detail,
          values: {
            type: CFN_TYPES.queue,
            ref: outcome.queueUrl,
            attributes: { Arn: outcome.queueArn, QueueName: spec.queueName, QueueUrl: outcome.queueUrl },
          },
        };
      },
    };
  },
  server: {
    kind: 'queue',
    type: CFN_TYPES.queue,
    describe: (clients, name) =>
      unlessNotFound(
        async () => {
          const url = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
          const attributes = (
            await clients.sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: url,
                AttributeNames: ['ApproximateNumberOfMessages'],
              }),
            )
          ).Attributes;
          return { exists: true, detail: `${attributes?.ApproximateNumberOfMessages ?? 0} messages` };
        },
        isNotFound,
        MISSING_ON_SERVER,
      ),
    remove: (clients, name) =>
      unlessNotFound(
        async () => {
          const url = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
          await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
          return true;
        },
        isNotFound,
        false,
      ),
  },
};
