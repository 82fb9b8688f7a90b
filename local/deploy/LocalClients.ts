import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { SDK_APP_IDS } from '../services/constants';
import { awsClientOptions } from './localEndpoints';
import type { LocalEndpoints } from './types';

/**
 * The clients of the local servers that the deployer uses, created once per command and closed with it.
 * The Kafka admin connects on first use, so a template without topics never touches the broker.
 *
 * @example
 * ```ts
 * const clients = new LocalClients(localEndpoints());
 * try { await clients.dynamodb.send(new ListTablesCommand({})); } finally { await clients.close(); }
 * ```
 */
export class LocalClients {
  public readonly endpoints: LocalEndpoints;
  public readonly dynamodb: DynamoDBClient;
  public readonly dynamodbStreams: DynamoDBStreamsClient;
  public readonly kinesis: KinesisClient;
  public readonly sqs: SQSClient;
  public readonly s3: S3Client;
  #admin: Promise<Admin> | undefined;

  public constructor(endpoints: LocalEndpoints) {
    this.endpoints = endpoints;
    const common = { maxAttempts: 3, userAgentAppId: SDK_APP_IDS.deploy };
    this.dynamodb = new DynamoDBClient({ ...common, ...awsClientOptions(endpoints, 'dynamodb') });
    this.dynamodbStreams = new DynamoDBStreamsClient({
      ...common,
      ...awsClientOptions(endpoints, 'dynamodbStreams'),
    });
    // The Kinesis client defaults to HTTP/2; kinesis-mock's plain port speaks HTTP/1.1 (its errors do not parse over h2c).
    this.kinesis = new KinesisClient({
      ...common,
      ...awsClientOptions(endpoints, 'kinesis'),
      requestHandler: new NodeHttpHandler(),
    });
    this.sqs = new SQSClient({ ...common, ...awsClientOptions(endpoints, 'sqs') });
    // moto serves S3 on one host: path-style addressing (no bucket subdomains).
    this.s3 = new S3Client({ ...common, ...awsClientOptions(endpoints, 's3'), forcePathStyle: true });
  }

  /** The Kafka admin client, connected on first call. */
  public kafkaAdmin(): Promise<Admin> {
    if (!this.#admin) {
      const kafka = new Kafka({
        clientId: 'streambridge-local-deploy',
        brokers: this.endpoints.kafkaBrokers.split(','),
        logLevel: logLevel.NOTHING,
        retry: { retries: 5 },
      });
      const admin = kafka.admin();
      this.#admin = admin.connect().then(() => admin);
      // A failed connect must not stay cached: the next call tries again.
      this.#admin.catch(() => {
        this.#admin = undefined;
      });
    }
    return this.#admin;
  }

  public async close(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    if (admin) await admin.then((connected) => connected.disconnect()).catch(() => undefined);
    this.dynamodb.destroy();
    this.dynamodbStreams.destroy();
    this.kinesis.destroy();
    this.sqs.destroy();
    this.s3.destroy();
  }
}
