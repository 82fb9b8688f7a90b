import { availableParallelism } from 'node:os';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Logger } from '../../lambdas/core/Logger';
import { SDK_APP_IDS } from '../services/constants';
import { ENVIRONMENT_DEFAULTS } from './environment/constants';
import { FunctionPool } from './environment/FunctionPool';
import { inheritedEnv } from './environment/lambdaEnvironment';
import type { FunctionOutput, InvocationResult } from './environment/types';
import { FileCheckpointStore, MemoryCheckpointStore } from './pollers/CheckpointStore';
import { POLLER_DEFAULTS } from './pollers/constants';
import { DynamoStreamsPoller } from './pollers/DynamoStreamsPoller';
import { MappingConfigError } from './pollers/errors';
import { KafkaPoller } from './pollers/KafkaPoller';
import { KinesisPoller } from './pollers/KinesisPoller';
import { OnFailureDestination } from './pollers/OnFailureDestination';
import type { CheckpointStore, Poller, PollerContext, PollerSettings } from './pollers/types';
import { SCHEDULE_SETTINGS } from './schedules/constants';
import { ScheduleConfigError } from './schedules/errors';
import { ScheduleRunner } from './schedules/ScheduleRunner';
import type { LocalDeployment, LocalEventSourceMapping, LocalScheduleRule } from './types';

export interface LocalRuntimeOptions {
  /**
   * Where the local servers are: `AWS_ENDPOINT_URL_DYNAMODB_STREAMS`, `AWS_ENDPOINT_URL_KINESIS`,
   * `AWS_ENDPOINT_URL_SQS` (or `AWS_ENDPOINT_URL`), `KAFKA_BROKERS`, `AWS_REGION` and credentials.
   * Default: this process's environment.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Run only these event source mappings (logical ids); default all enabled ones. */
  readonly mappings?: readonly string[];
  /** Runtime log lines (JSON); default stdout at LOG_LEVEL. */
  readonly logger?: Logger;
  /** Where the functions' stdout/stderr lines go; default this process's stdout/stderr. */
  readonly output?: FunctionOutput;
  /** The clock record ages are measured with; default Date.now. */
  readonly now?: () => number;
  /** Poller timing overrides (poll interval, shard refresh, retry backoff). */
  readonly settings?: Partial<PollerSettings>;
  /** Keep stream checkpoints in this JSON file across runs; default in memory. */
  readonly checkpointFile?: string;
  /** Execution environments per function at most. Default 10. */
  readonly maxConcurrency?: number;
  /** Account id in function ARNs; default 123456789012, the one the local deployer and moto use. */
  readonly accountId?: string;
  /** Run only these scheduled rules (logical ids); default all enabled ones. */
  readonly scheduleRules?: readonly string[];
  /**
   * Factor (0 < f ≤ 1) on every `rate(...)` interval of the scheduled rules, so tests and demos need not
   * wait minutes. Default: `STREAMBRIDGE_SCHEDULE_RATE_SCALE` of `env`, else 1 (AWS's intervals).
   */
  readonly scheduleRateScale?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function endpoint(env: Env, name: string): string | undefined {
  return env[name] || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * The local runtime of a deployment: one FunctionPool (execution environments) per function and one
 * poller per enabled event source mapping, with AWS event source semantics. See docs/local-runtime.md.
 *
 * @example
 * ```ts
 * const runtime = new LocalRuntime(deployment, { env: process.env });
 * await runtime.start();
 * // … write to the tables, streams and topics …
 * await runtime.stop();
 * ```
 */
export class LocalRuntime {
  readonly #deployment: LocalDeployment;
  readonly #options: LocalRuntimeOptions;
  readonly #env: Env;
  readonly #logger: Logger;
  readonly #region: string;
  readonly #accountId: string;
  readonly #functions = new Map<string, FunctionPool>();
  readonly #pollers: Poller[] = [];
  readonly #schedules: ScheduleRunner[] = [];
  readonly #checkpoints: CheckpointStore;
  #streams: DynamoDBStreamsClient | undefined;
  #kinesis: KinesisClient | undefined;
  #sqs: SQSClient | undefined;
  #s3: S3Client | undefined;
  #started = false;

  constructor(deployment: LocalDeployment, options: LocalRuntimeOptions = {}) {
    this.#deployment = deployment;
    this.#options = options;
    this.#env = options.env ?? process.env;
    this.#logger = options.logger ?? new Logger('streambridge-local');
    this.#region = this.#env.AWS_REGION || ENVIRONMENT_DEFAULTS.region;
    this.#accountId = options.accountId ?? ENVIRONMENT_DEFAULTS.accountId;
    this.#checkpoints = options.checkpointFile
      ? new FileCheckpointStore(options.checkpointFile)
      : new MemoryCheckpointStore();
    const unknown = (options.mappings ?? []).filter(
      (id) => !deployment.eventSourceMappings.some((mapping) => mapping.logicalId === id),
    );
    if (unknown.length > 0) {
      throw new MappingConfigError(unknown.join(', '), 'not in the deployment');
    }
    const unknownRules = (options.scheduleRules ?? []).filter(
      (id) => !(deployment.scheduleRules ?? []).some((rule) => rule.logicalId === id),
    );
    if (unknownRules.length > 0) {
      throw new ScheduleConfigError(`scheduled rules ${unknownRules.join(', ')}`, 'not in the deployment');
    }
  }

  /** The execution environments of a function, by logical id or function name. */
  function(idOrName: string): FunctionPool {
    const pool =
      this.#functions.get(idOrName) ??
      [...this.#functions.values()].find((candidate) => candidate.functionName === idOrName);
    if (!pool) throw new Error(`no function ${idOrName} in the local deployment`);
    return pool;
  }

  get pollers(): readonly Poller[] {
    return this.#pollers;
  }

  /** The scheduled rules being fired. */
  get schedules(): readonly ScheduleRunner[] {
    return this.#schedules;
  }

  /** Invokes a function directly (like `lambda invoke`), outside any event source mapping. */
  invoke(idOrName: string, event: unknown): Promise<InvocationResult> {
    return this.function(idOrName).invoke(event);
  }

  /** Creates the execution environments (cold until first use) and starts every selected poller. */
  async start(): Promise<void> {
    if (this.#started) throw new Error('local runtime already started');
    this.#started = true;
    const baseEnv = inheritedEnv(this.#env as NodeJS.ProcessEnv);
    for (const fn of this.#deployment.functions) {
      this.#functions.set(
        fn.logicalId,
        new FunctionPool(fn, {
          baseEnv,
          region: this.#region,
          accountId: this.#accountId,
          logger: this.#logger,
          ...(this.#options.output ? { output: this.#options.output } : {}),
          ...(this.#options.maxConcurrency ? { maxConcurrency: this.#options.maxConcurrency } : {}),
        }),
      );
    }
    try {
      for (const mapping of this.#selectedMappings()) this.#pollers.push(this.#poller(mapping));
      await Promise.all(this.#pollers.map((poller) => poller.start()));
      for (const rule of this.#selectedRules()) this.#schedules.push(this.#scheduleRunner(rule));
      for (const runner of this.#schedules) runner.start();
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.#logger.info('local runtime started', {
      functions: this.#deployment.functions.map((fn) => fn.functionName),
      mappings: this.#pollers.map((poller) => poller.mapping.logicalId),
      scheduleRules: this.#schedules.map((runner) => runner.rule.ruleName),
    });
  }

  /**
   * Runs the init phase of every function's environments (up to its concurrency) now, as many functions at
   * a time as the machine has cores: a measured run then starts on warm functions, as a pipeline in steady
   * use on Lambda does. Init errors are logged; the first invocation of such an environment tries again.
   */
  async prewarm(): Promise<{ readonly environments: number; readonly initErrors: number }> {
    let environments = 0;
    let initErrors = 0;
    const pools = [...this.#functions.values()];
    const worker = async () => {
      for (let pool = pools.shift(); pool; pool = pools.shift()) {
        const errors = await pool.prewarm();
        environments += pool.environments.length;
        initErrors += errors.length;
        for (const error of errors)
          this.#logger.warn('prewarm: init failed', {
            function: pool.functionName,
            error: error.errorMessage,
          });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
    return { environments, initErrors };
  }

  /** Stops the pollers (running invocations finish, bounded), then the function processes; writes the last checkpoints. */
  async stop(): Promise<void> {
    await Promise.allSettled([
      ...this.#pollers.map((poller) => poller.stop()),
      ...this.#schedules.map((runner) => runner.stop()),
    ]);
    await Promise.allSettled([...this.#functions.values()].map((pool) => pool.stop()));
    await this.#checkpoints.flush?.();
    this.#streams?.destroy();
    this.#kinesis?.destroy();
    this.#sqs?.destroy();
    this.#s3?.destroy();
  }

  #selectedMappings(): LocalEventSourceMapping[] {
    const wanted = this.#options.mappings;
    const selected: LocalEventSourceMapping[] = [];
    for (const mapping of this.#deployment.eventSourceMappings) {
      if (wanted && !wanted.includes(mapping.logicalId)) continue;
      if (!mapping.enabled) {
        this.#logger.info('event source mapping disabled; not polled', { mapping: mapping.logicalId });
        continue;
      }
      selected.push(mapping);
    }
    return selected;
  }

  #selectedRules(): LocalScheduleRule[] {
    const wanted = this.#options.scheduleRules;
    return (this.#deployment.scheduleRules ?? []).filter((rule) => {
      if (wanted && !wanted.includes(rule.logicalId)) return false;
      if (!rule.enabled) this.#logger.info('scheduled rule disabled; not fired', { rule: rule.logicalId });
      return rule.enabled;
    });
  }

  #rateScale(): number {
    const configured = this.#options.scheduleRateScale ?? this.#env[SCHEDULE_SETTINGS.rateScaleEnv];
    if (configured === undefined || configured === '') return 1;
    const scale = Number(configured);
    if (!(scale > 0 && scale <= 1)) {
      throw new ScheduleConfigError(
        SCHEDULE_SETTINGS.rateScaleEnv,
        `must be a number above 0 and at most 1, got ${JSON.stringify(configured)}`,
      );
    }
    return scale;
  }

  #scheduleRunner(rule: LocalScheduleRule): ScheduleRunner {
    const functions = new Map<string, FunctionPool>();
    for (const target of rule.targets) {
      const fn = this.#functions.get(target.functionLogicalId);
      if (!fn) {
        const problem = `function ${target.functionLogicalId} is not deployed`;
        throw new ScheduleConfigError(`scheduled rule ${rule.logicalId}`, problem);
      }
      functions.set(target.functionLogicalId, fn);
    }
    return new ScheduleRunner({
      rule,
      functions,
      logger: this.#logger,
      region: this.#region,
      accountId: this.#accountId,
      now: this.#options.now ?? Date.now,
      rateScale: this.#rateScale(),
    });
  }

  #clientConfig(name: string) {
    const url = endpoint(this.#env, name);
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = this.#env;
    return {
      region: this.#region,
      ...(url ? { endpoint: url } : {}),
      ...(AWS_ACCESS_KEY_ID && AWS_SECRET_ACCESS_KEY
        ? { credentials: { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY } }
        : {}),
      // kinesis-mock's plain port speaks HTTP/1.1 only; HTTP/1.1 is fine for every local endpoint.
      requestHandler: new NodeHttpHandler(),
      userAgentAppId: SDK_APP_IDS.runtime,
    };
  }

  #poller(mapping: LocalEventSourceMapping): Poller {
    const fn = this.#functions.get(mapping.functionLogicalId);
    if (!fn)
      throw new MappingConfigError(
        mapping.logicalId,
        `function ${mapping.functionLogicalId} is not deployed`,
      );
    if (mapping.onFailureQueueUrl) this.#sqs ??= new SQSClient(this.#clientConfig('AWS_ENDPOINT_URL_SQS'));
    if (mapping.onFailureBucketName) {
      // moto serves S3 on one host (path-style); without an S3 variable, S3 is where DynamoDB is.
      this.#s3 ??= new S3Client({
        ...this.#clientConfig(
          this.#env.AWS_ENDPOINT_URL_S3 ? 'AWS_ENDPOINT_URL_S3' : 'AWS_ENDPOINT_URL_DYNAMODB',
        ),
        forcePathStyle: true,
      });
    }
    const context: PollerContext = {
      mapping,
      fn,
      destination: new OnFailureDestination({
        ...(this.#sqs ? { sqs: this.#sqs } : {}),
        ...(mapping.onFailureQueueUrl ? { queueUrl: mapping.onFailureQueueUrl } : {}),
        ...(this.#s3 ? { s3: this.#s3 } : {}),
        ...(mapping.onFailureBucketName ? { bucketName: mapping.onFailureBucketName } : {}),
        logger: this.#logger,
        mappingId: mapping.logicalId,
      }),
      checkpoints: this.#checkpoints,
      logger: this.#logger,
      now: this.#options.now ?? Date.now,
      region: this.#region,
      accountId: this.#accountId,
      settings: { ...POLLER_DEFAULTS, ...this.#options.settings },
    };
    switch (mapping.kind) {
      case 'dynamodb-streams':
        this.#streams ??= new DynamoDBStreamsClient(
          this.#clientConfig(
            this.#env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS
              ? 'AWS_ENDPOINT_URL_DYNAMODB_STREAMS'
              : 'AWS_ENDPOINT_URL_DYNAMODB',
          ),
        );
        return new DynamoStreamsPoller(context, this.#streams);
      case 'kinesis':
        this.#kinesis ??= new KinesisClient(this.#clientConfig('AWS_ENDPOINT_URL_KINESIS'));
        return new KinesisPoller(context, this.#kinesis);
      case 'kafka':
        return new KafkaPoller(context, {
          brokers: (this.#env.KAFKA_BROKERS ?? '')
            .split(',')
            .map((broker) => broker.trim())
            .filter(Boolean),
        });
    }
  }
}
