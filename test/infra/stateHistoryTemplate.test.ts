/**
 * Template assertions on the state history of the reference pipeline: the history table as declared (the
 * order's key plus the version, TTL, no stream), the DynamoDB sink's item access to exactly it (no index, no
 * scan), the slice the sink receives, and a bad history failing synth with the field named.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors';
import { HANDLERS } from '../../lib/constants';
import { buildApp } from '../../lib/streambridgeApp';
import referenceConfig from '../../streambridge.config';
import {
  actionsOf,
  configWith,
  functionNamed,
  type PipelineTemplates,
  resourceList,
  resourcesOf,
  roleStatements,
  synthPipeline,
} from './pipelineTemplates';

const HISTORY = 'sb-order-history';

let p: PipelineTemplates;

beforeAll(() => {
  p = synthPipeline(referenceConfig);
});

/** A statement resource as the data template names it (imports followed; the stack's own as they are). */
function resolved(resource: unknown): string {
  const imported = (resource as { 'Fn::ImportValue'?: unknown })['Fn::ImportValue'] !== undefined;
  return JSON.stringify(imported ? p.imported(resource) : resource);
}

function sinkStatements() {
  const [, fn] = functionNamed(p.bridgesTemplate, `${referenceConfig.name}-${HANDLERS.kafkaToDynamodb}`);
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return roleStatements(p.bridgesTemplate, role);
}

describe('state history (reference pipeline)', () => {
  it('creates the history table keyed by the order and its version, with TTL and without a stream', () => {
    // Act
    const found = resourcesOf(p.dataTemplate, 'AWS::DynamoDB::Table').find(
      ([, t]) => t.Properties.TableName === HISTORY,
    );
    // Assess
    expect(found?.[1].Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'orderId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'orderId', AttributeType: 'S' },
        { AttributeName: 'version', AttributeType: 'N' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(found?.[1].Properties.StreamSpecification).toBeUndefined();
    expect(found?.[1].DeletionPolicy).toBe('Retain');
  });

  it('lets the DynamoDB sink batch-write and query the history table by its exact ARN, and nothing wider', () => {
    // Prepare
    const history = p.data.sinkTables.get(HISTORY);
    const arn = { 'Fn::GetAtt': [p.logicalId(history as never), 'Arn'] };
    // Act
    const statements = sinkStatements().filter((s) =>
      resourceList(s).some((r) => resolved(r) === JSON.stringify(arn)),
    );
    // Assess
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements[0] as never)).toEqual(
      expect.arrayContaining(['dynamodb:BatchWriteItem', 'dynamodb:Query', 'dynamodb:PutItem']),
    );
    const resources = sinkStatements()
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .flatMap(resourceList)
      .map(resolved);
    // No wildcard, and no index but the one the sessions mapping queries (its own exact index ARN).
    expect(
      resources.filter((r) => r === '"*"' || (r.includes('/index/') && !r.includes('/index/byDay'))),
    ).toEqual([]);
  });

  it('passes the history settings to the sink in its config slice', () => {
    // Act
    const [, fn] = functionNamed(p.bridgesTemplate, `${referenceConfig.name}-${HANDLERS.kafkaToDynamodb}`);
    const variables = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
    const slice = JSON.parse(variables.STREAMBRIDGE_CONFIG as string);
    // Assess
    expect(slice.mappings.find((m: { mode: string }) => m.mode === 'state').history).toEqual({
      table: HISTORY,
      timestampField: 'ts',
      actorField: 'actor',
      snapshotEvery: 10,
      ttlSeconds: 30 * 86_400,
    });
  });

  it('fails synth naming the field when the history table is not keyed by the version', () => {
    // Act
    let issues: readonly string[] = [];
    try {
      buildApp(
        configWith(
          (c) => delete c.sinks.dynamodb.tables.find((t: { name: string }) => t.name === HISTORY).sortKey,
        ),
        { skipBundling: true, cloudFormationValidation: false },
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues = error.issues;
    }
    // Assess
    expect(issues).toEqual([
      'sinks.dynamodb.mappings[2].history.table: "sb-order-history" needs a number (N) sort key to hold the version (got none)',
    ]);
  });
});
