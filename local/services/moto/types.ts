/** Types of the moto launcher's settings and status. */

/** How the launcher emulates DynamoDB's background work (see docs/local-fidelity.md). */
export interface MotoSettings {
  /** Delete items whose TTL attribute is in the past. */
  readonly ttlExpiry: boolean;
  /** Seconds between two passes of the sweeper (TTL expiry, stream trimming, iterator expiry). */
  readonly sweepSeconds: number;
  /** Stream records older than this are trimmed. */
  readonly streamRetentionSeconds: number;
  /** A shard iterator expires this long after it was issued. */
  readonly iteratorSeconds: number;
}

/** What `GET /_streambridge/status` answers. */
export interface MotoStatus {
  readonly launcher: 'streambridge';
  readonly moto: string;
  readonly settings: MotoSettings;
  readonly counters: {
    /** Sweeper passes done since the start. */
    readonly passes: number;
    readonly ttlDeleted: number;
    readonly streamRecordsTrimmed: number;
    readonly iteratorsExpired: number;
  };
}
