import { CfnMapping, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * Two AZ ids per region for the pipeline's subnets (brokers, cache nodes, functions), as of 2026-12: AZs
 * MSK accepts (it refuses some, e.g. `use1-az3`) that every account has (newer accounts lack e.g.
 * `usw1-az2`, `apne1-az3`, `cac1-az3`). AZ ids name the same place in every account; AZ names
 * (`us-east-1a`) do not. A region missing here fails the deploy at once (`Fn::FindInMap`): name the AZs
 * in the config (`network.availabilityZones`).
 */
export const MSK_AVAILABILITY_ZONE_IDS: Readonly<Record<string, readonly [string, string]>> = {
  'us-east-1': ['use1-az1', 'use1-az2'],
  'us-east-2': ['use2-az1', 'use2-az2'],
  'us-west-1': ['usw1-az1', 'usw1-az3'],
  'us-west-2': ['usw2-az1', 'usw2-az2'],
  'ca-central-1': ['cac1-az1', 'cac1-az2'],
  'sa-east-1': ['sae1-az1', 'sae1-az2'],
  'eu-west-1': ['euw1-az1', 'euw1-az2'],
  'eu-west-2': ['euw2-az1', 'euw2-az2'],
  'eu-west-3': ['euw3-az1', 'euw3-az2'],
  'eu-central-1': ['euc1-az1', 'euc1-az2'],
  'eu-central-2': ['euc2-az1', 'euc2-az2'],
  'eu-north-1': ['eun1-az1', 'eun1-az2'],
  'eu-south-1': ['eus1-az1', 'eus1-az2'],
  'eu-south-2': ['eus2-az1', 'eus2-az2'],
  'ap-south-1': ['aps1-az1', 'aps1-az2'],
  'ap-south-2': ['aps2-az1', 'aps2-az2'],
  'ap-southeast-1': ['apse1-az1', 'apse1-az2'],
  'ap-southeast-2': ['apse2-az1', 'apse2-az2'],
  'ap-southeast-3': ['apse3-az1', 'apse3-az2'],
  'ap-southeast-4': ['apse4-az1', 'apse4-az2'],
  'ap-northeast-1': ['apne1-az1', 'apne1-az2'],
  'ap-northeast-2': ['apne2-az1', 'apne2-az2'],
  'ap-northeast-3': ['apne3-az1', 'apne3-az2'],
  'ap-east-1': ['ape1-az1', 'ape1-az2'],
  'me-south-1': ['mes1-az1', 'mes1-az2'],
  'me-central-1': ['mec1-az1', 'mec1-az2'],
  'il-central-1': ['ilc1-az1', 'ilc1-az2'],
  'af-south-1': ['afs1-az1', 'afs1-az2'],
};

/** An AZ id (`use1-az1`), as opposed to an AZ name (`us-east-1a`). */
export const AVAILABILITY_ZONE_ID = /^[a-z]{2,5}\d-az\d{1,2}$/;

/** Regions where MSK takes exactly two subnets (two AZs), by region name and by AZ id prefix. */
export const TWO_AZ_MSK_REGIONS = {
  names: ['us-west-1', 'ca-central-1', 'sa-east-1'],
  idPrefixes: ['usw1', 'cac1', 'sae1'],
} as const;

const MAPPING_ID = 'MskAvailabilityZoneIds';

/**
 * The default AZ ids of a stack: from {@link MSK_AVAILABILITY_ZONE_IDS} for its region, as literals when
 * the stack's region is known at synth, else read at deploy time (`Fn::FindInMap` on `AWS::Region`), so
 * an environment-agnostic synth stays offline.
 *
 * @example
 * ```ts
 * new ec2.Vpc(this, 'Vpc', { availabilityZones: defaultAvailabilityZoneIds(this) }); // then set AvailabilityZoneId
 * ```
 */
export function defaultAvailabilityZoneIds(scope: Construct): string[] {
  const stack = Stack.of(scope);
  const mapping =
    (stack.node.tryFindChild(MAPPING_ID) as CfnMapping | undefined) ??
    new CfnMapping(stack, MAPPING_ID, {
      mapping: Object.fromEntries(
        Object.entries(MSK_AVAILABILITY_ZONE_IDS).map(([region, [first, second]]) => [
          region,
          { first, second },
        ]),
      ),
      // A known region gets literal ids and no mapping in the template.
      lazy: true,
    });
  return [mapping.findInMap(stack.region, 'first'), mapping.findInMap(stack.region, 'second')];
}
