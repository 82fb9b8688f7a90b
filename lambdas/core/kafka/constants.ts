/** Settings of the change bridges' Kafka producer. */

export const KAFKA_AUTH_MODES = ['iam', 'scram', 'mtls', 'plaintext'] as const;
export const KAFKA_COMPRESSIONS = ['gzip', 'none'] as const;
/** `fast`: produceEncoding.ts encodes records; `kafkajs`: kafkajs as published. */
export const KAFKA_RECORD_ENCODERS = ['fast', 'kafkajs'] as const;

/** Secure by default: a deployed bridge talks to MSK with IAM auth; local runs set `plaintext`. */
export const KAFKA_DEFAULTS = {
  auth: 'iam',
  compression: 'gzip',
  /** Measured: sendBatch about 1.9× as fast (docs/handlers.md). */
  recordEncoder: 'fast',
} as const;

/**
 * Client timeouts and retries, bounded so that a send to a lost broker fails well within a Lambda timeout
 * and the batch is reported instead of timing out.
 */
export const PRODUCER_TIMEOUTS = {
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 10_000,
  /** Broker-side wait for the in-sync replicas (acks=-1). */
  ackTimeoutMs: 10_000,
  retries: 3,
  initialRetryTimeMs: 200,
  maxRetryTimeMs: 2_000,
  /** A failed producer's disconnect is awaited at most this long before a fresh one is made. */
  disconnectMs: 2_000,
} as const;

/** `acks` of a Produce request: every record waits for all in-sync replicas. */
export const PRODUCER_ACKS = { all: -1 } as const;

/** Sizes of records on the wire, to keep every record batch under its topic's limit. */
export const RECORD_SIZES = {
  /** Kafka's (and MSK's) default `message.max.bytes`: the size limit of a record batch. */
  defaultMaxMessageBytes: 1_048_588,
  /** Record batch v2 header. */
  batchOverheadBytes: 61,
  /** Worst-case varint framing of one record, and of one header. */
  recordOverheadBytes: 36,
  headerOverheadBytes: 10,
} as const;

/** MSK IAM (SASL/OAUTHBEARER) tokens last 15 minutes; one is replaced this long before it expires. */
export const MSK_IAM_TOKEN = { refreshMarginMs: 60_000 } as const;
