import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { SourceTableConfig } from '../../config/types';
import { InsecureOverrideError } from '../errors';

/**
 * Props of the Kinesis stream a table streams its changes to: provisioned shards from the config (1 by
 * default), 24 h retention unless configured, encrypted with the AWS-managed `aws/kinesis` key (readers and
 * the DynamoDB streaming destination need no key grants), retained with the data.
 *
 * @example
 * ```ts
 * new kinesis.Stream(this, 'Changes', changeStreamProps('Telemetry', source));
 * ```
 */
export function changeStreamProps(
  construct: string,
  source: SourceTableConfig,
  overrides: Partial<kinesis.StreamProps> = {},
): kinesis.StreamProps {
  if (overrides.encryption === kinesis.StreamEncryption.UNENCRYPTED) {
    throw new InsecureOverrideError(construct, 'encryption: UNENCRYPTED', 'change records carry item images');
  }
  return {
    streamMode: kinesis.StreamMode.PROVISIONED,
    shardCount: source.kinesis?.shardCount ?? 1,
    retentionPeriod: Duration.hours(source.kinesis?.retentionHours ?? 24),
    encryption: kinesis.StreamEncryption.MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
    ...overrides,
  };
}
