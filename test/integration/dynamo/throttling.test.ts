import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DynamoMapping, DynamoSinkConfig, SinkTableConfig } from '../../../config/types';
import type { DynamoSend } from '../../../lambdas/kafka-to-dynamodb/DynamoRequests';
import { mskEvent } from '../../../local/events/mskEvents';
import { selectRecords } from '../helpers/kafkaMskEvents';
import { lambdaContext, scanItems, T0, uniqueName, useDynamoSinkFixture } from './dynamoSinkFixture';

/**
 * The one test double of these tests: the client's `send`, wrapped to throttle requests or to leave batch
 * items unprocessed as DynamoDB does under load. Everything it lets through goes to the real moto server.
 */
function overloaded(
  real: DynamoSend,
  decide: (
    command: object,
    call: number,
  ) => 'pass' | 'throttle' | { unprocessed: (r: WriteRequest) => boolean },
) {
  const calls: string[] = [];
  const send = async (command: { input: unknown }) => {
    const decision = decide(command, calls.length);
    calls.push(`${command.constructor.name}:${typeof decision === 'string' ? decision : 'unprocessed'}`);
    if (decision === 'throttle') {
      // Both names DynamoDB uses: provisioned tables and on-demand/account limits.
      const Throttle = calls.length % 2 ? ThrottlingException : ProvisionedThroughputExceededException;
      throw new Throttle({ message: 'forced throttle', $metadata: {} });
    }
    if (decision !== 'pass' && command instanceof BatchWriteItemCommand) {
      const [[table, requests = []]] = Object.entries(command.input.RequestItems ?? {}) as [
        [string, WriteRequest[]],
      ];
      const left = requests.filter(decision.unprocessed);
      const written = requests.filter((r) => !decision.unprocessed(r));
      if (written.length > 0)
        await real.send(new BatchWriteItemCommand({ RequestItems: { [table]: written } }));
      return { UnprocessedItems: left.length > 0 ? { [table]: left } : {}, $metadata: {} };
    }
    return real.send(command as BatchWriteItemCommand);
  };
  // The double implements only what the sink calls; the SDK's overloaded `send` type cannot be met otherwise.
  return { client: { send } as unknown as DynamoSend, calls };
}

function emfOf(logs: readonly string[]) {
  return JSON.parse(logs.find((l) => l.includes('"DynamoWriteRequests"')) as string);
}

function total(value: number | number[]): number {
  return [value].flat().reduce((a, b) => a + b, 0);
}

describe('kafka-to-dynamodb: throttling and unprocessed items', () => {
  const fixture = useDynamoSinkFixture();
  const { client } = fixture;

  function table(kind: 'series' | 'views' | 'orders'): Promise<SinkTableConfig> {
    return fixture.createTable(
      kind === 'orders'
        ? { name: uniqueName(kind), partitionKey: { name: 'orderId', type: 'S' } }
        : {
            name: uniqueName(kind),
            partitionKey: { name: 'pk', type: 'S' },
            sortKey: { name: kind === 'series' ? 'sk' : 'window', type: 'S' },
          },
    );
  }

  function configOf(sinkTable: SinkTableConfig, mapping: DynamoMapping): DynamoSinkConfig {
    return { consumerGroup: 'tests', tables: [sinkTable], mappings: [mapping] };
  }

  const seriesMapping = (name: string): DynamoMapping => ({
    name: 'readings',
    topic: 'telemetry',
    mode: 'timeseries',
    table: name,
    partitionKey: { name: 'pk', template: 'device#{deviceId}' },
    timestampField: 'ts',
  });

  const viewsMapping = (name: string): DynamoMapping => ({
    name: 'views',
    topic: 'clicks',
    mode: 'aggregate',
    table: name,
    partitionKey: { name: 'pk', template: 'page#{page}' },
    sortKey: { name: 'window', template: '{ts:yyyyMMddHH}' },
    metrics: [{ name: 'views', op: 'count' }],
  });

  const readings = (count: number) =>
    mskEvent(
      Array.from({ length: count }, (_, i) => ({
        topic: 'telemetry',
        offset: i,
        value: { deviceId: `d${i % 10}`, ts: T0 + i },
      })),
    );

  it('retries UnprocessedItems with backoff until every item is written', async () => {
    // Prepare
    const series = await table('series');
    let unprocessedRounds = 0;
    const { client: flaky, calls } = overloaded(client, (command) => {
      if (!(command instanceof BatchWriteItemCommand) || unprocessedRounds >= 6) return 'pass';
      unprocessedRounds++;
      return { unprocessed: (r) => (r.PutRequest?.Item?.deviceId?.S ?? '') < 'd5' };
    });
    const { handler, logs } = fixture.handler(configOf(series, seriesMapping(series.name)), flaky);

    // Act
    const response = await handler(readings(100), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await scanItems(client, series.name)).toHaveLength(100);
    expect(calls.filter((c) => c.startsWith('BatchWriteItem')).length).toBeGreaterThan(4);
    expect(total(emfOf(logs).DynamoWriteRequests)).toBe(calls.length);
  });

  it('retries throttled requests (ProvisionedThroughputExceeded, Throttling) and applies each effect once', async () => {
    // Prepare
    const views = await table('views');
    const throttledPerKey = new Map<string, number>();
    const { client: flaky } = overloaded(client, (command) => {
      if (!(command instanceof UpdateItemCommand)) return 'pass';
      const key = command.input.Key?.pk?.S ?? '';
      const seen = throttledPerKey.get(key) ?? 0;
      throttledPerKey.set(key, seen + 1);
      return seen < 2 ? 'throttle' : 'pass';
    });
    const { handler, logs } = fixture.handler(configOf(views, viewsMapping(views.name)), flaky);
    const event = mskEvent(
      Array.from({ length: 200 }, (_, i) => ({
        topic: 'clicks',
        offset: i,
        value: { page: `p${i % 4}`, ts: T0 },
      })),
    );

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect((await scanItems(client, views.name)).map((v) => [v.pk, v.views])).toEqual([
      ['page#p0', 50],
      ['page#p1', 50],
      ['page#p2', 50],
      ['page#p3', 50],
    ]);
    expect(total(emfOf(logs).DynamoThrottledRequests)).toBe(8);
  });

  it('reports the first unwritten offset when items stay unprocessed past the time budget, and loses nothing', async () => {
    // Prepare
    const series = await table('series');
    const { client: stuck } = overloaded(client, (command) =>
      command instanceof BatchWriteItemCommand
        ? { unprocessed: (r) => r.PutRequest?.Item?.deviceId?.S === 'd7' }
        : 'pass',
    );
    const config = configOf(series, seriesMapping(series.name));
    const overloadedSink = fixture.handler(config, stuck);
    const healthySink = fixture.handler(config);
    const event = readings(100);

    // Act
    const response = await overloadedSink.handler(event, lambdaContext(3_000));
    const afterFailure = await scanItems(client, series.name);
    const redelivery = selectRecords(event, (r) => r.offset >= 7);
    const retried = await healthySink.handler(redelivery, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { 'topic-partition': 'telemetry-0', offset: 7 } },
    ]);
    expect(afterFailure.some((item) => item.deviceId === 'd7')).toBe(false);
    expect(afterFailure).toHaveLength(90);
    expect(retried.batchItemFailures).toEqual([]);
    expect(await scanItems(client, series.name)).toHaveLength(100);
  });

  it('keeps counters exact when throttling fails one key and Lambda redelivers from its offset', async () => {
    // Prepare
    const views = await table('views');
    const { client: stuck } = overloaded(client, (command) =>
      command instanceof UpdateItemCommand && command.input.Key?.pk?.S === 'page#p2' ? 'throttle' : 'pass',
    );
    const config = configOf(views, viewsMapping(views.name));
    const overloadedSink = fixture.handler(config, stuck);
    const healthySink = fixture.handler(config);
    const event = mskEvent(
      Array.from({ length: 120 }, (_, i) => ({
        topic: 'clicks',
        offset: 10 + i,
        value: { page: `p${i % 4}`, ts: T0 },
      })),
    );

    // Act
    const response = await overloadedSink.handler(event, lambdaContext(3_000));
    const failedAt = response.batchItemFailures[0]?.itemIdentifier.offset ?? -1;
    const redelivered = await healthySink.handler(
      selectRecords(event, (r) => r.offset >= failedAt),
      lambdaContext(),
    );

    // Assess
    expect(failedAt).toBe(12);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect((await scanItems(client, views.name)).map((v) => [v.pk, v.views])).toEqual([
      ['page#p0', 30],
      ['page#p1', 30],
      ['page#p2', 30],
      ['page#p3', 30],
    ]);
  });

  it('reports the whole partition failed when the state read stays throttled, writing nothing', async () => {
    // Prepare
    const orders = await table('orders');
    const { client: stuck } = overloaded(client, (command) =>
      command instanceof BatchGetItemCommand ? 'throttle' : 'pass',
    );
    const mapping: DynamoMapping = {
      name: 'order-state',
      topic: 'orders',
      mode: 'state',
      table: orders.name,
      partitionKey: { name: 'orderId', template: '{orderId}' },
      versionField: 'version',
    };
    const { handler } = fixture.handler(configOf(orders, mapping), stuck);
    const event = mskEvent([
      { topic: 'orders', offset: 4, value: { orderId: 'o-1', version: 1 } },
      { topic: 'orders', offset: 5, value: { orderId: 'o-2', version: 1 } },
    ]);

    // Act
    const response = await handler(event, lambdaContext(2_500));

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { 'topic-partition': 'orders-0', offset: 4 } },
    ]);
    expect(await scanItems(client, orders.name)).toEqual([]);
  });
});
