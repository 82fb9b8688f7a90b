import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HANDLER_ENV } from '../lambdas/core/constants';
import { FUNCTION_DEFAULTS, type FunctionHandler, HANDLER_BUNDLES } from './constants';
import { bridgeFunctionDefaults, prebuiltHandlerBundle } from './defaults/functionDefaults';
import { InsecureOverrideError } from './errors';
import type { FunctionPlacement } from './types';

export interface BridgeFunctionProps {
  readonly handler: FunctionHandler;
  /** Physical name; its log group is then `/aws/lambda/<name>`. Default: generated. */
  readonly functionName?: string;
  readonly placement: FunctionPlacement;
  /** The handler's slice of the pipeline config, passed as JSON in `STREAMBRIDGE_CONFIG`; bridges have one. */
  readonly config?: unknown;
  /** Receives the poison records the handler dead-letters (`DEAD_LETTER_QUEUE_URL`); bridges have one. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** Further `HANDLER_ENV` variables (Kafka or Redis connection). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Overrides merged over {@link bridgeFunctionDefaults} (memory, timeout, bundling, ...). */
  readonly functionProps?: Partial<nodejs.NodejsFunctionProps>;
}

/**
 * One bridge handler as a Lambda function: the bundled handler (bundled from its sources in this
 * repository, the prebuilt bundle when used from the built package) in the VPC, its own role holding only
 * what the bridge grants it (logs go to its own log group with a retention), stack traces mapped to the
 * sources (`NODE_OPTIONS=--enable-source-maps`), and the `HANDLER_ENV` contract set: its config slice
 * and its dead-letter queue.
 *
 * @example
 * ```ts
 * const fn = new BridgeFunction(this, 'Fn', {
 *   handler: 'kafka-to-dynamodb', functionName: 'shop-kafka-to-dynamodb', placement,
 *   config: dynamoSinkSlice(config), deadLetterQueue,
 * });
 * fn.role.addToPolicy(...);
 * ```
 */
export class BridgeFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue?: sqs.IQueue;

  constructor(scope: Construct, id: string, props: BridgeFunctionProps) {
    super(scope, id);
    if (props.functionProps?.vpc !== undefined || props.functionProps?.role !== undefined) {
      throw new InsecureOverrideError(
        this.node.path,
        'functionProps.vpc/role',
        'the function runs in the pipeline VPC with its own least-privilege role',
      );
    }
    this.deadLetterQueue = props.deadLetterQueue;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      ...(props.functionName ? { logGroupName: `/aws/lambda/${props.functionName}` } : {}),
      retention: FUNCTION_DEFAULTS.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);
    // What AWSLambdaVPCAccessExecutionRole grants, inline: Lambda manages the function's network interfaces.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
    props.deadLetterQueue?.grantSendMessages(this.role);

    const defaults = bridgeFunctionDefaults(props.handler);
    const prebuilt = prebuiltHandlerBundle(props.handler);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      ...defaults,
      // From the built package: the bundle `npm run build` made from the same sources with the same settings.
      ...(prebuilt
        ? { code: lambda.Code.fromAsset(prebuilt), handler: HANDLER_BUNDLES.lambdaHandler }
        : // When this stack's bundling is skipped (tests, `cdk deploy` of the other stack), the asset would
          // be the whole project directory and fingerprinting it takes seconds per function: name it instead.
          Stack.of(this).bundlingRequired
          ? {}
          : { bundling: { ...defaults.bundling, assetHash: `unbundled-${props.handler}` } }),
      ...props.functionProps,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      role: this.role,
      logGroup: this.logGroup,
      vpc: props.placement.vpc,
      vpcSubnets: props.placement.vpcSubnets,
      securityGroups: [...props.placement.securityGroups],
      environment: {
        NODE_OPTIONS: FUNCTION_DEFAULTS.nodeOptions,
        ...props.environment,
        ...(props.config !== undefined ? { [HANDLER_ENV.config]: JSON.stringify(props.config) } : {}),
        ...(props.deadLetterQueue
          ? { [HANDLER_ENV.deadLetterQueueUrl]: props.deadLetterQueue.queueUrl }
          : {}),
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions without resource-level scoping are on *: EC2 network-interface management and describes for the VPC function and its MSK pollers (what AWSLambdaVPCAccessExecutionRole and AWSLambdaMSKExecutionRole grant), and dynamodb:ListStreams for stream discovery. Every data action is on exact ARNs (asserted by the infra tests).',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime the handlers are built, bundled (target node22) and tested for; moving runtimes is a deliberate upgrade.',
    });
  }
}
