import { describe, expect, it } from 'vitest';
import { reportRows } from '../../../local/commands/local';
import type { ReportEntry } from '../../../local/deploy/types';

function entry(overrides: Partial<ReportEntry>): ReportEntry {
  return {
    stackName: 'app',
    logicalId: 'Id',
    type: 'AWS::DynamoDB::Table',
    kind: 'table',
    name: 'orders',
    action: 'created',
    detail: 'key id HASH',
    ...overrides,
  };
}

describe('reportRows', () => {
  const report = [
    entry({}),
    entry({
      action: 'skipped',
      type: 'AWS::EC2::Subnet',
      kind: 'other',
      name: 'SubnetA',
      detail: 'networking',
    }),
    entry({
      action: 'skipped',
      type: 'AWS::EC2::Subnet',
      kind: 'other',
      name: 'SubnetB',
      detail: 'networking',
    }),
    entry({ action: 'skipped', type: 'AWS::IAM::Role', kind: 'other', name: 'Role', detail: 'IAM' }),
  ];

  it('lists deployed resources and groups skipped ones by type and reason', () => {
    expect(reportRows(report, false)).toEqual([
      ['ACTION', 'TYPE', 'NAME', 'DETAIL'],
      ['created', 'AWS::DynamoDB::Table', 'orders', 'key id HASH'],
      ['skipped', 'AWS::EC2::Subnet', '2 resources', 'networking'],
      ['skipped', 'AWS::IAM::Role', 'Role', 'IAM'],
    ]);
  });

  it('lists every skipped resource when verbose', () => {
    expect(reportRows(report, true)).toHaveLength(5);
  });
});
