import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import { ChangeBridgeBase, type ChangeBridgeBaseProps } from './ChangeBridgeBase';
import { HANDLERS } from './constants';

export interface KinesisToKafkaBridgeProps extends ChangeBridgeBaseProps {
  /** Each source's Kinesis streaming destination, by source table name. */
  readonly streams: ReadonlyMap<string, kinesis.IStream>;
}

/**
 * Kinesis Data Streams for DynamoDB → Kafka: the kinesis-to-kafka handler with one event source mapping per
 * stream (the same defaults as the DynamoDB Streams path), read access to exactly those streams, and
 * produce access to exactly the sources' topics.
 *
 * @example
 * ```ts
 * new KinesisToKafkaBridge(this, 'Bridge', {
 *   functionName: 'shop-kinesis-to-kafka', slice: changeBridgeSlice(config, 'kinesis'),
 *   streams: new Map([['telemetry', telemetry.kinesisStream]]), kafka: cluster.access, placement,
 * });
 * ```
 */
export class KinesisToKafkaBridge extends ChangeBridgeBase {
  constructor(scope: Construct, id: string, props: KinesisToKafkaBridgeProps) {
    super(scope, id, props, HANDLERS.kinesisToKafka, (source, role, path) => {
      const stream = props.streams.get(source.name);
      if (!stream) throw new Error(`${path}: source "${source.name}" has no Kinesis stream`);
      stream.grantRead(role);
      return stream.streamArn;
    });
  }
}
