import { describe, expect, it } from 'vitest';
import { CFN_TYPES } from '../../../local/deploy/constants';
import { placeholderDeployer } from '../../../local/deploy/deployers/placeholderDeployer';
import {
  deployerFor,
  RESOURCE_DEPLOYERS,
  serverOperations,
} from '../../../local/deploy/deployers/resourceDeployers';
import { LocalDeployError } from '../../../local/deploy/errors';
import type { ServerResourceKind } from '../../../local/deploy/types';

describe('the deployer registry', () => {
  it.each([
    [CFN_TYPES.table, 'table'],
    [CFN_TYPES.globalTable, 'table'],
    [CFN_TYPES.kinesisStream, 'kinesis-stream'],
    [CFN_TYPES.mskTopic, 'topic'],
    [CFN_TYPES.queue, 'queue'],
    [CFN_TYPES.function, 'function'],
    [CFN_TYPES.eventSourceMapping, 'event-source-mapping'],
  ])('deploys %s as a %s', (type, kind) => {
    // Act
    const deployer = deployerFor(RESOURCE_DEPLOYERS, type);

    // Assess
    expect(deployer.kind).toBe(kind);
    expect(deployer).not.toBe(placeholderDeployer);
  });

  it.each(['AWS::EC2::VPC', 'AWS::Glue::Table', 'Custom::Anything'])(
    'skips %s with the placeholder deployer',
    (type) => {
      expect(deployerFor(RESOURCE_DEPLOYERS, type)).toBe(placeholderDeployer);
    },
  );

  it.each<[ServerResourceKind, string]>([
    ['table', CFN_TYPES.table],
    ['kinesis-stream', CFN_TYPES.kinesisStream],
    ['topic', CFN_TYPES.mskTopic],
    ['queue', CFN_TYPES.queue],
  ])('finds the server operations of %s resources of the state file', (kind, type) => {
    // Act
    const server = serverOperations(RESOURCE_DEPLOYERS, kind);

    // Assess
    expect(server.kind).toBe(kind);
    expect(server.type).toBe(type);
  });

  it('records a server resource under the kind its report lines carry', () => {
    for (const [type, deployer] of RESOURCE_DEPLOYERS) {
      if (deployer.server) expect(deployer.server.kind, type).toBe(deployer.kind);
    }
  });

  it('refuses a state file kind no deployer handles, naming it', () => {
    // Act
    const act = () => serverOperations(new Map(), 'queue');

    // Assess
    expect(act).toThrow(LocalDeployError);
    expect(act).toThrow('no deployer handles the queue resources of the state file');
  });
});
