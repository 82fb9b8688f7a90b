import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { ExistingNetworkConfig } from '../config/types';
import type { PipelineNetwork } from './types';

export interface ExistingNetworkProps {
  readonly existing: ExistingNetworkConfig;
}

/**
 * The user's VPC (`network.existing`), addressed offline: `Vpc.fromVpcAttributes` with the configured AZs
 * and subnets (no context lookup, no account needed to synthesize), and the bridge functions' security
 * group, given or new in that VPC. Nothing else is created: the VPC endpoints the functions need are the
 * user's (docs/existing-infrastructure.md).
 *
 * @example
 * ```ts
 * const network = new ExistingNetwork(this, 'Network', {
 *   existing: { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], subnetIds: ['subnet-0123456789abcdef0'] },
 * });
 * ```
 */
export class ExistingNetwork extends Construct implements PipelineNetwork {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly functionSecurityGroup: ec2.ISecurityGroup;

  constructor(scope: Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    const { existing } = props;
    Validations.of(this).acknowledge({
      id: 'Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId',
      reason:
        "The pipeline never reads or changes an existing subnet's routes, so its route table is not needed at synth.",
    });
    this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: existing.vpcId,
      availabilityZones: [...existing.availabilityZones],
      isolatedSubnetIds: [...existing.subnetIds],
    });
    this.subnets = {
      subnets: existing.subnetIds.map((subnetId, i) =>
        ec2.Subnet.fromSubnetAttributes(this, `Subnet${i}`, {
          subnetId,
          availabilityZone: existing.availabilityZones[i] as string,
        }),
      ),
    };
    this.functionSecurityGroup = existing.securityGroupId
      ? // The user's group is not ours to change: rules are added on the other side only.
        ec2.SecurityGroup.fromSecurityGroupId(this, 'FunctionSecurityGroup', existing.securityGroupId, {
          mutable: false,
        })
      : new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
          vpc: this.vpc,
          description: 'Bridge functions: reach the brokers, the cache and the AWS API endpoints',
          // As in StreamingNetwork: where traffic may go is the user's VPC's routing.
          allowAllOutbound: true,
        });
  }

  /** The endpoints of an existing VPC are the user's: nothing to allow here. */
  allowEndpointsFrom(_peer: ec2.IConnectable): void {}
}
