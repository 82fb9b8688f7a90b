import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { failureQueueProps } from './defaults/queueDefaults';

export interface BridgeQueuesProps {
  /** Overrides merged over the failure-queue defaults; weakening ones are refused. */
  readonly queueProps?: Partial<sqs.QueueProps>;
}

/**
 * The two failure queues of one bridge, kept apart because they hold different things: `deadLetters`
 * receives single poison records from the handler (with reason and coordinates), `onFailure` receives the
 * event source mapping's reports of batches it gave up on (retries or record age exhausted).
 *
 * @example
 * ```ts
 * const queues = new BridgeQueues(this, 'RedisSinkQueues');
 * new KafkaToRedisSink(this, 'RedisSink', { ..., deadLetterQueue: queues.deadLetters, onFailureQueue: queues.onFailure });
 * ```
 */
export class BridgeQueues extends Construct {
  readonly deadLetters: sqs.Queue;
  readonly onFailure: sqs.Queue;

  /** The given queues, with a new pair made under `scope` when either is missing. */
  static orGiven(
    scope: Construct,
    given: { readonly deadLetterQueue?: sqs.IQueue; readonly onFailureQueue?: sqs.IQueue },
  ): { deadLetterQueue: sqs.IQueue; onFailureQueue: sqs.IQueue } {
    if (given.deadLetterQueue && given.onFailureQueue) {
      return { deadLetterQueue: given.deadLetterQueue, onFailureQueue: given.onFailureQueue };
    }
    const made = new BridgeQueues(scope, 'Queues');
    return {
      deadLetterQueue: given.deadLetterQueue ?? made.deadLetters,
      onFailureQueue: given.onFailureQueue ?? made.onFailure,
    };
  }

  constructor(scope: Construct, id: string, props: BridgeQueuesProps = {}) {
    super(scope, id);
    this.deadLetters = new sqs.Queue(
      this,
      'DeadLetters',
      failureQueueProps(this.node.path, props.queueProps),
    );
    this.onFailure = new sqs.Queue(this, 'OnFailure', failureQueueProps(this.node.path, props.queueProps));
    for (const queue of [this.deadLetters, this.onFailure]) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter destination (poison records / failed batches); alarms fire on any message in it.',
      });
    }
  }
}
