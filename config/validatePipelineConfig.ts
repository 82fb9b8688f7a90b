/**
 * Validation of the pipeline config and of each handler's slice: the schema check (`schema.ts`, walked by
 * `validateAgainstSchema.ts`) then the semantic checks (`semanticChecks.ts`). Every problem is reported with
 * the path of the field that is wrong (`sinks.redis.mappings[2].key: ...`), all at once, so a bad config
 * fails `cdk synth` (and a handler's cold start) with a message a person can act on.
 */
import { ConfigError } from './errors';
import { ChangeBridgeSliceSchema, DynamoSinkSchema, PipelineConfigSchema, RedisSinkSchema } from './schema';
import {
  changeBridgeChecks,
  dynamoSinkChecks,
  FORMAT_CHECKS,
  pipelineChecks,
  redisSinkChecks,
} from './semanticChecks';
import type {
  DynamoSinkConfig,
  PipelineConfig,
  RedisSinkConfig,
  SourceTableConfig,
  TopicConfig,
} from './types';
import { type SchemaNode, validateAgainstSchema, type WalkOptions } from './validateAgainstSchema';

function validate<T>(
  schema: unknown,
  value: unknown,
  options: Omit<WalkOptions, 'formats'>,
  semantic: (value: unknown) => string[],
  context?: string,
): T {
  const issues = [
    ...validateAgainstSchema(schema as SchemaNode, value, { ...options, formats: FORMAT_CHECKS }),
    ...semantic(value),
  ];
  if (issues.length > 0) throw new ConfigError(issues, context);
  return value as T;
}

/**
 * Validates a whole pipeline config; throws {@link ConfigError} listing every problem with its path.
 *
 * @example
 * ```ts
 * const config = validatePipelineConfig(rawConfig); // typed, or a ConfigError naming each bad field
 * ```
 */
export function validatePipelineConfig(value: unknown): PipelineConfig {
  return validate(PipelineConfigSchema, value, { root: 'config', bareSections: true }, pipelineChecks);
}

/** The slice a change bridge (ddb-stream-to-kafka, kinesis-to-kafka) receives. */
export interface ChangeBridgeSlice {
  readonly sources: readonly SourceTableConfig[];
  readonly topics: readonly TopicConfig[];
}

/** Validates a change bridge's slice at cold start. */
export function validateChangeBridgeSlice(value: unknown): ChangeBridgeSlice {
  return validate(
    ChangeBridgeSliceSchema,
    value,
    { root: 'slice', bareSections: true },
    changeBridgeChecks,
    'invalid change bridge config',
  );
}

/** Validates the Redis sink's slice at cold start. */
export function validateRedisSinkSlice(value: unknown): RedisSinkConfig {
  return validate(
    RedisSinkSchema,
    value,
    { root: 'redis' },
    (v) => redisSinkChecks(v, 'redis'),
    'invalid Redis sink config',
  );
}

/** Validates the DynamoDB sink's slice at cold start. */
export function validateDynamoSinkSlice(value: unknown): DynamoSinkConfig {
  return validate(
    DynamoSinkSchema,
    value,
    { root: 'dynamodb' },
    (v) => dynamoSinkChecks(v, 'dynamodb'),
    'invalid DynamoDB sink config',
  );
}
