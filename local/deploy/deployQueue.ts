import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DEPLOY_ACTIONS } from './constants';
import type { QueueSpec } from './resourceSpecs';
import type { DeployAction } from './types';

export interface QueueOutcome {
  readonly action: DeployAction;
  readonly detail: string;
  readonly queueUrl: string;
  readonly queueArn: string;
}

/** Attributes that SQS sets only at creation. */
const CREATE_ONLY = new Set(['FifoQueue']);

async function queueUrl(client: SQSClient, queueName: string): Promise<string | undefined> {
  try {
    return (await client.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
  } catch (error) {
    // moto answers an unknown queue with the legacy error code, which the SDK maps to the same class.
    if (
      error instanceof QueueDoesNotExist ||
      (error as { name?: string }).name?.includes('NonExistentQueue')
    ) {
      return undefined;
    }
    throw error;
  }
}

/** Compares attribute values semantically: JSON policies by content (SQS may reorder or retype fields). */
function sameValue(current: string | undefined, wanted: string): boolean {
  if (current === wanted) return true;
  if (current === undefined) return wanted === 'false';
  if (wanted.startsWith('{')) {
    try {
      const left = JSON.parse(current) as Record<string, unknown>;
      const right = JSON.parse(wanted) as Record<string, unknown>;
      const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
      return [...keys].every((key) => String(left[key]) === String(right[key]));
    } catch {
      return false;
    }
  }
  return false;
}

function attributeText(attributes: Readonly<Record<string, string>>): string {
  const entries = Object.entries(attributes);
  return entries.length > 0 ? entries.map(([key, value]) => `${key}=${value}`).join(', ') : 'SQS defaults';
}

/**
 * Creates the SQS queue on moto with the template's attributes (visibility timeout, retention, redrive
 * policy resolved to the local dead-letter queue ARN, FIFO settings…), or updates the attributes of an
 * existing one. Only the attributes the template sets are compared; a FIFO change cannot be made in place.
 *
 * @example
 * ```ts
 * const { queueUrl, queueArn } = await deployQueue(clients.sqs, { queueName: 'dlq', fifo: false, attributes: {} });
 * ```
 */
export async function deployQueue(client: SQSClient, spec: QueueSpec): Promise<QueueOutcome> {
  const existingUrl = await queueUrl(client, spec.queueName);
  const url =
    existingUrl ??
    (
      await client.send(
        new CreateQueueCommand({ QueueName: spec.queueName, Attributes: { ...spec.attributes } }),
      )
    ).QueueUrl;
  if (!url) throw new Error(`SQS returned no URL for queue ${spec.queueName}`);
  const current: Record<string, string | undefined> =
    (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })))
      .Attributes ?? {};
  const queueArn = current.QueueArn ?? '';
  if (!existingUrl) {
    return {
      action: DEPLOY_ACTIONS.created,
      detail: attributeText(spec.attributes),
      queueUrl: url,
      queueArn,
    };
  }
  const changed = Object.entries(spec.attributes).filter(([name, value]) => !sameValue(current[name], value));
  const blocked = changed.filter(([name]) => CREATE_ONLY.has(name));
  if (blocked.length > 0) {
    return {
      action: DEPLOY_ACTIONS.blocked,
      detail: `${blocked.map(([name]) => name).join(', ')} cannot change on an existing queue; delete the queue (or run \`streambridge local destroy\`) and deploy again`,
      queueUrl: url,
      queueArn,
    };
  }
  if (changed.length === 0) {
    return {
      action: DEPLOY_ACTIONS.unchanged,
      detail: attributeText(spec.attributes),
      queueUrl: url,
      queueArn,
    };
  }
  await client.send(
    new SetQueueAttributesCommand({ QueueUrl: url, Attributes: Object.fromEntries(changed) }),
  );
  return {
    action: DEPLOY_ACTIONS.updated,
    detail: changed.map(([name, value]) => `${name} ${current[name] ?? 'unset'} → ${value}`).join('; '),
    queueUrl: url,
    queueArn,
  };
}
