/** The four local servers, in the order they are listed and started. */
export const ServiceNames = ['kafka', 'redis', 'moto', 'kinesis'] as const;

/** Default loopback ports; chosen away from the servers' usual ports so a system-wide install never collides. */
export const DefaultPorts = {
  kafka: 19092,
  kafkaController: 19093,
  redis: 16379,
  moto: 14566,
  kinesis: 14567,
  kinesisTls: 14568,
} as const;

/** Environment variables that override the default ports (CLI flags and API options override these). */
export const PortEnvVars = {
  kafka: 'STREAMBRIDGE_KAFKA_PORT',
  kafkaController: 'STREAMBRIDGE_KAFKA_CONTROLLER_PORT',
  redis: 'STREAMBRIDGE_REDIS_PORT',
  moto: 'STREAMBRIDGE_MOTO_PORT',
  kinesis: 'STREAMBRIDGE_KINESIS_PORT',
  kinesisTls: 'STREAMBRIDGE_KINESIS_TLS_PORT',
} as const;

export const LoopbackHost = '127.0.0.1';

/** Replaces the broker's default heap and JIT flags. */
export const KafkaJavaOptsEnvVar = 'STREAMBRIDGE_KAFKA_JAVA_OPTS';

/** Pinned versions of what is downloaded on first use. */
export const Versions = {
  kafka: '4.4.0',
  moto: '5.2.5',
} as const;

/** Region and dummy credentials every local AWS stand-in accepts. */
export const LocalAws = {
  region: 'us-east-1',
  accessKeyId: 'test',
  secretAccessKey: 'test',
} as const;

/** Bounded waits, in milliseconds. */
export const Timeouts = {
  /** Kafka formats storage and elects itself on first start; the others are up in about a second. */
  startKafka: 120_000,
  startOther: 60_000,
  /** A running server that does not answer within this window is treated as hung and restarted. */
  reuseProbe: 10_000,
  /** Kafka flushes its logs on SIGTERM and, on its first run, writes its class data sharing archive. */
  stopKafka: 60_000,
  stopOther: 10_000,
  afterKill: 5_000,
  /** One probe attempt (connect plus one request). */
  probeAttempt: 2_000,
  pollInterval: 200,
  /** Another launcher may be downloading jars or creating the venv: wait for it that long at most. */
  lock: 15 * 60_000,
} as const;

/** Who started a server: the CLI (kept until `services down`) or a test run's lease (stopped by the last one). */
export const StartedBy = {
  cli: 'cli',
  lease: 'lease',
  api: 'api',
} as const;
