import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ChangeBridgeSlice } from '../lambdas/core/config/validatePipelineConfig';
import { BridgeFunction } from './BridgeFunction';
import { BridgeQueues } from './BridgeQueues';
import { HANDLERS } from './constants';
import { streamEventSourceOptions } from './defaults/eventSourceDefaults';
import { hashesAttributes, kafkaProducerEnvironment } from './handlerEnvironment';
import { grantKafkaProduce } from './kafkaPermissions';
import type { FunctionPlacement, KafkaAccess } from './types';

export interface DynamoToKafkaBridgeProps {
  readonly functionName: string;
  /** The sources read from their DynamoDB streams, and the topics they publish to. */
  readonly slice: ChangeBridgeSlice;
  /** The source tables by name; each needs a stream. */
  readonly tables: ReadonlyMap<string, dynamodb.ITable>;
  readonly kafka: KafkaAccess;
  /** Salt of `governance.hash` (`GOVERNANCE_HASH_SALT`); share one between bridges to keep hashes joinable. */
  readonly governanceSalt?: secretsmanager.ISecret;
  readonly placement: FunctionPlacement;
  /** Default: a new encrypted, TLS-only queue. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** Default: a new encrypted, TLS-only queue. */
  readonly onFailureQueue?: sqs.IQueue;
  readonly functionProps?: Partial<nodejs.NodejsFunctionProps>;
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
export class DynamoToKafkaBridge extends Construct {
  readonly bridge: BridgeFunction;
  readonly eventSourceMappings: readonly lambda.EventSourceMapping[];
  readonly deadLetterQueue: sqs.IQueue;
  readonly onFailureQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: DynamoToKafkaBridgeProps) {
    super(scope, id);
    const queues = BridgeQueues.orGiven(this, props);
    this.deadLetterQueue = queues.deadLetterQueue;
    this.onFailureQueue = queues.onFailureQueue;

    this.bridge = new BridgeFunction(this, 'Handler', {
      handler: HANDLERS.ddbStreamToKafka,
      functionName: props.functionName,
      placement: props.placement,
      config: props.slice,
      deadLetterQueue: this.deadLetterQueue,
      environment: kafkaProducerEnvironment(
        props.kafka,
        hashesAttributes(props.slice) ? props.governanceSalt : undefined,
      ),
      functionProps: props.functionProps,
    });
    grantKafkaProduce(
      this,
      this.bridge.role,
      props.kafka,
      props.slice.topics.map((topic) => topic.name),
    );

    const onFailure = new SqsDlq(this.onFailureQueue);
    this.eventSourceMappings = props.slice.sources.map((source) => {
      const table = props.tables.get(source.name);
      if (!table?.tableStreamArn) {
        throw new Error(`${this.node.path}: source table "${source.name}" is missing or has no stream`);
      }
      table.grantStreamRead(this.bridge.role);
      const mapping = new lambda.EventSourceMapping(this, `Source-${source.name}`, {
        target: this.bridge.function,
        ...streamEventSourceOptions(table.tableStreamArn, source.eventSource, onFailure),
      });
      // Lambda checks the role's permissions when it creates the mapping.
      mapping.node.addDependency(this.bridge.role);
      return mapping;
    });
  }
}
