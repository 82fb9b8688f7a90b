import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { failureQueueProps } from './defaults/queueDefaults';

export interface BridgeQueuesProps {
  /** Overrides merged over the failure-queue defaults; weakening ones are refused. */
  readonly queueProps?: Partial<sqs.QueueProps>;
}

/**
 * The failure queue of one bridge: `deadLetters` receives single poison records from the handler (with
 * reason, coordinates and a deterministic id). Batches the event source mapping gives up on go, whole, to
 * the pipeline's S3 failure-record bucket instead (`FailureRecordBucket`): a queue would get only metadata.
 *
 * @example
 * ```ts
 * const queues = new BridgeQueues(this, 'RedisSinkQueues');
 * new KafkaToRedisSink(this, 'RedisSink', { ..., deadLetterQueue: queues.deadLetters });
 * ```
 */
export class BridgeQueues extends Construct {
  readonly deadLetters: sqs.Queue;

  /** The given dead-letter queue, or a new one made under `scope`. */
  static orGiven(scope: Construct, given: { readonly deadLetterQueue?: sqs.IQueue }): sqs.IQueue {
    return given.deadLetterQueue ?? new BridgeQueues(scope, 'Queues').deadLetters;
  }

  constructor(scope: Construct, id: string, props: BridgeQueuesProps = {}) {
    super(scope, id);
    this.deadLetters = new sqs.Queue(
      this,
      'DeadLetters',
      failureQueueProps(this.node.path, props.queueProps),
    );
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter destination (poison records); alarms fire on any message in it.',
    });
  }
}
