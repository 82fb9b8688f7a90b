import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndexUpdate,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DEPLOY_ACTIONS } from './constants';
import type { KeyElement, SecondaryIndexSpec, TableSpec } from './resourceSpecs';
import type { DeployAction } from './types';
import { waitUntil } from './waitUntil';

export interface TableOutcome {
  readonly action: DeployAction;
  readonly detail: string;
  readonly tableArn: string;
  readonly streamArn?: string;
  /** The view type the local stream has (wider than declared when a Kinesis destination needs both images). */
  readonly streamViewType?: string;
}

const ACTIVE_TIMEOUT_MS = 30_000;
const BOTH_IMAGES = 'NEW_AND_OLD_IMAGES';

/**
 * The stream the local table needs: the declared one, or NEW_AND_OLD_IMAGES when the table has a Kinesis
 * streaming destination, which the local emulation feeds from the table's stream and which carries both
 * images on AWS whatever the stream's view type.
 */
function localStreamViewType(spec: TableSpec): string | undefined {
  return spec.kinesisStreamArn ? BOTH_IMAGES : spec.streamViewType;
}

function keyText(schema: readonly KeyElement[]): string {
  return schema.map((key) => `${key.name} ${key.keyType}`).join(', ');
}

function keySchemaInput(schema: readonly KeyElement[]) {
  return schema.map((key) => ({ AttributeName: key.name, KeyType: key.keyType }));
}

function attributeDefinitions(spec: TableSpec, names: Iterable<string>): AttributeDefinition[] {
  return [...new Set(names)].map((name) => ({
    AttributeName: name,
    AttributeType: spec.attributes.get(name) as AttributeDefinition['AttributeType'],
  }));
}

function indexInput(index: SecondaryIndexSpec, provisioned: boolean) {
  return {
    IndexName: index.indexName,
    KeySchema: keySchemaInput(index.keySchema),
    Projection: {
      ProjectionType: index.projection.type as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
      ...(index.projection.nonKeyAttributes
        ? { NonKeyAttributes: [...index.projection.nonKeyAttributes] }
        : {}),
    },
    ...(provisioned && index.provisioned
      ? {
          ProvisionedThroughput: {
            ReadCapacityUnits: index.provisioned.read,
            WriteCapacityUnits: index.provisioned.write,
          },
        }
      : {}),
  };
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function waitActive(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  return waitUntil(`table ${tableName} to become ACTIVE`, ACTIVE_TIMEOUT_MS, async () => {
    const table = await describe(client, tableName);
    const indexesReady = (table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    return table?.TableStatus === 'ACTIVE' && indexesReady ? table : undefined;
  });
}

async function currentTtl(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const description = ttl.TimeToLiveDescription;
  return description?.TimeToLiveStatus === 'ENABLED' || description?.TimeToLiveStatus === 'ENABLING'
    ? description.AttributeName
    : undefined;
}

async function setTtl(client: DynamoDBClient, tableName: string, attribute: string, enabled: boolean) {
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: attribute, Enabled: enabled },
    }),
  );
}

async function create(client: DynamoDBClient, spec: TableSpec): Promise<TableOutcome> {
  const viewType = localStreamViewType(spec);
  const provisioned = spec.billingMode === 'PROVISIONED';
  const indexKeys = [...spec.globalIndexes, ...spec.localIndexes].flatMap((index) => index.keySchema);
  await client.send(
    new CreateTableCommand({
      TableName: spec.tableName,
      KeySchema: keySchemaInput(spec.keySchema),
      AttributeDefinitions: attributeDefinitions(
        spec,
        [...spec.keySchema, ...indexKeys].map((key) => key.name),
      ),
      BillingMode: spec.billingMode,
      ...(provisioned && spec.provisioned
        ? {
            ProvisionedThroughput: {
              ReadCapacityUnits: spec.provisioned.read,
              WriteCapacityUnits: spec.provisioned.write,
            },
          }
        : {}),
      ...(spec.globalIndexes.length > 0
        ? { GlobalSecondaryIndexes: spec.globalIndexes.map((index) => indexInput(index, provisioned)) }
        : {}),
      ...(spec.localIndexes.length > 0
        ? { LocalSecondaryIndexes: spec.localIndexes.map((index) => indexInput(index, false)) }
        : {}),
      ...(viewType
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType as 'NEW_AND_OLD_IMAGES' } }
        : {}),
    }),
  );
  const table = await waitActive(client, spec.tableName);
  if (spec.ttlAttribute) await setTtl(client, spec.tableName, spec.ttlAttribute, true);
  const details = [`key ${keyText(spec.keySchema)}`];
  if (viewType) details.push(`stream ${viewType}`);
  if (viewType && viewType !== spec.streamViewType) details.push(widenedNote(spec));
  if (spec.ttlAttribute) details.push(`TTL on ${spec.ttlAttribute}`);
  if (spec.globalIndexes.length > 0)
    details.push(`GSI ${spec.globalIndexes.map((i) => i.indexName).join(', ')}`);
  return {
    action: DEPLOY_ACTIONS.created,
    detail: details.join('; '),
    tableArn: table.TableArn ?? '',
    ...(table.LatestStreamArn ? { streamArn: table.LatestStreamArn } : {}),
    ...(viewType ? { streamViewType: viewType } : {}),
  };
}

function widenedNote(spec: TableSpec): string {
  return spec.streamViewType
    ? `(declared ${spec.streamViewType}; widened for the Kinesis streaming destination)`
    : '(enabled locally to feed the Kinesis streaming destination)';
}

/** Brings the table's stream to the wanted view type: enable, disable, or disable then enable. */
async function updateStream(
  client: DynamoDBClient,
  tableName: string,
  current: string | undefined,
  wanted: string | undefined,
): Promise<string | undefined> {
  if (current === wanted) return undefined;
  if (current) {
    await client.send(
      new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
    );
    await waitActive(client, tableName);
  }
  if (wanted) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: wanted as 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await waitActive(client, tableName);
  }
  return `stream ${current ?? 'off'} → ${wanted ?? 'off'}`;
}

async function updateTtl(
  client: DynamoDBClient,
  tableName: string,
  current: string | undefined,
  wanted: string | undefined,
): Promise<string | undefined> {
  if (current === wanted) return undefined;
  if (current) await setTtl(client, tableName, current, false);
  if (wanted) await setTtl(client, tableName, wanted, true);
  return `TTL ${current ?? 'off'} → ${wanted ?? 'off'}`;
}

/** Creates missing global secondary indexes and deletes extra ones; a changed index cannot be updated. */
async function updateIndexes(
  client: DynamoDBClient,
  spec: TableSpec,
  table: TableDescription,
  blocked: string[],
): Promise<string[]> {
  const provisioned = spec.billingMode === 'PROVISIONED';
  const current = new Map(
    (table.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName ?? '', index]),
  );
  const changes: string[] = [];
  const updates: GlobalSecondaryIndexUpdate[] = [];
  for (const index of spec.globalIndexes) {
    const existing = current.get(index.indexName);
    current.delete(index.indexName);
    if (!existing) {
      updates.push({ Create: indexInput(index, provisioned) });
      changes.push(`GSI ${index.indexName} created`);
      continue;
    }
    const existingKeys = (existing.KeySchema ?? [])
      .map((key) => `${key.AttributeName} ${key.KeyType}`)
      .join(', ');
    if (existingKeys !== keyText(index.keySchema)) {
      blocked.push(`GSI ${index.indexName} key changed (${existingKeys} → ${keyText(index.keySchema)})`);
    }
  }
  for (const name of current.keys()) {
    updates.push({ Delete: { IndexName: name } });
    changes.push(`GSI ${name} deleted`);
  }
  // DynamoDB takes one index creation or deletion per UpdateTable call.
  for (const update of updates) {
    const names = update.Create ? update.Create.KeySchema?.map((key) => key.AttributeName ?? '') : [];
    await client.send(
      new UpdateTableCommand({
        TableName: spec.tableName,
        ...(update.Create ? { AttributeDefinitions: attributeDefinitions(spec, names ?? []) } : {}),
        GlobalSecondaryIndexUpdates: [update],
      }),
    );
    await waitActive(client, spec.tableName);
  }
  return changes;
}

/**
 * Creates the table on the local DynamoDB (moto) with its key schema, indexes, stream and TTL, or brings an
 * existing one in line: stream view type, TTL and global secondary indexes change in place; a different key
 * schema cannot (CloudFormation would replace the table) and is reported as blocked.
 *
 * @example
 * ```ts
 * const outcome = await deployTable(clients.dynamodb, spec); // { action: 'created', streamArn: 'arn:…', … }
 * ```
 */
export async function deployTable(client: DynamoDBClient, spec: TableSpec): Promise<TableOutcome> {
  const existing = await describe(client, spec.tableName);
  if (!existing) return create(client, spec);
  const existingKeys = (existing.KeySchema ?? [])
    .map((key) => `${key.AttributeName} ${key.KeyType}`)
    .join(', ');
  const currentView = existing.StreamSpecification?.StreamEnabled
    ? existing.StreamSpecification.StreamViewType
    : undefined;
  if (existingKeys !== keyText(spec.keySchema)) {
    return {
      action: DEPLOY_ACTIONS.blocked,
      detail: `key schema changed (${existingKeys} → ${keyText(spec.keySchema)}): a table cannot change its keys in place; delete the table (or run \`streambridge local destroy\`) and deploy again`,
      tableArn: existing.TableArn ?? '',
      ...(existing.LatestStreamArn && currentView ? { streamArn: existing.LatestStreamArn } : {}),
      ...(currentView ? { streamViewType: currentView } : {}),
    };
  }
  const wantedView = localStreamViewType(spec);
  const blocked: string[] = [];
  const changes = [
    await updateStream(client, spec.tableName, currentView, wantedView),
    await updateTtl(client, spec.tableName, await currentTtl(client, spec.tableName), spec.ttlAttribute),
    ...(await updateIndexes(client, spec, existing, blocked)),
  ].filter((change): change is string => change !== undefined);
  const table = changes.length > 0 ? await waitActive(client, spec.tableName) : existing;
  const action =
    blocked.length > 0
      ? DEPLOY_ACTIONS.blocked
      : changes.length > 0
        ? DEPLOY_ACTIONS.updated
        : DEPLOY_ACTIONS.unchanged;
  const detail = [...changes, ...blocked.map((text) => `${text}: cannot change in place`)].join('; ');
  return {
    action,
    detail:
      detail ||
      [
        `key ${keyText(spec.keySchema)}`,
        ...(wantedView ? [`stream ${wantedView}`] : []),
        ...(spec.ttlAttribute ? [`TTL on ${spec.ttlAttribute}`] : []),
      ].join('; '),
    tableArn: table.TableArn ?? '',
    ...(table.LatestStreamArn && wantedView ? { streamArn: table.LatestStreamArn } : {}),
    ...(wantedView ? { streamViewType: wantedView } : {}),
  };
}
