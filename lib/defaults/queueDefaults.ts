import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { InsecureOverrideError } from '../errors';

/**
 * Defaults of the queues that hold failed work: poison records a handler dead-letters, and batches an event
 * source mapping gives up on. Encrypted (SQS-managed keys, so any role of the account can be granted
 * access without a key policy), TLS-only, 14 days to look at them, and kept when the stack goes away.
 *
 * @example
 * ```ts
 * new sqs.Queue(this, 'DeadLetters', failureQueueProps('MyBridge', { retentionPeriod: Duration.days(7) }));
 * ```
 */
export function failureQueueDefaults(): sqs.QueueProps {
  return {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/** Merges overrides over {@link failureQueueDefaults}, refusing any that would weaken them. */
export function failureQueueProps(
  construct: string,
  overrides: Partial<sqs.QueueProps> = {},
): sqs.QueueProps {
  if (overrides.encryption === sqs.QueueEncryption.UNENCRYPTED) {
    throw new InsecureOverrideError(construct, 'encryption: UNENCRYPTED', 'failed records carry payloads');
  }
  if (overrides.enforceSSL === false) {
    throw new InsecureOverrideError(construct, 'enforceSSL: false', 'the queue must refuse plain HTTP');
  }
  return { ...failureQueueDefaults(), ...overrides };
}
