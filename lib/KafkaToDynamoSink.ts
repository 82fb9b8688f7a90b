import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { CONFIG_DEFAULTS } from '../config/constants';
import type { DynamoSinkConfig } from '../config/types';
import { HANDLERS } from './constants';
import { KafkaSinkBase, type KafkaSinkBaseProps } from './KafkaSinkBase';
import { addScheduledInvocation } from './scheduledInvocations';

export interface KafkaToDynamoSinkProps extends KafkaSinkBaseProps {
  readonly sink: DynamoSinkConfig;
  /** The sink tables by name (every `sink.tables` entry). */
  readonly tables: ReadonlyMap<string, dynamodb.ITable>;
}

/** Item reads and writes the sink modes use: conditional puts/updates, batch writes, version reads. */
const SINK_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  // TransactWriteItems is authorized per item by the item actions above.
  'dynamodb:DescribeTable',
] as const;

/**
 * Kafka → DynamoDB: the kafka-to-dynamodb handler subscribed to every topic of its mappings (the same
 * event source defaults as the Redis sink), with item read/write access to exactly its sink tables (no
 * scans, no table management; Query only on the indexes of its `sessions` mappings).
 *
 * @example
 * ```ts
 * new KafkaToDynamoSink(this, 'DynamoSink', {
 *   functionName: 'shop-kafka-to-dynamodb', sink: config.sinks.dynamodb, tables, kafka: cluster.access,
 *   placement, pollerGroupName: 'shop-kafka-sinks',
 * });
 * ```
 */
export class KafkaToDynamoSink extends KafkaSinkBase {
  constructor(scope: Construct, id: string, props: KafkaToDynamoSinkProps) {
    super(scope, id, props, {
      handler: HANDLERS.kafkaToDynamodb,
      sink: props.sink,
      grantWrite: (role, path) => {
        const tableArns = props.sink.tables.map((table) => {
          const resource = props.tables.get(table.name);
          if (!resource) throw new Error(`${path}: sink table "${table.name}" is missing`);
          return resource.tableArn;
        });
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: [...SINK_TABLE_ACTIONS], resources: tableArns }),
        );
        // The sessions mode's schedule queries its table's index for the open sessions due to close.
        const indexArns = props.sink.mappings.flatMap((mapping) => {
          if (mapping.mode !== 'sessions') return [];
          const resource = props.tables.get(mapping.table);
          return resource ? [`${resource.tableArn}/index/${mapping.index}`] : [];
        });
        if (indexArns.length > 0) {
          role.addToPrincipalPolicy(
            new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [...new Set(indexArns)] }),
          );
        }
      },
    });
    // The sessions mode closes, on a schedule, the sessions whose gap passed with no later event.
    for (const mapping of props.sink.mappings) {
      if (mapping.mode !== 'sessions') continue;
      const minutes = mapping.closeEveryMinutes ?? CONFIG_DEFAULTS.sessionCloseEveryMinutes;
      addScheduledInvocation(this, this.bridge.function, {
        schedule: events.Schedule.rate(Duration.minutes(minutes)),
        mapping: mapping.name,
      });
    }
  }
}
