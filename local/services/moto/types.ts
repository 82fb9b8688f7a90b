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
    /** Responses of the hot DynamoDB operations encoded without moto's shape-driven serializer. */
    readonly fastJson?: number;
  };
  /**
   * Operations (`dynamodb.Query`, …) whose plain encoding differed from moto's serializer in a shadow check
   * and are answered by the serializer since: empty unless moto changed what it answers.
   */
  readonly fastJsonOff?: readonly string[];
  /**
   * Python's cycle collector in the server: its full passes (each holds every request thread) and the
   * objects the sweeper moved out of their reach (gc.freeze). Absent from a launcher older than this field.
   */
  readonly gc?: {
    readonly fullCollections: number;
    readonly fullPauseMsTotal: number;
    readonly fullPauseMsMax: number;
    /** Young (generation 0 and 1) passes: absent from a launcher older than this field. */
    readonly youngCollections?: number;
    readonly youngPauseMsTotal: number;
    readonly frozenObjects: number;
    /** `gc.get_threshold()`: absent from a launcher older than this field. */
    readonly thresholds?: readonly number[];
  };
  /**
   * Requests served since the start, by `<caller> <service>:<Action>` (status reads excluded): the caller is
   * the SDK app id of streambridge's own clients (SDK_APP_IDS), `functions` for the handlers' clients. Absent
   * from a launcher older than this field.
   */
  readonly requests?: Readonly<Record<string, MotoOperationUsage>>;
}

/** What the moto server spent on one operation: requests, CPU of the serving threads, and wall time. */
export interface MotoOperationUsage {
  readonly count: number;
  readonly cpuMs: number;
  readonly wallMs: number;
}
