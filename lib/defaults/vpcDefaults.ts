import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * VPC defaults: isolated subnets (one per AZ; the AZs come from the config or
 * `availabilityZoneDefaults.ts`) and no NAT gateway. Nothing in the pipeline needs the internet: DynamoDB
 * is reached through a gateway endpoint, the other AWS APIs through interface endpoints, MSK and
 * ElastiCache live in the subnets themselves.
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
    // Nothing is placed in the default security group; locking it down would need a custom-resource Lambda.
    restrictDefaultSecurityGroup: false,
  };
}

/**
 * The AWS APIs the bridges call from inside the VPC, each through an interface endpoint. SQS (dead
 * letters), STS and CloudWatch/Logs are always there; Kinesis, Secrets Manager and Lambda (MSK event
 * source pollers) depend on what the pipeline uses. No MSK API endpoint: bootstrap brokers are resolved at
 * deploy time, outside the VPC.
 */
export function interfaceEndpointDefaults(uses: {
  readonly kinesis: boolean;
  readonly secrets: boolean;
  readonly kafkaConsumers: boolean;
}): ec2.InterfaceVpcEndpointAwsService[] {
  const S = ec2.InterfaceVpcEndpointAwsService;
  return [
    S.SQS,
    S.STS,
    S.CLOUDWATCH_MONITORING,
    S.CLOUDWATCH_LOGS,
    ...(uses.kinesis ? [S.KINESIS_STREAMS] : []),
    ...(uses.secrets ? [S.SECRETS_MANAGER] : []),
    ...(uses.kafkaConsumers ? [S.LAMBDA] : []),
  ];
}
