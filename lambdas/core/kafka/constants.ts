/** Settings of the change bridges' Kafka producer. */

export const KAFKA_AUTH_MODES = ['iam', 'scram', 'plaintext'] as const;
export const KAFKA_COMPRESSIONS = ['gzip', 'none'] as const;

/** Secure by default: a deployed bridge talks to MSK with IAM auth; local runs set `plaintext`. */
export const KAFKA_DEFAULTS = {
  auth: 'iam',
  compression: 'gzip',
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

/** Every record waits for all in-sync replicas. */
export const ACKS_ALL = -1;

/** Kafka's (and MSK's) default `message.max.bytes`: the size limit of a record batch. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** Record batch v2 header, and the worst-case varint framing of one record and of one header. */
export const RECORD_BATCH_OVERHEAD_BYTES = 61;
export const RECORD_OVERHEAD_BYTES = 36;
export const HEADER_OVERHEAD_BYTES = 10;

/** An MSK IAM token is replaced this long before it expires (tokens last 15 minutes). */
export const IAM_TOKEN_REFRESH_MARGIN_MS = 60_000;
