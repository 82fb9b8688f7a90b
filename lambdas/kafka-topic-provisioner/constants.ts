/** Constants of the topic provisioner (`Custom::KafkaTopic`). */

export const PROVISIONER_LIMITS = {
  /** Time kept to answer CloudFormation after the work is cut off. */
  responseMarginMs: 5_000,
  /** How long a topic's creation or growth, until every partition has a leader, is awaited. */
  createTimeoutMs: 30_000,
  /** How long a topic deletion is awaited. */
  deleteTimeoutMs: 30_000,
  /** CloudFormation keeps at most 4 KB of a response; the reason is cut well below that. */
  maxReasonChars: 1_000,
} as const;
