/**
 * Deploys a conformance app (test/fixtures/runtime/conformanceApp.ts) to the shared local servers with the
 * project's deployer, runs chosen event source mappings with the local runtime, writes records to the
 * sources and reads back what the functions observed and what reached the on-failure queues.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import { Logger } from '../../../lambdas/core/Logger';
import { deployTemplate, destroyDeployment, localEndpoints } from '../../../local/deploy';
import { LocalRuntime, type LocalRuntimeOptions } from '../../../local/runtime';
import type {
  LocalDeployment,
  LocalEventSourceMapping,
  LocalFunction,
  LocalScheduleRule,
} from '../../../local/runtime/types';
import { type ConformanceCase, caseNames, synthConformanceApp } from '../../fixtures/runtime/conformanceApp';
import { awsClientConfig, integrationEnv } from '../serviceEnv';

/** What a test writes: an id (also the default key), an optional order key and commands for the function. */
export interface TestRecord {
  readonly id: string;
  readonly key?: string;
  readonly cmd?: {
    fail?: boolean | number;
    report?: boolean | number;
    sleepMs?: number;
    crashOnce?: boolean;
  };
  /** More attributes (DynamoDB) or JSON fields (Kinesis, Kafka), e.g. for filters. */
  readonly extra?: Record<string, string>;
  /** Kafka record headers. */
  readonly headers?: Record<string, string>;
}

/** One line the scripted function wrote. */
export interface Observation {
  readonly functionName: string;
  readonly requestId: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly remainingMs: number;
  readonly pid: number;
  readonly invocation: number;
  readonly at: number;
  readonly ids: string[];
  readonly env: Record<string, string | undefined>;
  readonly execArgv: string[];
  readonly heapLimitMb: number;
  readonly event: Record<string, unknown>;
}

export interface RuntimeLogLine {
  readonly level: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

/**
 * True when some invocation started in one process while an invocation in another process was still running:
 * each invocation of the scripted function sleeps `sleepMs` before it answers, so a start within that window
 * of another's start proves the two ran at once (a serial runtime starts the next one `sleepMs` later at least).
 */
export function ranConcurrently(observations: readonly Observation[], sleepMs: number): boolean {
  return observations.some((a) =>
    observations.some((b) => a.pid !== b.pid && b.at >= a.at && b.at - a.at < sleepMs),
  );
}

/** Poller timing for tests: short polls and backoffs keep every rule's test to a second or two. */
export const TEST_SETTINGS = {
  pollIntervalMs: { 'dynamodb-streams': 50, kinesis: 50 },
  shardRefreshMs: 1_000,
  retryBackoffBaseMs: 20,
  retryBackoffMaxMs: 200,
  maxBufferedRecords: 5_000,
} as const;

export class Conformance {
  readonly prefix: string;
  readonly workDir: string;
  readonly deployment: LocalDeployment;
  readonly #stateFile: string;
  readonly #env: Record<string, string>;
  readonly #runtimes: LocalRuntime[] = [];
  #dynamodb: DynamoDBClient | undefined;
  #kinesis: KinesisClient | undefined;
  #sqs: SQSClient | undefined;
  #s3: S3Client | undefined;
  #producer: Promise<Producer> | undefined;

  constructor(fields: {
    prefix: string;
    workDir: string;
    deployment: LocalDeployment;
    stateFile: string;
    env: Record<string, string>;
  }) {
    this.prefix = fields.prefix;
    this.workDir = fields.workDir;
    this.deployment = fields.deployment;
    this.#stateFile = fields.stateFile;
    this.#env = fields.env;
  }

  names(caseId: string) {
    return caseNames(this.prefix, caseId);
  }

  fn(caseId: string): LocalFunction {
    const fn = this.deployment.functions.find(
      (candidate) => candidate.functionName === this.names(caseId).functionName,
    );
    if (!fn) throw new Error(`function of case ${caseId} not deployed`);
    return fn;
  }

  mapping(caseId: string): LocalEventSourceMapping {
    const fn = this.fn(caseId);
    const mapping = this.deployment.eventSourceMappings.find(
      (candidate) => candidate.functionLogicalId === fn.logicalId,
    );
    if (!mapping) throw new Error(`event source mapping of case ${caseId} not deployed`);
    return mapping;
  }

  /** The scheduled rules that invoke a case's function. */
  scheduleRules(caseId: string): LocalScheduleRule[] {
    const fn = this.fn(caseId);
    return (this.deployment.scheduleRules ?? []).filter((rule) =>
      rule.targets.some((target) => target.functionLogicalId === fn.logicalId),
    );
  }

  queueUrl(caseId: string): string {
    const queue = this.deployment.queues.find(
      (candidate) => candidate.queueName === this.names(caseId).queue,
    );
    if (!queue) throw new Error(`on-failure queue of case ${caseId} not deployed`);
    return queue.queueUrl;
  }

  /** Starts a runtime running only the mappings of these cases; logs are collected in `logs`. */
  async run(caseIds: readonly string[], options: Partial<LocalRuntimeOptions> = {}) {
    const logs: RuntimeLogLine[] = [];
    const logger = new Logger('streambridge-local', {
      level: 'DEBUG',
      write: (line) => logs.push(JSON.parse(line)),
    });
    const runtime = new LocalRuntime(this.deployment, {
      env: this.#env,
      mappings: caseIds.filter((id) => this.#hasMapping(id)).map((id) => this.mapping(id).logicalId),
      scheduleRules: caseIds.flatMap((id) => this.scheduleRules(id).map((rule) => rule.logicalId)),
      logger,
      output: () => undefined,
      settings: TEST_SETTINGS,
      ...options,
    });
    this.#runtimes.push(runtime);
    await runtime.start();
    return { runtime, logs };
  }

  observations(caseId: string): Observation[] {
    const file = join(this.workDir, `${caseId}.jsonl`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Observation);
  }

  /** Record ids in the order the function saw them, over all invocations. */
  seen(caseId: string): string[] {
    return this.observations(caseId).flatMap((observation) => observation.ids);
  }

  async put(caseId: string, records: readonly TestRecord[]): Promise<void> {
    const source = this.names(caseId).source;
    const kind = this.mapping(caseId).kind;
    if (kind === 'kafka') {
      // One produce request for all records: they reach the log together, so the first fetch sees them
      // all (separate sends on a loaded machine can straddle the batching window and split the batch).
      const producer = await this.#kafkaProducer();
      await producer.send({
        topic: source,
        messages: records.map((record) => ({
          key: record.key ?? record.id,
          value: JSON.stringify({
            id: record.id,
            ...(record.cmd ? { cmd: record.cmd } : {}),
            ...record.extra,
          }),
          ...(record.headers ? { headers: record.headers } : {}),
        })),
      });
      return;
    }
    const body = (record: TestRecord) =>
      JSON.stringify({ id: record.id, ...(record.cmd ? { cmd: record.cmd } : {}), ...record.extra });
    if (kind === 'dynamodb-streams') {
      this.#dynamodb ??= new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
      for (const record of records) {
        const item: Record<string, { S: string }> = { id: { S: record.id } };
        if (record.cmd) item.cmd = { S: JSON.stringify(record.cmd) };
        for (const [name, value] of Object.entries(record.extra ?? {})) item[name] = { S: value };
        await this.#dynamodb.send(new PutItemCommand({ TableName: source, Item: item }));
      }
      return;
    }
    // One PutRecords for all records, as for Kafka: one PutRecord each can straddle the batching window
    // on a loaded machine (LocalStack's gateway adds a hop per call) and split the batch a test expects.
    this.#kinesis ??= new KinesisClient(awsClientConfig('AWS_ENDPOINT_URL_KINESIS'));
    const { FailedRecordCount, Records: results = [] } = await this.#kinesis.send(
      new PutRecordsCommand({
        StreamName: source,
        Records: records.map((record) => ({
          PartitionKey: record.key ?? record.id,
          Data: Buffer.from(body(record)),
        })),
      }),
    );
    if (FailedRecordCount) throw new Error(`PutRecords to ${source}: ${FailedRecordCount} records failed`);
    // AWS does not promise PutRecords keeps the request's order; the tests rely on it, so check each shard.
    const lastByShard = new Map<string, bigint>();
    for (const [index, result] of results.entries()) {
      const shard = result.ShardId as string;
      const sequence = BigInt(result.SequenceNumber as string);
      const previous = lastByShard.get(shard);
      if (previous !== undefined && sequence <= previous) {
        throw new Error(`PutRecords to ${source} stored record ${records[index]?.id} out of request order`);
      }
      lastByShard.set(shard, sequence);
    }
  }

  /**
   * What reached a case's on-failure destination, parsed, and removes it: the objects of its S3 bucket
   * (each with its key as `s3Key`) or the messages of its SQS queue.
   */
  async failures(caseId: string): Promise<Record<string, unknown>[]> {
    const bucket = (this.deployment.buckets ?? []).find(
      (candidate) => candidate.bucketName === this.names(caseId).bucket,
    );
    if (bucket) return this.#failureObjects(bucket.bucketName);
    this.#sqs ??= new SQSClient(awsClientConfig('AWS_ENDPOINT_URL_SQS'));
    const queueUrl = this.queueUrl(caseId);
    const { Messages = [] } = await this.#sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of Messages) {
      await this.#sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
    return Messages.map((message) => JSON.parse(message.Body ?? '{}'));
  }

  async #failureObjects(bucketName: string): Promise<Record<string, unknown>[]> {
    const env = integrationEnv();
    this.#s3 ??= new S3Client({
      ...awsClientConfig(env.AWS_ENDPOINT_URL_S3 ? 'AWS_ENDPOINT_URL_S3' : 'AWS_ENDPOINT_URL_DYNAMODB'),
      forcePathStyle: true,
    });
    const s3 = this.#s3;
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucketName }));
    const records: Record<string, unknown>[] = [];
    for (const { Key } of Contents) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key }));
      const body = JSON.parse((await object.Body?.transformToString()) ?? '{}') as Record<string, unknown>;
      await s3.send(new DeleteObjectCommand({ Bucket: bucketName, Key }));
      records.push({ ...body, s3Key: Key });
    }
    return records;
  }

  get kafkaBrokers(): string[] {
    return (this.#env.KAFKA_BROKERS ?? '').split(',');
  }

  async stopRuntimes(): Promise<void> {
    await Promise.all(this.#runtimes.splice(0).map((runtime) => runtime.stop()));
  }

  async destroy(): Promise<void> {
    await this.stopRuntimes();
    if (this.#producer) await (await this.#producer).disconnect();
    this.#dynamodb?.destroy();
    this.#kinesis?.destroy();
    this.#sqs?.destroy();
    this.#s3?.destroy();
    await destroyDeployment({ stateFile: this.#stateFile, endpoints: localEndpoints(this.#env) });
    rmSync(this.workDir, { recursive: true, force: true });
  }

  #hasMapping(caseId: string): boolean {
    const fn = this.fn(caseId);
    return this.deployment.eventSourceMappings.some((mapping) => mapping.functionLogicalId === fn.logicalId);
  }

  /** A Kafka admin client on the servers' broker (not connected yet), to check groups and offsets. */
  kafkaAdmin(): Admin {
    return this.#kafka('check').admin();
  }

  #kafka(role: string): Kafka {
    return new Kafka({
      clientId: `${this.prefix}-${role}`,
      brokers: this.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
  }

  #kafkaProducer(): Promise<Producer> {
    if (!this.#producer) {
      const producer = this.#kafka('writer').producer();
      this.#producer = producer.connect().then(() => producer);
    }
    return this.#producer;
  }
}

/**
 * Synthesizes and deploys a conformance app for one test file. The work folder sits under the project's
 * `.streambridge/` (whose package.json says "type": "module"), as cdk.out does for the real app, so the
 * execution environments load the CommonJS bundles the way they must for the real handlers.
 *
 * @example
 * ```ts
 * const conformance = await deployConformance('ddb', [{ id: 'Bisect', source: 'dynamodb', bisectOnError: true }]);
 * ```
 */
export async function deployConformance(
  label: string,
  cases: readonly ConformanceCase[],
): Promise<Conformance> {
  const prefix = `rt-${label}-${randomBytes(3).toString('hex')}`;
  const workDir = resolve('.streambridge', 'test-runtime', prefix);
  mkdirSync(workDir, { recursive: true });
  const env = integrationEnv();
  const assembly = synthConformanceApp({ prefix, outdir: join(workDir, 'cdk.out'), workDir, cases });
  const stateFile = join(workDir, 'deployment.json');
  const { deployment } = await deployTemplate({ assembly, stateFile, endpoints: localEndpoints(env) });
  return new Conformance({ prefix, workDir, deployment, stateFile, env });
}
