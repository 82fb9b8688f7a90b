import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { sourcePath } from '../config/handlerSlices';
import type { SourceTableConfig } from '../config/types';
import { changeStreamProps } from './defaults/kinesisStreamDefaults';
import { sourceTableProps } from './defaults/tableDefaults';

export interface ChangeSourceTableProps {
  readonly source: SourceTableConfig;
  /** Overrides merged over the table defaults; weakening ones (PITR off, other stream views) are refused. */
  readonly tableProps?: Partial<dynamodb.TableProps>;
  /** Overrides merged over the Kinesis stream defaults (used when the source goes `via: 'kinesis'`). */
  readonly streamProps?: Partial<kinesis.StreamProps>;
}

/**
 * A table whose changes the pipeline publishes: on-demand, point-in-time recovery, a `NEW_AND_OLD_IMAGES`
 * DynamoDB stream, TTL on the configured attribute, and, for `via: 'kinesis'`, an encrypted Kinesis Data
 * Stream as its streaming destination.
 *
 * @example
 * ```ts
 * const orders = new ChangeSourceTable(this, 'Orders', {
 *   source: { name: 'orders', partitionKey: { name: 'orderId', type: 'S' }, topic: 'orders.changes' },
 * });
 * orders.table.tableStreamArn; // read by the ddb-stream-to-kafka bridge
 * ```
 */
export class ChangeSourceTable extends Construct {
  readonly source: SourceTableConfig;
  readonly table: Table;
  /** The streaming destination, when the source goes through Kinesis. */
  readonly kinesisStream?: kinesis.Stream;

  constructor(scope: Construct, id: string, props: ChangeSourceTableProps) {
    super(scope, id);
    this.source = props.source;
    if (sourcePath(props.source) === 'kinesis') {
      this.kinesisStream = new kinesis.Stream(
        this,
        'ChangeStream',
        changeStreamProps(this.node.path, props.source, props.streamProps),
      );
    }
    this.table = new Table(
      this,
      'Table',
      sourceTableProps(this.node.path, props.source, this.kinesisStream, props.tableProps),
    );
  }

  /** The stream ARN the change bridge reads: the DynamoDB stream, or the Kinesis stream for `via: 'kinesis'`. */
  get changeStreamArn(): string {
    return this.kinesisStream ? this.kinesisStream.streamArn : (this.table.tableStreamArn as string);
  }
}
