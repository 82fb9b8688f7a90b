import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KinesisStreamingDestination, LocalClients, localEndpoints } from '../../../local/deploy';
import type { KinesisChangeRecord } from '../../../local/deploy/kinesisChangeRecord';
import { readKinesisStream } from '../helpers/readKinesisStream';
import { integrationEnv } from '../serviceEnv';

interface Forwarded {
  readonly shardId: string;
  readonly partitionKey: string;
  readonly change: KinesisChangeRecord;
}

describe('KinesisStreamingDestination', () => {
  const suffix = randomUUID().slice(0, 8);
  const tableName = `sbt-kdest-${suffix}`;
  const streamName = `sbt-kdest-${suffix}`;
  const checkpointFile = join(mkdtempSync(join(tmpdir(), 'sb-kdest-')), 'checkpoint.json');
  let clients: LocalClients;
  let tableStreamArn: string;

  async function readAll(): Promise<Forwarded[]> {
    const records = await readKinesisStream<KinesisChangeRecord>(clients.kinesis, streamName);
    return records.map(({ shardId, partitionKey, data }) => ({ shardId, partitionKey, change: data }));
  }

  function destination(): KinesisStreamingDestination {
    return new KinesisStreamingDestination({
      tableName,
      tableStreamArn,
      kinesisStreamName: streamName,
      dynamodbStreams: clients.dynamodbStreams,
      kinesis: clients.kinesis,
      region: clients.endpoints.region,
      checkpointFile,
      idleDelayMs: 50,
    });
  }

  beforeAll(async () => {
    clients = new LocalClients(localEndpoints(integrationEnv()));
    const table = await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    tableStreamArn = table.TableDescription?.LatestStreamArn ?? '';
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 2 }));
    await vi.waitFor(
      async () => {
        const summary = await clients.kinesis.send(
          new DescribeStreamSummaryCommand({ StreamName: streamName }),
        );
        expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  afterAll(async () => {
    await clients.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
    await clients.kinesis.send(
      new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }),
    );
    await clients.close();
  });

  it('forwards INSERT, MODIFY and REMOVE in the format DynamoDB uses on Kinesis, one item on one shard in order', async () => {
    // Prepare
    const before = Date.now();
    const key = { orderId: { S: 'o-1' } };
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { ...key, status: { S: 'created' }, total: { N: '10.5' } },
      }),
    );
    await clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'paid' } },
      }),
    );
    await clients.dynamodb.send(new DeleteItemCommand({ TableName: tableName, Key: key }));
    await clients.dynamodb.send(
      new PutItemCommand({ TableName: tableName, Item: { orderId: { S: 'o-2' }, status: { S: 'created' } } }),
    );
    const subject = destination();

    // Act
    subject.start();
    let forwarded: Forwarded[] = [];
    try {
      await vi.waitFor(
        async () => {
          forwarded = await readAll();
          expect(forwarded).toHaveLength(4);
        },
        { timeout: 20_000, interval: 200 },
      );
    } finally {
      await subject.stop();
    }

    // Assess
    const first = forwarded.filter(
      (entry) => JSON.stringify(entry.change.dynamodb.Keys) === JSON.stringify(key),
    );
    expect(first.map((entry) => entry.change.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(new Set(first.map((entry) => entry.shardId)).size).toBe(1);
    expect(new Set(first.map((entry) => entry.partitionKey)).size).toBe(1);
    const [insert, modify, remove] = first.map((entry) => entry.change);
    expect(insert).toMatchObject({
      awsRegion: clients.endpoints.region,
      eventName: 'INSERT',
      userIdentity: null,
      recordFormat: 'application/json',
      tableName,
      eventSource: 'aws:dynamodb',
      dynamodb: {
        ApproximateCreationDateTimePrecision: 'MILLISECOND',
        Keys: key,
        NewImage: { orderId: { S: 'o-1' }, status: { S: 'created' }, total: { N: '10.5' } },
      },
    });
    expect(insert.eventID).toMatch(/\S+/);
    expect(insert.dynamodb).not.toHaveProperty('OldImage');
    expect(insert.dynamodb.SizeBytes).toBeGreaterThan(0);
    expect(insert.dynamodb.ApproximateCreationDateTime).toBeGreaterThanOrEqual(before - 1000);
    expect(insert.dynamodb.ApproximateCreationDateTime).toBeLessThanOrEqual(Date.now());
    expect(modify.dynamodb).toMatchObject({
      OldImage: { status: { S: 'created' } },
      NewImage: { status: { S: 'paid' } },
    });
    expect(remove.dynamodb).toMatchObject({ OldImage: { status: { S: 'paid' } } });
    expect(remove.dynamodb).not.toHaveProperty('NewImage');
  });

  it('puts many items side by side, each item once per change and in its own order', async () => {
    // Prepare: 30 items written round-robin 4 times, so one page of the stream interleaves them.
    const items = Array.from({ length: 30 }, (_, index) => `bulk-${index}`);
    for (let version = 1; version <= 4; version++) {
      for (let start = 0; start < items.length; start += 25) {
        await clients.dynamodb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [tableName]: items.slice(start, start + 25).map((orderId) => ({
                PutRequest: { Item: { orderId: { S: orderId }, version: { N: String(version) } } },
              })),
            },
          }),
        );
      }
    }
    const subject = destination();

    // Act
    const count = await subject.forwardAvailable();

    // Assess
    expect(count).toBe(items.length * 4);
    const all = await readAll();
    for (const orderId of items) {
      const changes = all.filter(
        (entry) => JSON.stringify(entry.change.dynamodb.Keys) === JSON.stringify({ orderId: { S: orderId } }),
      );
      const versions = changes.map((entry) => JSON.stringify(entry.change.dynamodb.NewImage?.version));
      expect(versions).toEqual(['1', '2', '3', '4'].map((version) => JSON.stringify({ N: version })));
      expect(new Set(changes.map((entry) => entry.shardId)).size).toBe(1);
    }
  });

  it('reports a put that keeps failing and keeps its checkpoint, so a later pass forwards the change', async () => {
    // Prepare
    const already = (await readAll()).length;
    await clients.dynamodb.send(
      new PutItemCommand({ TableName: tableName, Item: { orderId: { S: 'o-unsent' } } }),
    );
    const toMissingStream = new KinesisStreamingDestination({
      tableName,
      tableStreamArn,
      kinesisStreamName: `${streamName}-missing`,
      dynamodbStreams: clients.dynamodbStreams,
      kinesis: clients.kinesis,
      region: clients.endpoints.region,
      checkpointFile,
    });

    // Act
    const failed = toMissingStream.forwardAvailable();
    await expect(failed).rejects.toThrow(`PutRecord to ${streamName}-missing kept failing`);
    const count = await destination().forwardAvailable();

    // Assess
    expect(count).toBe(1);
    const all = await readAll();
    expect(all).toHaveLength(already + 1);
    expect(all.map((entry) => entry.change.dynamodb.Keys)).toContainEqual({ orderId: { S: 'o-unsent' } });
  });

  it('resumes after the last forwarded change when started again (checkpoint), forwarding nothing twice', async () => {
    // Prepare
    const already = (await readAll()).length;
    await clients.dynamodb.send(
      new PutItemCommand({ TableName: tableName, Item: { orderId: { S: 'o-3' } } }),
    );
    const restarted = destination();

    // Act
    const count = await restarted.forwardAvailable();
    const again = await restarted.forwardAvailable();

    // Assess
    expect(count).toBe(1);
    expect(again).toBe(0);
    const all = await readAll();
    expect(all).toHaveLength(already + 1);
    expect(all.map((entry) => entry.change.dynamodb.Keys)).toContainEqual({ orderId: { S: 'o-3' } });
  });
});
