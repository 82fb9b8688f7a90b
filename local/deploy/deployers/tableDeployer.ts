import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { LocalTable } from '../../runtime/types';
import { CFN_TYPES, DEPLOY_ACTIONS, RESOURCE_KINDS } from '../constants';
import { deployTable } from '../deployTable';
import { tableSpec } from '../resourceSpecs';
import type { DeployContext } from './DeployContext';
import type { ReportLine, ResourceDeployer } from './types';
import { MISSING_ON_SERVER, unlessNotFound } from './unlessNotFound';

/** The report line of a table's Kinesis streaming destination, which `streambridge local run` emulates. */
function streamingDestination(context: DeployContext, table: LocalTable, streamArn: string): ReportLine {
  const destination = context.kinesisStreamFor(streamArn);
  const type = 'DynamoDB Kinesis streaming destination';
  const name = `${table.tableName} → ${destination?.streamName ?? streamArn}`;
  const kind = RESOURCE_KINDS.other;
  if (!destination) {
    const detail = `Kinesis stream ${streamArn} is not in this app`;
    return { type, kind, name, action: DEPLOY_ACTIONS.skipped, detail };
  }
  const before = context.previous?.tables.find((previous) => previous.tableName === table.tableName);
  const action = !before?.kinesisDestination
    ? DEPLOY_ACTIONS.created
    : before.kinesisDestination === table.kinesisDestination
      ? DEPLOY_ACTIONS.unchanged
      : DEPLOY_ACTIONS.updated;
  return { type, kind, name, action, detail: 'emulated from the table stream by `streambridge local run`' };
}

function isNotFound(error: unknown): boolean {
  return error instanceof ResourceNotFoundException;
}

/** `AWS::DynamoDB::Table` and `GlobalTable` on moto: key schema, indexes, stream, TTL. */
export const tableDeployer: ResourceDeployer = {
  kind: RESOURCE_KINDS.table,
  plan(site, context) {
    const type = site.resource.Type;
    const spec = tableSpec(site, type, site.properties(), context.pseudo.region);
    const existing = context.existingTable(spec.tableName);
    if (existing) {
      const attributes = {
        Arn: existing.tableArn,
        ...(existing.streamArn ? { StreamArn: existing.streamArn } : {}),
      };
      return {
        skipped: `declared existing (${existing.path}): found on moto, not created nor changed`,
        values: { type, ref: spec.tableName, attributes },
      };
    }
    return {
      name: spec.tableName,
      async apply() {
        const outcome = await deployTable(context.clients.dynamodb, spec);
        if (outcome.streamArn) {
          context.sources.set(outcome.streamArn, {
            kind: 'dynamodb-streams',
            sourceArn: outcome.streamArn,
            name: `table ${spec.tableName} stream`,
          });
        }
        const destination = spec.kinesisStreamArn
          ? context.kinesisStreamFor(spec.kinesisStreamArn)
          : undefined;
        const table: LocalTable = {
          logicalId: site.logicalId,
          tableName: spec.tableName,
          ...(outcome.streamArn ? { streamArn: outcome.streamArn } : {}),
          ...(outcome.streamViewType ? { streamViewType: outcome.streamViewType } : {}),
          ...(spec.ttlAttribute ? { ttlAttribute: spec.ttlAttribute } : {}),
          ...(destination ? { kinesisDestination: destination.logicalId } : {}),
        };
        context.tables.push(table);
        const attributes: Record<string, unknown> = { Arn: outcome.tableArn };
        if (outcome.streamArn && spec.streamViewType) attributes.StreamArn = outcome.streamArn;
        return {
          action: outcome.action,
          detail: outcome.detail,
          values: { type, ref: spec.tableName, attributes },
          ...(spec.kinesisStreamArn
            ? { notes: [streamingDestination(context, table, spec.kinesisStreamArn)] }
            : {}),
        };
      },
    };
  },
  server: {
    kind: 'table',
    type: CFN_TYPES.table,
    describe: (clients, name) =>
      unlessNotFound(
        async () => {
          const table = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
          const ttl = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name }));
          const stream = table?.StreamSpecification?.StreamEnabled
            ? table.StreamSpecification.StreamViewType
            : 'off';
          const ttlText =
            ttl.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED'
              ? ttl.TimeToLiveDescription.AttributeName
              : 'off';
          return {
            exists: true,
            detail: `${table?.TableStatus}; stream ${stream}; TTL ${ttlText}; ${table?.ItemCount ?? 0} items`,
          };
        },
        isNotFound,
        MISSING_ON_SERVER,
      ),
    remove: (clients, name) =>
      unlessNotFound(
        async () => {
          await clients.dynamodb.send(new DeleteTableCommand({ TableName: name }));
          return true;
        },
        isNotFound,
        false,
      ),
  },
};
