import { Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AVAILABILITY_ZONE_ID, defaultAvailabilityZoneIds } from './defaults/availabilityZoneDefaults';
import { endpointPolicyDefaults, interfaceEndpointDefaults, vpcDefaults } from './defaults/vpcDefaults';
import type { PipelineNetwork } from './types';

export interface StreamingNetworkProps {
  /**
   * AZ names (`eu-west-1a`) or AZ ids (`euw1-az1`), one subnet in each. Default: two AZ ids MSK accepts in
   * the stack's region ({@link defaultAvailabilityZoneIds}).
   */
  readonly availabilityZones?: readonly string[];
  /** Overrides merged over {@link vpcDefaults}. */
  readonly vpcProps?: Partial<ec2.VpcProps>;
  /**
   * Gateway endpoints (free). Default: DynamoDB. Add S3 when a function in the VPC answers CloudFormation
   * custom resources (their pre-signed response URL is on S3).
   */
  readonly gatewayEndpoints?: readonly ec2.GatewayVpcEndpointAwsService[];
  /** Interface endpoints to create; default: SQS. */
  readonly interfaceEndpoints?: readonly ec2.InterfaceVpcEndpointAwsService[];
  /** Flow log retention (rejected connections). Default: one month. */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * The pipeline's network: a VPC of isolated subnets in AZs MSK accepts, a DynamoDB gateway endpoint,
 * interface endpoints for the other AWS APIs (each limited to the account's own resources), flow logs of rejected traffic, and the bridge functions' security group. Data stores
 * add their own security groups that admit only {@link functionSecurityGroup}.
 *
 * @example
 * ```ts
 * const network = new StreamingNetwork(this, 'Network', { interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SQS] });
 * new lambda.Function(this, 'Fn', { ..., vpc: network.vpc, vpcSubnets: network.subnets, securityGroups: [network.functionSecurityGroup] });
 * ```
 */
export class StreamingNetwork extends Construct implements PipelineNetwork {
  readonly vpc: ec2.Vpc;
  /** Where functions, brokers and cache nodes go. */
  readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  /** Attached to every bridge function; data stores admit it on their ports. */
  readonly functionSecurityGroup: ec2.SecurityGroup;
  /** Attached to the interface endpoints; admits HTTPS from the functions (and whoever {@link allowEndpointsFrom}). */
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  readonly interfaceEndpoints: readonly ec2.InterfaceVpcEndpoint[];
  readonly gatewayEndpoints: readonly ec2.GatewayVpcEndpoint[];
  readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: StreamingNetworkProps = {}) {
    super(scope, id);
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    const zones = props.availabilityZones ?? defaultAvailabilityZoneIds(this);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ...vpcDefaults(),
      availabilityZones: [...zones],
      // Rejected connections are the security signal; logging all traffic would bill every byte twice.
      flowLogs: {
        Rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
      ...props.vpcProps,
    });
    // The VPC construct knows AZ names only: a subnet placed by AZ id says so in AvailabilityZoneId.
    if (zones.some((zone) => Token.isUnresolved(zone) || AVAILABILITY_ZONE_ID.test(zone))) {
      for (const subnet of this.vpc.isolatedSubnets) {
        const cfn = subnet.node.defaultChild as ec2.CfnSubnet;
        cfn.availabilityZoneId = cfn.availabilityZone;
        cfn.availabilityZone = undefined;
      }
    }

    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'Bridge functions: reach the brokers, the cache and the AWS API endpoints',
      // Egress is open because the DynamoDB gateway endpoint is addressed by a regional prefix list that
      // cannot be resolved offline; the subnets have no route out of the VPC, so nothing leaves it.
      allowAllOutbound: true,
    });
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from the bridge functions and the MSK event source pollers',
      allowAllOutbound: false,
    });
    this.allowEndpointsFrom(this.functionSecurityGroup);

    this.gatewayEndpoints = (props.gatewayEndpoints ?? [ec2.GatewayVpcEndpointAwsService.DYNAMODB]).map(
      (service) => {
        const endpoint = this.vpc.addGatewayEndpoint(`Endpoint-${service.name.split('.').pop()}`, {
          service,
          subnets: [this.subnets],
        });
        for (const statement of endpointPolicyDefaults(service)) endpoint.addToPolicy(statement);
        return endpoint;
      },
    );
    const services =
      props.interfaceEndpoints ?? interfaceEndpointDefaults({ secrets: false, kafkaConsumers: false });
    this.interfaceEndpoints = services.map((service) => {
      const endpoint = new ec2.InterfaceVpcEndpoint(this, `Endpoint-${service.shortName}`, {
        vpc: this.vpc,
        service,
        subnets: this.subnets,
        securityGroups: [this.endpointSecurityGroup],
        // Not open to the whole VPC CIDR: only the security groups allowed above.
        open: false,
        privateDnsEnabled: true,
      });
      for (const statement of endpointPolicyDefaults(service)) endpoint.addToPolicy(statement);
      return endpoint;
    });

    Validations.of(this.vpc).acknowledge({
      id: 'AwsSolutions-VPC3',
      reason:
        'Security groups admit only the bridge functions on each data port; network ACLs would repeat those rules per subnet.',
    });
  }

  /** Lets `peer` reach the interface endpoints over HTTPS (e.g. the MSK cluster's security group, used by event source pollers). */
  allowEndpointsFrom(peer: ec2.IConnectable): void {
    this.endpointSecurityGroup.connections.allowFrom(peer, ec2.Port.tcp(443), 'HTTPS to AWS API endpoints');
  }
}
