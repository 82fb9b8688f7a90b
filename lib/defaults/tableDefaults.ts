import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { AttributeDefinition, SinkTableConfig, SourceTableConfig } from '../../config/types';
import { InsecureOverrideError } from '../errors';

/**
 * Defaults shared by every table: on-demand, point-in-time recovery, encrypted with the AWS-managed key,
 * deletion protection, retained when the stack goes away.
 */
export function tableDefaults(): Partial<dynamodb.TableProps> {
  return {
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

function attribute(definition: AttributeDefinition): dynamodb.Attribute {
  const types = {
    S: dynamodb.AttributeType.STRING,
    N: dynamodb.AttributeType.NUMBER,
    B: dynamodb.AttributeType.BINARY,
  } as const;
  return { name: definition.name, type: types[definition.type] };
}

function checkOverrides(construct: string, overrides: Partial<dynamodb.TableProps>): void {
  if (
    overrides.pointInTimeRecovery === false ||
    overrides.pointInTimeRecoverySpecification?.pointInTimeRecoveryEnabled === false
  ) {
    throw new InsecureOverrideError(construct, 'point-in-time recovery off', 'tables keep recoverable state');
  }
  if (overrides.tableName !== undefined) {
    throw new InsecureOverrideError(
      construct,
      'tableName',
      'the pipeline config names the table; the handlers and the local runtime rely on that name',
    );
  }
}

/**
 * Props of a source table: the config's name as the physical name (envelopes and handlers use it), its
 * keys, TTL, a `NEW_AND_OLD_IMAGES` stream, and the Kinesis streaming destination when one is given.
 *
 * @example
 * ```ts
 * new dynamodb.Table(this, 'Orders', sourceTableProps('Orders', source, undefined, {}));
 * ```
 */
export function sourceTableProps(
  construct: string,
  source: SourceTableConfig,
  kinesisStream?: kinesis.IStream,
  overrides: Partial<dynamodb.TableProps> = {},
): dynamodb.TableProps {
  checkOverrides(construct, overrides);
  if (overrides.stream !== undefined && overrides.stream !== dynamodb.StreamViewType.NEW_AND_OLD_IMAGES) {
    throw new InsecureOverrideError(
      construct,
      `stream: ${overrides.stream}`,
      'change envelopes need both images (NEW_AND_OLD_IMAGES)',
    );
  }
  return {
    ...tableDefaults(),
    tableName: source.name,
    partitionKey: attribute(source.partitionKey),
    ...(source.sortKey ? { sortKey: attribute(source.sortKey) } : {}),
    ...(source.ttlAttribute ? { timeToLiveAttribute: source.ttlAttribute } : {}),
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    ...(kinesisStream
      ? {
          kinesisStream,
          // Millisecond creation times keep change order visible within a second.
          kinesisPrecisionTimestamp: dynamodb.ApproximateCreationDateTimePrecision.MILLISECOND,
        }
      : {}),
    ...overrides,
  };
}

/** Props of a sink table (written by the kafka-to-dynamodb sink): the config's name, keys and TTL. */
export function sinkTableProps(
  construct: string,
  table: SinkTableConfig,
  overrides: Partial<dynamodb.TableProps> = {},
): dynamodb.TableProps {
  checkOverrides(construct, overrides);
  return {
    ...tableDefaults(),
    tableName: table.name,
    partitionKey: attribute(table.partitionKey),
    ...(table.sortKey ? { sortKey: attribute(table.sortKey) } : {}),
    ...(table.ttlAttribute ? { timeToLiveAttribute: table.ttlAttribute } : {}),
    ...overrides,
  };
}

/**
 * The global secondary indexes a sink table declares (`sinks.dynamodb.tables[].globalIndexes`), all
 * attributes projected: the `sessions` mode lists a day's sessions and the open ones due to close through one.
 *
 * @example
 * ```ts
 * sinkTableIndexes(config).forEach((index) => table.addGlobalSecondaryIndex(index));
 * ```
 */
export function sinkTableIndexes(table: SinkTableConfig): dynamodb.GlobalSecondaryIndexProps[] {
  return (table.globalIndexes ?? []).map((index) => ({
    indexName: index.name,
    partitionKey: attribute(index.partitionKey),
    ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
    projectionType: dynamodb.ProjectionType.ALL,
  }));
}
