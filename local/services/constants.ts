/** The local servers, in the order they are listed and started; which of them start depends on the AWS target. */
export const SERVICE_NAMES = ['kafka', 'redis', 'moto', 'kinesis', 'localstack'] as const;

/** Default loopback ports; chosen away from the servers' usual ports so a system-wide install never collides. */
export const DEFAULT_PORTS = {
  kafka: 19092,
  kafkaController: 19093,
  redis: 16379,
  moto: 14566,
  kinesis: 14567,
  kinesisTls: 14568,
  localstack: 14666,
} as const;

/** Environment variables that override the default ports (CLI flags and API options override these). */
export const PORT_ENV_VARS = {
  kafka: 'STREAMBRIDGE_KAFKA_PORT',
  kafkaController: 'STREAMBRIDGE_KAFKA_CONTROLLER_PORT',
  redis: 'STREAMBRIDGE_REDIS_PORT',
  moto: 'STREAMBRIDGE_MOTO_PORT',
  kinesis: 'STREAMBRIDGE_KINESIS_PORT',
  kinesisTls: 'STREAMBRIDGE_KINESIS_TLS_PORT',
  localstack: 'STREAMBRIDGE_LOCALSTACK_PORT',
} as const;

export const LOOPBACK_HOST = '127.0.0.1';

/** Replaces the broker's default heap and JIT flags. */
export const KAFKA_JAVA_OPTS_ENV_VAR = 'STREAMBRIDGE_KAFKA_JAVA_OPTS';

/**
 * The Python LocalStack's venv is made with. localstack-core 2026.3.0 imports `warnings.deprecated`, new in
 * Python 3.13, at start-up (3.12 fails with an ImportError, 3.11 with a SyntaxError).
 */
export const LOCALSTACK_PYTHON = {
  minimum: { major: 3, minor: 13 },
  /** A Python to use instead of searching PATH and ~/.pyenv/versions. */
  envVar: 'STREAMBRIDGE_LOCALSTACK_PYTHON',
} as const;

/** Pinned versions of what is downloaded on first use. */
export const VERSIONS = {
  kafka: '4.4.0',
  moto: '5.2.5',
} as const;

/** Region and dummy credentials every local AWS stand-in accepts. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  accessKeyId: 'test',
  secretAccessKey: 'test',
} as const;

/** Bounded waits, in milliseconds. */
export const TIMEOUTS = {
  /** Kafka formats storage and elects itself on first start; the others are up in about a second. */
  startKafka: 120_000,
  startOther: 60_000,
  /** A running server that does not answer within this window is treated as hung and restarted. */
  reuseProbe: 10_000,
  /** Kafka flushes its logs on SIGTERM and, on its first run, writes its class data sharing archive. */
  stopKafka: 60_000,
  stopOther: 10_000,
  /** LocalStack stops its services and the kinesis-mock it started before it exits (about 6 s here). */
  stopLocalStack: 30_000,
  afterKill: 5_000,
  /** How long a port may stay held after its server's process is gone (its threads still exiting). */
  portRelease: 3_000,
  /** One probe attempt (connect plus one request). */
  probeAttempt: 2_000,
  pollInterval: 200,
  /** Another launcher may be downloading jars or creating the venv: wait for it that long at most. */
  lock: 15 * 60_000,
} as const;

/**
 * Where the AWS side (DynamoDB, DynamoDB Streams, Kinesis, SQS, S3) is served: the project's moto and
 * kinesis-mock (default), LocalStack beside moto (moto keeps DynamoDB and Streams: LocalStack's DynamoDB needs
 * DynamoDB Local), or real AWS. See docs/localstack.md.
 */
export const AWS_TARGETS = ['moto', 'localstack', 'aws'] as const;

export const DEFAULT_AWS_TARGET = 'moto';

/** The variables that pick the AWS target (CLI flags and API options override them). */
export const AWS_TARGET_ENV_VARS = {
  /** `moto` (default), `localstack` or `aws`. */
  target: 'STREAMBRIDGE_AWS_TARGET',
  /** An endpoint someone else runs (a LocalStack container, a moto server): every AWS service goes there. */
  endpoint: 'STREAMBRIDGE_AWS_ENDPOINT',
  /** Must be `1` for the `aws` target: real resources cost money and live in a real account. */
  allowReal: 'STREAMBRIDGE_AWS_ALLOW_REAL',
} as const;

/** The AWS services the project talks to, by the suffix of their `AWS_ENDPOINT_URL_<SERVICE>` variable. */
export const AWS_SERVICE_TITLES = {
  DYNAMODB: 'DynamoDB',
  DYNAMODB_STREAMS: 'DynamoDB Streams',
  KINESIS: 'Kinesis',
  SQS: 'SQS',
  SNS: 'SNS',
  S3: 'S3',
} as const;

/** Which launcher server serves each AWS service, for the targets the launcher serves itself. */
export const AWS_SERVICE_SERVERS = {
  moto: {
    DYNAMODB: 'moto',
    DYNAMODB_STREAMS: 'moto',
    KINESIS: 'kinesis',
    SQS: 'moto',
    SNS: 'moto',
    S3: 'moto',
  },
  localstack: {
    DYNAMODB: 'moto',
    DYNAMODB_STREAMS: 'moto',
    KINESIS: 'localstack',
    SQS: 'localstack',
    // The launcher's LocalStack serves sqs, kinesis and s3 only; SNS stays on moto (no SNS → SQS delivery there).
    SNS: 'moto',
    S3: 'localstack',
  },
} as const;

/** Who started a server: the CLI (kept until `services down`) or a test run's lease (stopped by the last one). */
export const STARTED_BY = {
  cli: 'cli',
  lease: 'lease',
  api: 'api',
} as const;

/**
 * AWS SDK app ids of streambridge's own clients (`app/<id>` in the user agent): the moto launcher counts
 * requests by them, so the bench can say who asks what; the handlers' clients have none (`functions`).
 */
export const SDK_APP_IDS = {
  runtime: 'streambridge-runtime',
  deploy: 'streambridge-deploy',
  demoWriter: 'streambridge-demo-writer',
  demoProbe: 'streambridge-demo-probe',
  demoVerifier: 'streambridge-demo-verifier',
} as const;
