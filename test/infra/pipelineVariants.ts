/**
 * The pipeline variants the infra tests synthesize: the reference config and one variant per group of
 * options (SCRAM / AUTH token / cluster mode / event source overrides / alarm subscriptions / data not
 * retained, a lean pipeline on ElastiCache Serverless, MSK Serverless). Each test file asserts on the variants it cares about;
 * cfnLint.test.ts lints every one.
 */
import type { PipelineConfig } from '../../config/types';
import type { BuildAppOptions } from '../../lib/streambridgeApp';
import referenceConfig from '../../streambridge.config';
import {
  ALL_EXISTING_CONFIG,
  EXISTING,
  EXISTING_MSK,
  EXISTING_SELF_MANAGED_KAFKA,
} from '../factories/existingResources';
import { configWith } from './pipelineTemplates';

/** The source filter of the `shop` variant (on `sb-sessions`). */
export const SESSIONS_FILTER = { eventName: ['INSERT', 'MODIFY'] };
/** The Redis sink filter of the `shop` variant. */
export const CLICK_FILTER = { value: { type: ['click'] } };

/** Every protocol of alarm subscription, on the `shop` variant. */
export const ALARM_SUBSCRIPTIONS = [
  { protocol: 'email', endpoint: 'oncall@example.com' },
  { protocol: 'https', endpoint: 'https://alerts.example.com/hooks/streambridge' },
  { protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:shop-alarms' },
  { protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:shop-pager' },
] as const;

/** AZ ids of the `shop` variant; the `lean` one names three AZs. */
export const SHOP_AVAILABILITY_ZONES = ['euw1-az1', 'euw1-az3'];
export const LEAN_AVAILABILITY_ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
export const LEAN_FAILURE_RECORD_DAYS = 7;

export interface PipelineVariant {
  readonly config: PipelineConfig;
  readonly options?: BuildAppOptions;
}

export const PIPELINE_VARIANTS = {
  reference: { config: referenceConfig },
  /** AZ ids, SCRAM, AUTH token, cluster mode, event source overrides, alarm subscriptions, data not retained. */
  shop: {
    config: configWith((c) => {
      c.name = 'shop';
      c.network = { availabilityZones: SHOP_AVAILABILITY_ZONES };
      c.kafka.auth = 'scram';
      c.cache = { ...c.cache, auth: 'token', clusterMode: true, shards: 2 };
      c.sources[1].eventSource = {
        filters: [SESSIONS_FILTER],
        retryAttempts: 2,
        maxRecordAgeSeconds: 120,
        parallelizationFactor: 4,
        bisectOnError: false,
        startingPosition: 'LATEST',
      };
      c.sinks.redis.eventSource = { batchSize: 100, filters: [CLICK_FILTER] };
      c.alarms = { subscriptions: ALARM_SUBSCRIPTIONS };
    }),
    options: { retainData: false },
  },
  /**
   * ElastiCache Serverless, three named AZs and brokers, no Kinesis source, no governance, no DynamoDB sink,
   * failure records kept 7 days.
   */
  lean: {
    config: configWith((c) => {
      c.name = 'lean';
      c.failureRecords = { expirationDays: LEAN_FAILURE_RECORD_DAYS };
      c.network = { availabilityZones: LEAN_AVAILABILITY_ZONES };
      c.kafka.brokerCount = 3;
      c.cache = { type: 'serverless' };
      c.sources = c.sources.filter((source: { via?: string }) => source.via !== 'kinesis');
      for (const source of c.sources) delete source.governance;
      delete c.sinks.dynamodb;
    }),
  },
  /** MSK Serverless. */
  svl: {
    config: configWith((c) => {
      c.name = 'svl';
      c.kafka = { type: 'serverless' };
    }),
  },
} as const satisfies Record<string, PipelineVariant>;

export type PipelineVariantName = keyof typeof PIPELINE_VARIANTS;

/**
 * One variant per existing-resource path (issue 15), each otherwise the reference pipeline: a source
 * table with its stream ARN, a Kinesis-path source by its stream ARN, an MSK cluster by ARN (IAM), a
 * self-managed Kafka (SCRAM), an existing cache, an existing VPC; and everything existing (no data stack).
 */
export const EXISTING_VARIANTS = {
  tableStream: {
    config: configWith((c) => {
      c.name = 'byo-table';
      c.sources[1].existing = { streamArn: EXISTING.sessionsStreamArn };
    }),
  },
  kinesisStream: {
    config: configWith((c) => {
      c.name = 'byo-kinesis';
      delete c.sources[0].kinesis;
      c.sources[0].existing = { kinesisStreamArn: EXISTING.telemetryKinesisArn };
    }),
  },
  msk: {
    config: configWith((c) => {
      c.name = 'byo-msk';
      c.kafka = { existing: EXISTING_MSK };
      for (const topic of c.topics) {
        topic.existing = true;
        delete topic.retentionMs;
        delete topic.cleanupPolicy;
      }
    }),
  },
  selfManaged: {
    config: configWith((c) => {
      c.name = 'byo-kafka';
      c.kafka = { existing: EXISTING_SELF_MANAGED_KAFKA };
      for (const topic of c.topics) {
        topic.existing = true;
        delete topic.retentionMs;
        delete topic.cleanupPolicy;
      }
    }),
  },
  cache: {
    config: configWith((c) => {
      c.name = 'byo-cache';
      c.cache = { existing: EXISTING.cache };
    }),
  },
  network: {
    config: configWith((c) => {
      c.name = 'byo-vpc';
      c.network = { existing: EXISTING.network };
    }),
  },
  allExisting: { config: ALL_EXISTING_CONFIG },
} as const satisfies Record<string, PipelineVariant>;
