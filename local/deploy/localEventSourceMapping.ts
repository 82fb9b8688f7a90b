import type { FilterPattern } from '../../config/types';
import type { EventSourceKind, LocalEventSourceMapping, LocalFunction } from '../runtime/types';
import { EVENT_SOURCE_MAPPING_DEFAULTS } from './constants';
import { TemplateError } from './errors';

/** What an event source ARN is locally. */
export type EventSource =
  | { readonly kind: EventSourceKind; readonly sourceArn?: string; readonly name: string }
  | { readonly unsupported: string };

export interface EventSourceMappingSite {
  readonly stackName: string;
  readonly logicalId: string;
  /** Resolved properties of the `AWS::Lambda::EventSourceMapping`. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** The deployed function a `FunctionName` (name, ARN or qualified ARN) names. */
  readonly functionFor: (reference: string) => LocalFunction | undefined;
  /** What an `EventSourceArn` is locally; undefined when nothing deployed has that ARN. */
  readonly sourceFor: (arn: string) => EventSource | undefined;
  /** Local queue URL of an SQS queue ARN. */
  readonly queueUrlFor: (arn: string) => string | undefined;
  /** Local bucket name of an S3 bucket ARN. */
  readonly bucketNameFor: (arn: string) => string | undefined;
}

export type EventSourceMappingResult =
  | { readonly ok: true; readonly mapping: LocalEventSourceMapping; readonly detail: string }
  | { readonly ok: false; readonly reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(site: EventSourceMappingSite, path: string, problem: string): never {
  throw new TemplateError(site.stackName, site.logicalId, path, problem);
}

function integer(site: EventSourceMappingSite, name: string, fallback: number): number {
  const value = site.properties[name];
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number)) fail(site, name, `must be an integer, got ${JSON.stringify(value)}`);
  return number;
}

function boolean(site: EventSourceMappingSite, name: string, fallback: boolean): boolean {
  const value = site.properties[name];
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(site, name, `must be true or false, got ${JSON.stringify(value)}`);
}

/** `FilterCriteria.Filters[].Pattern`: JSON strings in the AWS filter-pattern syntax. */
function filters(site: EventSourceMappingSite): FilterPattern[] {
  const criteria = site.properties.FilterCriteria;
  if (criteria === undefined) return [];
  const list = isObject(criteria) ? criteria.Filters : undefined;
  if (list === undefined) return [];
  if (!Array.isArray(list)) fail(site, 'FilterCriteria.Filters', 'must be a list');
  return list.map((filter, index) => {
    const path = `FilterCriteria.Filters[${index}].Pattern`;
    const pattern = isObject(filter) ? filter.Pattern : undefined;
    if (typeof pattern !== 'string') fail(site, path, 'must be a JSON string');
    try {
      const parsed: unknown = JSON.parse(pattern);
      if (!isObject(parsed)) fail(site, path, 'must be a JSON object');
      return parsed as FilterPattern;
    } catch (error) {
      if (error instanceof TemplateError) throw error;
      return fail(site, path, `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

function consumerGroup(site: EventSourceMappingSite): string | undefined {
  for (const name of ['AmazonManagedKafkaEventSourceConfig', 'SelfManagedKafkaEventSourceConfig']) {
    const config = site.properties[name];
    if (isObject(config) && typeof config.ConsumerGroupId === 'string') return config.ConsumerGroupId;
  }
  return undefined;
}

function eventSource(site: EventSourceMappingSite): EventSource {
  const arn = site.properties.EventSourceArn;
  if (arn === undefined) {
    if (isObject(site.properties.SelfManagedEventSource)) {
      return { kind: 'kafka', name: 'self-managed Kafka (mapped to the local broker)' };
    }
    return fail(site, 'EventSourceArn', 'is required (or SelfManagedEventSource for self-managed Kafka)');
  }
  if (typeof arn !== 'string') fail(site, 'EventSourceArn', `must be an ARN, got ${JSON.stringify(arn)}`);
  const source = site.sourceFor(arn);
  if (source) return source;
  return { unsupported: `event source ${arn} is not deployed locally` };
}

/**
 * Reads an `AWS::Lambda::EventSourceMapping` into the local poller model, with the AWS defaults for every
 * setting the template leaves out (batch size 100, no batching window for streams and 500 ms for Kafka,
 * unbounded retries and record age, no bisect, parallelization 1, enabled), and the on-failure destination
 * resolved to the local queue URL.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventsourcemapping.html
 *
 * @example
 * ```ts
 * const result = localEventSourceMapping(site);
 * if (result.ok) console.log(result.mapping.kind, result.mapping.batchSize);
 * ```
 */
export function localEventSourceMapping(site: EventSourceMappingSite): EventSourceMappingResult {
  const props = site.properties;
  if (typeof props.FunctionName !== 'string') fail(site, 'FunctionName', 'is required');
  const fn = site.functionFor(props.FunctionName);
  if (!fn) return { ok: false, reason: `its function ${props.FunctionName} is not run locally` };
  const source = eventSource(site);
  if ('unsupported' in source) return { ok: false, reason: source.unsupported };
  const position = props.StartingPosition;
  if (position === undefined) fail(site, 'StartingPosition', `is required for a ${source.kind} event source`);
  if (position !== 'TRIM_HORIZON' && position !== 'LATEST') {
    return {
      ok: false,
      reason: `starting position ${String(position)} is not supported locally (TRIM_HORIZON, LATEST)`,
    };
  }
  let topics: string[] | undefined;
  if (source.kind === 'kafka') {
    if (!Array.isArray(props.Topics) || props.Topics.length !== 1 || typeof props.Topics[0] !== 'string') {
      fail(site, 'Topics', 'a Kafka event source needs exactly one topic');
    }
    topics = [props.Topics[0]];
  }
  const onFailure = isObject(props.DestinationConfig) ? props.DestinationConfig.OnFailure : undefined;
  const destination =
    isObject(onFailure) && typeof onFailure.Destination === 'string' ? onFailure.Destination : undefined;
  const onFailureQueueUrl = destination ? site.queueUrlFor(destination) : undefined;
  const onFailureBucketName = destination ? site.bucketNameFor(destination) : undefined;
  const responseTypes = Array.isArray(props.FunctionResponseTypes) ? props.FunctionResponseTypes : [];
  const mapping: LocalEventSourceMapping = {
    logicalId: site.logicalId,
    functionLogicalId: fn.logicalId,
    kind: source.kind,
    ...(source.sourceArn ? { sourceArn: source.sourceArn } : {}),
    ...(topics
      ? { topics, consumerGroupId: consumerGroup(site) ?? `${site.stackName}-${site.logicalId}` }
      : {}),
    enabled: boolean(site, 'Enabled', EVENT_SOURCE_MAPPING_DEFAULTS.enabled),
    batchSize: integer(site, 'BatchSize', EVENT_SOURCE_MAPPING_DEFAULTS.batchSize),
    maxBatchingWindowSeconds: integer(
      site,
      'MaximumBatchingWindowInSeconds',
      source.kind === 'kafka'
        ? EVENT_SOURCE_MAPPING_DEFAULTS.kafkaBatchingWindowSeconds
        : EVENT_SOURCE_MAPPING_DEFAULTS.streamBatchingWindowSeconds,
    ),
    startingPosition: position,
    parallelizationFactor: integer(
      site,
      'ParallelizationFactor',
      EVENT_SOURCE_MAPPING_DEFAULTS.parallelizationFactor,
    ),
    bisectOnError: boolean(site, 'BisectBatchOnFunctionError', EVENT_SOURCE_MAPPING_DEFAULTS.bisectOnError),
    maxRetryAttempts: integer(site, 'MaximumRetryAttempts', EVENT_SOURCE_MAPPING_DEFAULTS.maxRetryAttempts),
    maxRecordAgeSeconds: integer(
      site,
      'MaximumRecordAgeInSeconds',
      EVENT_SOURCE_MAPPING_DEFAULTS.maxRecordAgeSeconds,
    ),
    reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
    filters: filters(site),
    ...(onFailureQueueUrl ? { onFailureQueueUrl } : {}),
    ...(onFailureBucketName ? { onFailureBucketName } : {}),
  };
  const notes = [
    `${source.name} → ${fn.functionName}`,
    `batch ${mapping.batchSize}, window ${mapping.maxBatchingWindowSeconds} s, ${mapping.startingPosition}`,
  ];
  if (mapping.filters.length > 0) notes.push(`${mapping.filters.length} filter(s)`);
  if (destination && !onFailureQueueUrl && !onFailureBucketName)
    notes.push(`on-failure destination ${destination} is not a local queue or bucket: dropped`);
  if (onFailureQueueUrl) notes.push(`on failure → ${onFailureQueueUrl}`);
  if (onFailureBucketName) notes.push(`on failure → s3://${onFailureBucketName}`);
  if (!mapping.enabled) notes.push('disabled');
  return { ok: true, mapping, detail: notes.join('; ') };
}
