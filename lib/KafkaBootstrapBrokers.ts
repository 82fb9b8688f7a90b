import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { BOOTSTRAP_BROKER_FIELDS } from './constants';

export interface KafkaBootstrapBrokersProps {
  /** An MSK cluster (provisioned or serverless). */
  readonly clusterArn: string;
  /** Which listener the clients use: picks the broker string. */
  readonly auth: keyof typeof BOOTSTRAP_BROKER_FIELDS;
}

/**
 * The bootstrap brokers of an MSK cluster, resolved at deploy time: a custom resource calls
 * `kafka:GetBootstrapBrokers` when the cluster is created or replaced (CloudFormation has no attribute for
 * them), so handlers get `KAFKA_BROKERS` in their environment and never call the MSK control plane at cold
 * start. The call runs in a CDK-provided function outside the pipeline VPC, whose role may call only that
 * action on only this cluster. Use it for an existing cluster too.
 *
 * @example
 * ```ts
 * const brokers = new KafkaBootstrapBrokers(this, 'Brokers', { clusterArn, auth: 'iam' });
 * fn.addEnvironment('KAFKA_BROKERS', brokers.brokers); // 'b-1.orders.abc.c2.kafka.eu-west-1.amazonaws.com:9098,…'
 * ```
 */
export class KafkaBootstrapBrokers extends Construct {
  /** Comma-separated `host:port` of the brokers' listener for the chosen auth; a deploy-time value. */
  readonly brokers: string;
  readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: KafkaBootstrapBrokersProps) {
    super(scope, id);
    const field = BOOTSTRAP_BROKER_FIELDS[props.auth];
    const call: cr.AwsSdkCall = {
      service: 'Kafka',
      action: 'getBootstrapBrokers',
      parameters: { ClusterArn: props.clusterArn },
      // A replaced cluster has a new ARN: the changed parameters re-run the call.
      physicalResourceId: cr.PhysicalResourceId.of(props.clusterArn),
      // Only the string the clients use goes into the (4 KB) custom resource response.
      outputPaths: [field],
    };
    this.resource = new cr.AwsCustomResource(this, 'Resource', {
      resourceType: 'Custom::KafkaBootstrapBrokers',
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers'], resources: [props.clusterArn] }),
      ]),
      // The SDK in the Lambda runtime has GetBootstrapBrokers; installing one at deploy time needs npm.
      installLatestAwsSdk: false,
    });
    this.brokers = this.resource.getResponseField(field);

    // One provider function serves every AwsCustomResource of the stack.
    const provider = Stack.of(this).node.tryFindChild(
      `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "aws-cdk-lib's AwsCustomResource provider function writes its logs with the AWS-managed basic execution policy (CloudWatch Logs only); it runs only during deployments, and its one other permission is kafka:GetBootstrapBrokers on this cluster.",
      });
    }
  }
}
