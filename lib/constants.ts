/**
 * Infrastructure constants: handler entries, ports and the fixed defaults the constructs share. Values a
 * pipeline can change live in the pipeline config (`config/`), not here.
 */
import { HANDLER_NAMES } from '../lambdas/core/constants';

/** The four bridge handlers: their folder under `lambdas/` and the EMF `Service` dimension they emit. */
export const HANDLERS = {
  ddbStreamToKafka: HANDLER_NAMES.ddbStreamToKafka,
  kinesisToKafka: HANDLER_NAMES.kinesisToKafka,
  kafkaToRedis: HANDLER_NAMES.kafkaToRedis,
  kafkaToDynamodb: HANDLER_NAMES.kafkaToDynamodb,
} as const;

export type HandlerName = (typeof HANDLERS)[keyof typeof HANDLERS];

/** The handler of `Custom::KafkaTopic` resources (topics of MSK Serverless, which has no `AWS::MSK::Topic`). */
export const TOPIC_PROVISIONER = HANDLER_NAMES.kafkaTopicProvisioner;

/** Every handler folder under `lambdas/` that a construct deploys. */
export type FunctionHandler = HandlerName | typeof TOPIC_PROVISIONER;

/**
 * Where the built package keeps each handler's prebuilt bundle: `dist/<directory>/<handler>/<file>`, next
 * to the compiled constructs, so a construct used from `node_modules` needs neither the handlers' sources
 * nor esbuild. The Lambda handler setting is `index.handler`.
 */
export const HANDLER_BUNDLES = {
  directory: 'handlers',
  file: 'index.js',
  lambdaHandler: 'index.handler',
} as const;

/** TLS listener ports of MSK brokers per client authentication (MSK fixes these). */
export const KAFKA_PORTS = { iam: 9098, scram: 9096 } as const;

/**
 * The `GetBootstrapBrokers` field that lists the brokers of each client authentication, private (VPC)
 * listeners only: the pipeline never opens public access.
 */
export const BOOTSTRAP_BROKER_FIELDS = {
  iam: 'BootstrapBrokerStringSaslIam',
  scram: 'BootstrapBrokerStringSaslScram',
} as const;

/** ElastiCache Valkey/Redis port. */
export const CACHE_PORT = 6379;

/** Lambda settings shared by every bridge function; a construct's `functionProps` may override them. */
export const FUNCTION_DEFAULTS = {
  memorySizeMb: 1024,
  timeoutSeconds: 120,
  logRetentionDays: 30,
  /** Stack traces point at the TypeScript sources through each bundle's source map. */
  nodeOptions: '--enable-source-maps',
} as const;

/**
 * Provisioned pollers of the Kafka event source mappings. They are required for partial batch responses,
 * bisect, finite retries and record age on Kafka sources; all mappings of a pipeline share one poller group
 * so the minimum capacity is paid once.
 */
export const KAFKA_POLLER_DEFAULTS = { minimumPollers: 1, maximumPollers: 10 } as const;

/** The topic provisioner answers CloudFormation within its timeout; CloudFormation waits a little longer. */
export const TOPIC_PROVISIONER_TIMEOUTS = { functionSeconds: 300, serviceSeconds: 360 } as const;

/** MSK Serverless replicates every topic three times. */
export const SERVERLESS_REPLICATION_FACTOR = 3;

/** MSK defaults when the config is silent. */
export const KAFKA_CLUSTER_DEFAULTS = {
  kafkaVersion: '3.8.x',
  brokerCount: 2,
  instanceType: 'kafka.t3.small',
  volumeSizeGiB: 20,
  /** The MSK topic API (`AWS::MSK::Topic`) needs Kafka 3.6 or later. */
  minTopicApiVersion: [3, 6],
} as const;

/** ElastiCache defaults when the config is silent. */
export const CACHE_DEFAULTS = {
  engine: 'valkey',
  engineVersion: { valkey: '8.0', redis: '7.1' },
  nodeType: 'cache.t4g.micro',
  replicas: 1,
  shards: 1,
  snapshotRetentionDays: 1,
} as const;

/** Alarm thresholds. Iterator age and offset lag say how far behind the bridges run. */
export const ALARM_DEFAULTS = {
  iteratorAgeMs: 60_000,
  offsetLag: 10_000,
  cachePercent: 80,
  /** Above the storage autoscaling target: storage is growing too fast, or has reached its maximum. */
  brokerDiskPercent: 85,
  /** CpuUser + CpuSystem; MSK advises staying under 60 % so a broker can take over a failed one's load. */
  brokerCpuPercent: 60,
  /** Partitions lag behind briefly while MSK patches or restarts a broker: alarm only when it lasts. */
  underReplicatedMinutes: 10,
  periodSeconds: 60,
  evaluationPeriods: 5,
} as const;

/**
 * MSK broker storage autoscaling (provisioned clusters): Application Auto Scaling grows each broker's
 * volume to keep its use at the target, up to `kafka.maxVolumeSizeGiB` (default: this many times
 * `volumeSizeGiB`). MSK storage only grows.
 */
export const BROKER_STORAGE_SCALING = {
  targetUtilizationPercent: 60,
  defaultMaxVolumeFactor: 5,
  maxVolumeSizeGiB: 16_384,
} as const;
