import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ChangeBridgeBase, type ChangeBridgeBaseProps } from './ChangeBridgeBase';
import { HANDLERS } from './constants';

export interface DynamoToKafkaBridgeProps extends ChangeBridgeBaseProps {
  /** The source tables by name; each needs a stream. */
  readonly tables: ReadonlyMap<string, dynamodb.ITable>;
}

/**
 * DynamoDB Streams → Kafka: the ddb-stream-to-kafka handler with one event source mapping per source table
 * (partial batch responses, bisect, finite retries and record age, filters and batching from the config,
 * an on-failure queue), read access to exactly those streams, and produce access to exactly the sources'
 * topics.
 *
 * @example
 * ```ts
 * new DynamoToKafkaBridge(this, 'Bridge', {
 *   functionName: 'shop-ddb-stream-to-kafka', slice: changeBridgeSlice(config, 'dynamodb-streams'),
 *   tables: new Map([['orders', orders.table]]), kafka: cluster.access, placement,
 * });
 * ```
 */
export class DynamoToKafkaBridge extends ChangeBridgeBase {
  constructor(scope: Construct, id: string, props: DynamoToKafkaBridgeProps) {
    super(scope, id, props, HANDLERS.ddbStreamToKafka, (source, role, path) => {
      const table = props.tables.get(source.name);
      if (!table?.tableStreamArn) {
        throw new Error(`${path}: source table "${source.name}" is missing or has no stream`);
      }
      table.grantStreamRead(role);
      return table.tableStreamArn;
    });
  }
}
