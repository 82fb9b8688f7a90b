/**
 * Template assertions of the `sessions` mode on the reference pipeline: the sessions table's index and
 * the DynamoDB sink's Query permission scoped to exactly that index.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionsMapping } from '../../config/types';
import { HANDLERS } from '../../lib/constants';
import referenceConfig from '../../streambridge.config';
import {
  actionsOf,
  type CfnResourceJson,
  functionNamed,
  type PipelineTemplates,
  resourceList,
  resourcesOf,
  roleStatements,
  synthPipeline,
} from './pipelineTemplates';

let p: PipelineTemplates;
const mapping = referenceConfig.sinks.dynamodb?.mappings.find(
  (m) => m.mode === 'sessions',
) as SessionsMapping;

beforeAll(() => {
  p = synthPipeline(referenceConfig);
});

function sessionsTable(): [string, CfnResourceJson] {
  const found = resourcesOf(p.dataTemplate, 'AWS::DynamoDB::Table').find(
    ([, t]) => t.Properties.TableName === mapping.table,
  );
  if (!found) throw new Error(`no table ${mapping.table}`);
  return found;
}

describe('sessions mode', () => {
  it('gives the sessions table its declared global index with string keys, all attributes projected', () => {
    const [, table] = sessionsTable();
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: mapping.index,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
    );
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('lets the DynamoDB sink Query exactly the index of its sessions mapping, and no other function any index', () => {
    const roleOf = (handler: string) => {
      const [, fn] = functionNamed(p.bridgesTemplate, `${referenceConfig.name}-${handler}`);
      return (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    };
    const queries = roleStatements(p.bridgesTemplate, roleOf(HANDLERS.kafkaToDynamodb)).filter((s) =>
      actionsOf(s).includes('dynamodb:Query'),
    );
    const [tableId] = sessionsTable();
    const indexResources = queries
      .flatMap(resourceList)
      .filter((r) => JSON.stringify(r).includes('/index/'))
      .map((r) => JSON.stringify(r));
    expect(indexResources).toHaveLength(1);
    expect(indexResources[0]).toContain(`/index/${mapping.index}`);
    const exported = JSON.stringify(p.imported(JSON.parse(indexResources[0] as string)['Fn::Join'][1][0]));
    expect(exported).toContain(tableId);
    for (const handler of Object.values(HANDLERS).filter((h) => h !== HANDLERS.kafkaToDynamodb)) {
      const all = roleStatements(p.bridgesTemplate, roleOf(handler)).flatMap(resourceList);
      expect(JSON.stringify(all)).not.toContain('/index/');
    }
  });

  it('invokes the DynamoDB sink every closeEveryMinutes with a Scheduled Event naming the sessions mapping', () => {
    const [fnId] = functionNamed(p.bridgesTemplate, `${referenceConfig.name}-${HANDLERS.kafkaToDynamodb}`);
    const rules = resourcesOf(p.bridgesTemplate, 'AWS::Events::Rule');
    const mine = rules.filter(([, r]) => JSON.stringify(r.Properties.Targets).includes(fnId));
    expect(mine).toHaveLength(1);
    const [ruleId, rule] = mine[0] as [string, CfnResourceJson];
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 minute)');
    const target = (rule.Properties.Targets as { InputTransformer: { InputTemplate: string } }[])[0];
    expect(target?.InputTransformer.InputTemplate).toContain(`"detail":{"mapping":"${mapping.name}"}`);
    const permissions = resourcesOf(p.bridgesTemplate, 'AWS::Lambda::Permission').filter(([, perm]) =>
      JSON.stringify(perm.Properties.SourceArn ?? '').includes(ruleId),
    );
    expect(permissions.map(([, perm]) => perm.Properties.Principal)).toEqual(['events.amazonaws.com']);
  });
});
