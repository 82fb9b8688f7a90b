import { afterEach, describe, expect, it } from 'vitest';
import { DeploymentRun } from '../../../local/deploy/DeploymentRun';
import type { DeployContext } from '../../../local/deploy/deployers/DeployContext';
import type { DeployerRegistry, ResourceDeployer, ResourceSite } from '../../../local/deploy/deployers/types';
import { ResourceDeployError, TemplateError } from '../../../local/deploy/errors';
import { LocalClients } from '../../../local/deploy/LocalClients';
import type { AssemblyStack, CfnTemplate, DeploymentState } from '../../../local/deploy/types';
import { template, testEndpoints } from './deployFactories';

/** A server that lives in memory: what the in-memory deployers put on it, and every call they made. */
class MemoryServer {
  readonly things = new Set<string>();
  readonly calls: string[] = [];
}

/** `Test::Thing`: a server resource named by its `Name` property; `Fail` makes its apply step throw. */
function thingDeployer(server: MemoryServer): ResourceDeployer {
  return {
    kind: 'queue',
    plan(site: ResourceSite) {
      const properties = site.properties();
      const name = String(properties.Name ?? site.logicalId);
      server.calls.push(`plan ${name}`);
      return {
        name,
        async apply() {
          if (properties.Fail) throw new Error(String(properties.Fail));
          const existed = server.things.has(name);
          server.things.add(name);
          server.calls.push(`apply ${name}`);
          return {
            action: existed ? 'unchanged' : 'created',
            detail: `from ${JSON.stringify(properties)}`,
            values: { type: 'Test::Thing', ref: name, attributes: { Arn: `arn:test:${name}` } },
            ...(properties.Note
              ? { notes: [{ type: 'Test note', kind: 'other', name, action: 'created', detail: 'a note' }] }
              : {}),
          };
        },
      };
    },
    server: {
      kind: 'queue',
      type: 'Test::Thing',
      async describe(_clients, name) {
        return { exists: server.things.has(name), detail: '' };
      },
      async remove(_clients, name) {
        server.calls.push(`remove ${name}`);
        return server.things.delete(name);
      },
    },
  };
}

/** `Test::Refuse`: a template the deployer does not accept. */
const refusingDeployer: ResourceDeployer = {
  kind: 'other',
  plan(site) {
    throw new TemplateError(site.stackName, site.logicalId, 'Name', 'is not acceptable');
  },
};

/** `Test::Model`: lives only in the local model (no server), skipped when asked to. */
const modelDeployer: ResourceDeployer = {
  kind: 'function',
  plan(site: ResourceSite, context: DeployContext) {
    const properties = site.properties();
    const values = { type: 'Test::Model', ref: site.logicalId, attributes: {} };
    if (properties.Skip) return { skipped: String(properties.Skip), values };
    return {
      name: site.logicalId,
      async apply() {
        context.functions.push({
          logicalId: site.logicalId,
          functionName: site.logicalId,
          assetDir: '/nowhere',
          handler: 'index.handler',
          environment: {},
          timeoutSeconds: 3,
          memoryMb: 128,
        });
        return { action: 'created', detail: '', values };
      },
    };
  },
};

function stack(stackName: string, subject: CfnTemplate, dependencies: string[] = []): AssemblyStack {
  return { stackName, artifactId: stackName, template: subject, dependencies, assets: new Map() };
}

describe('DeploymentRun', () => {
  const clients = new LocalClients(testEndpoints);
  let server: MemoryServer;
  let registry: DeployerRegistry;

  function run(stacks: AssemblyStack[], previous?: DeploymentState) {
    return new DeploymentRun({
      clients,
      assembly: { directory: '/tmp/cdk.out', stacks },
      previous,
      inlineCodeDir: '/tmp/inline-code',
      log: () => undefined,
      deployers: registry,
    }).deploy();
  }

  function setUp() {
    server = new MemoryServer();
    registry = new Map([
      ['Test::Thing', thingDeployer(server)],
      ['Test::Refuse', refusingDeployer],
      ['Test::Model', modelDeployer],
    ]);
  }

  afterEach(async () => {
    await clients.close();
  });

  it('deploys each resource after what it refers to, stacks in assembly order, exports crossing stacks', async () => {
    // Prepare
    setUp();
    const first = template(
      {
        Second: { Type: 'Test::Thing', Properties: { Name: 'second', After: { Ref: 'First' } } },
        First: { Type: 'Test::Thing', Properties: { Name: 'first' } },
      },
      { Outputs: { Out: { Value: { 'Fn::GetAtt': ['Second', 'Arn'] }, Export: { Name: 'second-arn' } } } },
    );
    const later = template({
      Third: { Type: 'Test::Thing', Properties: { Name: { 'Fn::ImportValue': 'second-arn' } } },
    });

    // Act
    const result = await run([stack('one', first), stack('two', later, ['one'])]);

    // Assess
    expect(server.calls).toEqual([
      'plan first',
      'apply first',
      'plan second',
      'apply second',
      'plan arn:test:second',
      'apply arn:test:second',
    ]);
    expect(result.report.map((entry) => entry.detail)).toEqual([
      'from {"Name":"first"}',
      'from {"Name":"second","After":"first"}',
      'from {"Name":"arn:test:second"}',
    ]);
    expect(result.deployment.stackNames).toEqual(['one', 'two']);
  });

  it('reports, records and keeps each deployed resource the same way whatever its type', async () => {
    // Prepare
    setUp();
    const subject = template({
      Kept: { Type: 'Test::Thing', Properties: { Name: 'kept', Note: true } },
      Model: { Type: 'Test::Model' },
    });
    (subject.Resources as Record<string, { DeletionPolicy?: string }>).Kept.DeletionPolicy = 'Retain';

    // Act
    const result = await run([stack('app', subject)]);

    // Assess
    expect(result.report).toEqual([
      {
        stackName: 'app',
        logicalId: 'Kept',
        type: 'Test::Thing',
        kind: 'queue',
        name: 'kept',
        action: 'created',
        detail: 'from {"Name":"kept","Note":true}',
      },
      {
        stackName: 'app',
        logicalId: 'Kept',
        type: 'Test note',
        kind: 'other',
        name: 'kept',
        action: 'created',
        detail: 'a note',
      },
      {
        stackName: 'app',
        logicalId: 'Model',
        type: 'Test::Model',
        kind: 'function',
        name: 'Model',
        action: 'created',
        detail: '',
      },
    ]);
    expect(result.resources).toEqual([
      { kind: 'queue', stackName: 'app', logicalId: 'Kept', name: 'kept', retain: true },
    ]);
    expect(result.deployment.functions.map((fn) => fn.logicalId)).toEqual(['Model']);
    expect(result.deployment.skipped).toEqual([]);
  });

  it('skips a type without a deployer with the reason, and gives its references placeholder values', async () => {
    // Prepare
    setUp();
    const subject = template({
      Network: { Type: 'AWS::EC2::VPC' },
      Glue: { Type: 'AWS::Glue::Table' },
      User: {
        Type: 'Test::Thing',
        Properties: { Name: 'user', Vpc: { 'Fn::GetAtt': ['Network', 'VpcId'] } },
      },
    });

    // Act
    const result = await run([stack('app', subject)]);

    // Assess
    expect(result.deployment.skipped).toEqual([
      {
        logicalId: 'Network',
        type: 'AWS::EC2::VPC',
        reason: expect.stringMatching(/networking has no local meaning/),
      },
      { logicalId: 'Glue', type: 'AWS::Glue::Table', reason: 'no local stand-in for AWS::Glue::Table' },
    ]);
    const skipped = result.report.filter((entry) => entry.action === 'skipped');
    expect(skipped.map((entry) => [entry.kind, entry.name])).toEqual([
      ['other', 'Network'],
      ['other', 'Glue'],
    ]);
    expect(result.report.find((entry) => entry.name === 'user')?.detail).toBe(
      'from {"Name":"user","Vpc":"Network.VpcId"}',
    );
  });

  it('skips what a deployer declines and what a false condition leaves out, without applying either', async () => {
    // Prepare
    setUp();
    const subject = template(
      {
        Declined: { Type: 'Test::Model', Properties: { Skip: 'not for here' } },
        Off: { Type: 'Test::Thing', Properties: { Name: 'off' } },
      },
      { Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } } },
    );
    (subject.Resources as Record<string, { Condition?: string }>).Off.Condition = 'Never';

    // Act
    const result = await run([stack('app', subject)]);

    // Assess
    expect(result.deployment.skipped).toEqual([
      { logicalId: 'Declined', type: 'Test::Model', reason: 'not for here' },
      { logicalId: 'Off', type: 'Test::Thing', reason: 'condition Never is false' },
    ]);
    expect(server.calls).toEqual([]);
    expect(result.deployment.functions).toEqual([]);
  });

  it('names the stack, resource and local name when a deployer fails on its server', async () => {
    // Prepare
    setUp();
    const subject = template({
      Broken: { Type: 'Test::Thing', Properties: { Name: 'broken', Fail: 'server said no' } },
    });

    // Act
    const act = run([stack('app', subject)]);

    // Assess
    await expect(act).rejects.toThrow(ResourceDeployError);
    await expect(run([stack('app', subject)])).rejects.toThrow('app/Broken (broken): server said no');
  });

  it('passes a template error through as it is', async () => {
    // Prepare
    setUp();
    const subject = template({ Odd: { Type: 'Test::Refuse' } });

    // Act
    const act = run([stack('app', subject)]);

    // Assess
    await expect(act).rejects.toThrow(TemplateError);
    await expect(run([stack('app', subject)])).rejects.toThrow('app/Odd.Name: is not acceptable');
  });

  it('deletes what left the template from its server, and keeps what its DeletionPolicy retains', async () => {
    // Prepare
    setUp();
    server.things.add('gone');
    server.things.add('kept');
    const previous: DeploymentState = {
      version: 1,
      deployedAt: '2026-11-26T00:00:00.000Z',
      assemblyDir: '/tmp/cdk.out',
      endpoints: testEndpoints,
      deployment: {
        stackNames: ['app'],
        tables: [],
        kinesisStreams: [],
        topics: [],
        queues: [],
        functions: [],
        eventSourceMappings: [],
        skipped: [],
      },
      resources: [
        { kind: 'queue', stackName: 'app', logicalId: 'Gone', name: 'gone', retain: false },
        { kind: 'queue', stackName: 'app', logicalId: 'Kept', name: 'kept', retain: true },
        { kind: 'queue', stackName: 'app', logicalId: 'Stays', name: 'stays', retain: false },
      ],
    };
    const subject = template({ Stays: { Type: 'Test::Thing', Properties: { Name: 'stays' } } });

    // Act
    const result = await run([stack('app', subject)], previous);

    // Assess
    expect(server.calls).toContain('remove gone');
    expect(server.calls).not.toContain('remove kept');
    expect([...server.things].sort()).toEqual(['kept', 'stays']);
    expect(
      result.report.slice(1).map((entry) => [entry.type, entry.name, entry.action, entry.detail]),
    ).toEqual([
      ['Test::Thing', 'gone', 'deleted', 'left the template'],
      ['Test::Thing', 'kept', 'retained', 'left the template; kept on the server (DeletionPolicy Retain)'],
    ]);
  });
});
