import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createChangeBridge } from '../../../lambdas/core/change-bridge/createChangeBridge';
import { dynamoDbStreamCarrier } from '../../../lambdas/core/change-bridge/dynamoDbStreamCarrier';
import { handler } from '../../../lambdas/ddb-stream-to-kafka';
import { streamEvent } from '../../factories/cdcRecords';
import { requireEnv } from '../serviceEnv';
import { useCdcBridge } from './cdcBridgeFixture';
import {
  bridgeEnvironment,
  createTopics,
  deleteTopics,
  lambdaContext,
  readStreamRecords,
  readTopic,
  receiveDeadLetters,
  uniqueName,
  writeItems,
} from './cdcTestKit';

const MAX_MESSAGE_BYTES = 65_536;

describe('poison records on the DynamoDB Streams path', () => {
  const fixture = useCdcBridge({
    table: { prefix: 'sb-products', partitionKey: 'productId' },
    topic: { prefix: 'sb-products-changes', partitions: 1, maxMessageBytes: MAX_MESSAGE_BYTES },
    source: {
      governance: {
        schema: {
          type: 'object',
          required: ['productId', 'price'],
          properties: { productId: { type: 'string' }, price: { type: 'number', minimum: 0 } },
        },
      },
    },
    functionName: 'sb-ddb-stream-to-kafka',
  });
  const { aws, kafka, topic } = fixture;
  let records: DynamoDBRecord[];

  beforeAll(async () => {
    const { table } = fixture;
    const product = (id: string, price: string, extra = {}) => ({
      put: { productId: { S: id }, price: { N: price }, ...extra },
    });
    await writeItems(aws, table.name, [
      product('p-1', '10'),
      product('p-2', '-1'),
      product('p-3', '5', { description: { S: 'x'.repeat(80_000) } }),
      product('p-4', '7'),
      { update: { key: { productId: { S: 'p-1' } }, set: { price: { N: '12' } } } },
    ]);
    const read = await readStreamRecords(aws, table, 5);
    // A record whose image cannot be decoded (DynamoDB never writes one; a corrupted delivery can).
    const corrupted = structuredClone(read[3] as DynamoDBRecord);
    (corrupted.dynamodb as { NewImage: unknown }).NewImage = {
      productId: { S: 'p-4' },
      price: { N: 'seven' },
    };
    records = [read[0], read[1], read[2], corrupted, read[4]] as DynamoDBRecord[];
  });

  it('dead-letters a schema violation, an oversized item and a malformed image with reasons; the rest is produced', async () => {
    const { table, queueUrl } = fixture;

    // Act
    const response = await handler(streamEvent(records), lambdaContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const messages = await readTopic(kafka, topic, 2);
    expect(messages.map((m) => [m.key, m.headers['sb-op']])).toEqual([
      ['p-1', 'c'],
      ['p-1', 'u'],
    ]);
    const letters = await receiveDeadLetters(aws, queueUrl, 3);
    const bySequence = new Map(
      letters.map((l) => [(l.coordinates as { sequenceNumber: string }).sequenceNumber, l]),
    );
    expect(letters).toHaveLength(3);
    const letterOf = (i: number) => bySequence.get(records[i]?.dynamodb?.SequenceNumber as string);
    expect(letterOf(1)).toMatchObject({
      errorType: 'SchemaViolation',
      handler: 'ddb-stream-to-kafka',
      coordinates: { source: 'dynamodb-streams', stream: table.streamArn },
    });
    expect(letterOf(1)?.reason).toMatch(/after\/price must be >= 0/);
    expect(letterOf(2)).toMatchObject({ errorType: 'RecordTooLarge' });
    expect(letterOf(2)?.reason).toMatch(
      `exceeds the max message size ${MAX_MESSAGE_BYTES} of topic ${topic}`,
    );
    expect(letterOf(3)).toMatchObject({ errorType: 'DecodeError' });
    expect(letterOf(3)?.reason).toBe('dynamodb.NewImage.price: N "seven" is not a number');
    expect(JSON.parse(letterOf(3)?.payload as string)).toEqual(records[3]);
  });

  it('reports the first poison record and everything after it when the dead-letter queue is unreachable', async () => {
    // Prepare: a bridge whose dead-letter queue does not exist.
    const { source } = fixture;
    const missingQueue = `${requireEnv('AWS_ENDPOINT_URL_SQS')}/000000000000/${uniqueName('missing')}`;
    const otherTopic = uniqueName('sb-products-changes');
    await createTopics(kafka, [{ topic: otherTopic, numPartitions: 1 }]);
    const env = {
      ...process.env,
      ...bridgeEnvironment({
        slice: { sources: [{ ...source, topic: otherTopic }], topics: [{ name: otherTopic, partitions: 1 }] },
        queueUrl: missingQueue,
        functionName: 'sb-ddb-stream-to-kafka',
      }),
    };
    const bridge = createChangeBridge('ddb-stream-to-kafka', env);

    try {
      // Act
      const response = await bridge.process(records, dynamoDbStreamCarrier, lambdaContext());

      // Assess: p-2 (schema) could not be dead-lettered, so it and every later record are redelivered.
      expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
        records.slice(1).map((r) => r.dynamodb?.SequenceNumber),
      );
    } finally {
      await bridge.close();
      await deleteTopics(kafka, [otherTopic]);
    }
  });
});
