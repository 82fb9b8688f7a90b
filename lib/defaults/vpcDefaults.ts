import { Aws, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * VPC defaults: isolated subnets (one per AZ; the AZs come from the config or
 * `availabilityZoneDefaults.ts`), no NAT gateway, and a default security group with no rules (nothing is
 * placed in it; a CDK custom resource removes its rules at deploy time). Nothing in the pipeline needs the
 * internet: AWS APIs are reached through VPC endpoints, MSK and ElastiCache live in the subnets themselves.
 *
 * @example
 * ```ts
 * new ec2.Vpc(this, 'Vpc', { ...vpcDefaults(), availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
 * ```
 */
export function vpcDefaults(): ec2.VpcProps {
  return {
    ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/16'),
    natGateways: 0,
    subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
    restrictDefaultSecurityGroup: true,
  };
}

/**
 * The AWS APIs code in the VPC calls, each through an interface endpoint (each costs money per AZ-hour,
 * so only those something calls): SQS (the handlers' dead letters), Secrets Manager (the cache, SCRAM and
 * governance salt secrets, read at cold start), SNS when the Redis sink publishes threshold alerts there,
 * and for Kafka consumers Lambda and STS, which Lambda's MSK event source pollers reach from their network
 * interfaces in the subnets. No Kinesis, CloudWatch or
 * Logs endpoint: stream pollers, metrics (EMF log lines) and logs are carried by the Lambda service, not
 * by the VPC. No MSK API endpoint: bootstrap brokers are resolved at deploy time.
 */
export function interfaceEndpointDefaults(uses: {
  readonly secrets: boolean;
  readonly kafkaConsumers: boolean;
  /** Threshold alerts published to SNS (`alertSns`) by the Redis sink. */
  readonly sns?: boolean;
}): ec2.InterfaceVpcEndpointAwsService[] {
  const S = ec2.InterfaceVpcEndpointAwsService;
  return [
    S.SQS,
    ...(uses.secrets ? [S.SECRETS_MANAGER] : []),
    ...(uses.kafkaConsumers ? [S.LAMBDA, S.STS] : []),
    ...(uses.sns ? [S.SNS] : []),
  ];
}

/**
 * The policy of every VPC endpoint of the pipeline: requests by the account's own principals to the
 * account's own resources, and requests by AWS service principals (Lambda's MSK pollers act as the
 * service); nothing reaches another account's resources through them. On the S3 gateway, also the
 * CloudFormation custom-resource response bucket of the region, which the topic provisioner writes to
 * through a pre-signed URL.
 *
 * @example
 * ```ts
 * for (const statement of endpointPolicyDefaults(service)) endpoint.addToPolicy(statement);
 * ```
 */
export function endpointPolicyDefaults(
  service: ec2.IInterfaceVpcEndpointService | ec2.IGatewayVpcEndpointService,
): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: 'OwnAccountPrincipalsToOwnAccountResources',
      principals: [new iam.AnyPrincipal()],
      actions: ['*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID, 'aws:ResourceAccount': Aws.ACCOUNT_ID },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AwsServicePrincipals',
      principals: [new iam.AnyPrincipal()],
      actions: ['*'],
      resources: ['*'],
      conditions: { Bool: { 'aws:PrincipalIsAWSService': 'true' } },
    }),
  ];
  if (service === ec2.GatewayVpcEndpointAwsService.S3) {
    // The bucket is named after the region without dashes (us-east-1 → useast1).
    const region = Fn.join('', Fn.split('-', Aws.REGION));
    statements.push(
      new iam.PolicyStatement({
        sid: 'CloudFormationCustomResourceResponses',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [`arn:${Aws.PARTITION}:s3:::cloudformation-custom-resource-response-${region}/*`],
      }),
    );
  }
  return statements;
}
