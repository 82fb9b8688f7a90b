/**
 * The Redis sink's partition sink: plans a partition's events into compacted per-key writes and applies each
 * chunk with one script call per slot group, atomic with its offset watermark; refused writes are
 * dead-lettered through the refusals outbox; what the watermark passes unapplied is owed, and a replay
 * applies owed records once. Its outcomes: docs/handlers.md, "Redis sink" and "Replay and the owed ledger".
 */
import type { RedisSinkConfig } from '../../config/types';
import type { KafkaRecord } from '../core/kafkaRecords';
import type { Logger } from '../core/Logger';
import type { Metrics } from '../core/Metrics';
import { SINK_LOOP } from '../core/sink/constants';
import type { PoisonFinding } from '../core/sink/errors';
import { PartitionApplyError, POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import type { PartitionEvents, PartitionOutcome, PartitionSink } from '../core/sink/KafkaSinkProcessor';
import { inOffsetRanges, parseOffsetRanges } from '../core/sink/offsetRanges';
import type { RecordedRefusal } from './applyScript';
import { encodeScriptCall, parseScriptReply, refusalField, runApplyScript } from './applyScript';
import type { CompiledMapping } from './compileMappings';
import { compileMappings } from './compileMappings';
import { REDIS_SINK_DEFAULTS, REDIS_SINK_METRICS } from './constants';
import { ScriptCallError } from './errors';
import { KeyNaming } from './keyNaming';
import { OWE_SCRIPT } from './owedLedger';
import { planPartition } from './planPartition';
import type { RedisClient } from './redisConnection';
import type { ApplyLimits, KeyWrite, PlannedChunk, PlannedCommand } from './types';

/** SET KEYS[1] to ARGV[1] unless it already holds a higher number. */
const RAISE_WATERMARK =
  "local c = tonumber(redis.call('GET', KEYS[1]) or '-1') if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end return 1";

export interface RedisPartitionSinkOptions {
  readonly redis: RedisClient;
  readonly config: RedisSinkConfig;
  /** Cluster mode: one script call per hash slot, watermarks per slot. */
  readonly cluster: boolean;
  readonly metrics?: Metrics;
  readonly logger?: Logger;
  readonly limits?: Partial<ApplyLimits>;
}

interface PartitionStats {
  calls: number;
  commands: number;
  keys: number;
  stale: number;
  readonly duplicates: Set<number>;
  readonly refused: PoisonFinding[];
  /** Offsets a replay applied from the owed ledger (the normal pass then sees them as duplicates). */
  readonly claimed: Set<number>;
}

/** Where a refused write is recorded: its outbox field, and the owed ledger its records go to. */
interface RefusalReceipt {
  readonly key: string;
  readonly field: string;
  readonly owedKey: string;
}

function lowestOffset(writes: readonly KeyWrite[]): number {
  let lowest = Number.POSITIVE_INFINITY;
  for (const write of writes) lowest = Math.min(lowest, write.firstOffset);
  return lowest;
}

/**
 * What the shared sink loop hands each partition of a Redis sink batch to.
 *
 * @example
 * ```ts
 * const handle = createKafkaSinkHandler({
 *   name: 'kafka-to-redis',
 *   sink: ({ logger, metrics }) => new RedisPartitionSink({ redis, config, cluster: false, logger, metrics }),
 *   deadLetters,
 * });
 * ```
 */
export class RedisPartitionSink implements PartitionSink {
  readonly #redis: RedisClient;
  readonly #mappings: Map<string, CompiledMapping[]>;
  readonly #naming: KeyNaming;
  readonly #limits: ApplyLimits;
  readonly #metrics: Metrics | undefined;
  readonly #logger: Logger | undefined;
  /** Where each refused-write finding is recorded (the outbox field to delete once it is dead-lettered). */
  readonly #receipts = new WeakMap<PoisonFinding, RefusalReceipt>();

  constructor(options: RedisPartitionSinkOptions) {
    this.#redis = options.redis;
    this.#mappings = compileMappings(options.config.mappings);
    this.#naming = new KeyNaming({ cluster: options.cluster, consumerGroup: options.config.consumerGroup });
    const { tombstoneTtlSeconds } = options.config;
    this.#limits = {
      ...REDIS_SINK_DEFAULTS,
      ...(tombstoneTtlSeconds === undefined ? {} : { tombstoneTtlSeconds }),
      ...options.limits,
    };
    this.#metrics = options.metrics;
    this.#logger = options.logger;
  }

  async applyPartition(batch: PartitionEvents): Promise<PartitionOutcome> {
    const plan = planPartition(batch.events, batch.lastOffset, {
      mappings: this.#mappings,
      naming: this.#naming,
      limits: this.#limits,
    });
    const stats: PartitionStats = {
      calls: 0,
      commands: 0,
      keys: 0,
      stale: plan.staleInBatch,
      duplicates: new Set(),
      refused: [],
      claimed: new Set(),
    };
    const owedOffsets = [...batch.skippedOffsets, ...plan.poison.map((p) => p.record.offset)];
    try {
      if (batch.replay) await this.#applyOwed(batch, plan.chunks, stats);
      for (const chunk of plan.chunks) await this.#applyChunk(batch, chunk, stats, plan.poison, owedOffsets);
    } finally {
      this.#record(batch, stats);
    }
    const poison = [...plan.poison, ...stats.refused];
    const poisonRecords = new Set(poison.map((p) => p.record));
    for (const offset of stats.claimed) stats.duplicates.delete(offset);
    return { poison, applied: batch.events.length - poisonRecords.size, duplicates: stats.duplicates.size };
  }

  /**
   * A replay's first pass: per slot group, the events at or below its watermark that its owed ledger owes
   * are applied in one claiming call (which takes them from the ledger atomically with their writes). The
   * normal pass that follows skips them as duplicates and applies what is above the watermark.
   */
  /** One apply-script call; a failure names the first offset of the records it carried. */
  async #runScript(
    call: ReturnType<typeof encodeScriptCall>,
    firstOffset: number,
  ): Promise<ReturnType<typeof parseScriptReply>> {
    try {
      return parseScriptReply(await runApplyScript(this.#redis, call));
    } catch (error) {
      throw new ScriptCallError(firstOffset, error);
    }
  }

  async #applyOwed(
    batch: PartitionEvents,
    chunks: readonly PlannedChunk[],
    stats: PartitionStats,
  ): Promise<void> {
    const slots = new Set(chunks.flatMap((chunk) => chunk.writes.map((w) => this.#naming.slotOf(w.key))));
    for (const slot of slots) {
      const watermarkKey = this.#naming.watermarkKey(batch.topic, batch.partition, slot);
      const owedKey = this.#naming.owedKey(batch.topic, batch.partition, slot);
      const refusalsKey = this.#naming.refusalsKey(batch.topic, batch.partition, slot);
      const [stored, members] = await Promise.all([
        this.#redis.get(watermarkKey),
        this.#redis.zrange(owedKey, 0, -1),
      ]);
      if (stored === null) continue;
      const watermark = Number(stored);
      let owed = parseOffsetRanges(members);
      for (let replans = 0; replans <= SINK_LOOP.maxReplans; replans++) {
        const events = batch.events.filter(
          (e) => e.record.offset <= watermark && inOffsetRanges(owed, e.record.offset),
        );
        const plan = planPartition(events, watermark, {
          mappings: this.#mappings,
          naming: this.#naming,
          limits: { maxArgsPerCall: Number.POSITIVE_INFINITY, maxBytesPerCall: Number.POSITIVE_INFINITY },
        });
        const writes = plan.chunks
          .flatMap((c) => c.writes)
          .filter((w) => this.#naming.slotOf(w.key) === slot);
        const commands: PlannedCommand[] = [];
        const owners: KeyWrite[] = [];
        for (const write of writes) {
          for (const command of write.commands()) {
            commands.push(command);
            owners.push(write);
          }
        }
        const claims = [...new Set(writes.flatMap((w) => w.records.map((r) => r.offset)))].sort(
          (a, b) => a - b,
        );
        if (claims.length === 0) break;
        const firstOffset = claims[0] as number;
        const lastOffset = claims[claims.length - 1] as number;
        const call = encodeScriptCall({
          watermarkKey,
          refusalsKey,
          owedKey,
          firstOffset,
          lastOffset,
          claims,
          commands,
          tombstoneTtlSeconds: this.#limits.tombstoneTtlSeconds,
        });
        const reply = await this.#runScript(call, firstOffset);
        stats.calls++;
        if (reply.status === 'unowed') {
          // Another replay took some of them first: apply the rest only.
          const taken = new Set(reply.offsets);
          owed = owed.flatMap((range) => {
            const kept: { first: number; last: number }[] = [];
            let start = range.first;
            for (let o = range.first; o <= range.last; o++) {
              if (!taken.has(o)) continue;
              if (o > start) kept.push({ first: start, last: o - 1 });
              start = o + 1;
            }
            if (start <= range.last) kept.push({ first: start, last: range.last });
            return kept;
          });
          continue;
        }
        if (reply.status !== 'ok')
          throw new ScriptCallError(firstOffset, new Error(`claim answered ${reply.status}`));
        stats.commands += commands.length;
        stats.keys += writes.length;
        stats.stale += reply.stale;
        for (const offset of claims) stats.claimed.add(offset);
        for (const { index, error } of reply.refused) {
          const command = commands[index] as PlannedCommand;
          this.#refused(command.name, command.key, error, (owners[index] as KeyWrite).records, stats, {
            key: refusalsKey,
            field: refusalField(firstOffset, lastOffset, index),
            owedKey,
          });
        }
        break;
      }
    }
  }

  async #applyChunk(
    batch: PartitionEvents,
    chunk: PlannedChunk,
    stats: PartitionStats,
    planPoison: readonly PoisonFinding[],
    owedOffsets: readonly number[],
  ): Promise<void> {
    if (chunk.writes.length === 0) return;
    const settled = (failedAt: number) => [
      ...planPoison.filter((p) => p.record.offset < failedAt),
      ...stats.refused,
    ];
    if (batch.remainingMs() < this.#limits.deadlineMarginMs) {
      const failedAt = lowestOffset(chunk.writes);
      throw new PartitionApplyError(
        failedAt,
        new Error('the invocation is about to time out'),
        settled(failedAt),
      );
    }
    const groups = new Map<number | undefined, KeyWrite[]>();
    for (const write of chunk.writes) {
      const slot = this.#naming.slotOf(write.key);
      const group = groups.get(slot);
      if (group) group.push(write);
      else groups.set(slot, [write]);
    }
    const results = await Promise.allSettled(
      [...groups].map(([slot, writes]) => this.#applyGroup(batch, chunk, slot, writes, stats, owedOffsets)),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length === 0) return;
    const failedAt = Math.min(
      ...failures.map((f) => (f instanceof ScriptCallError ? f.firstOffset : lowestOffset(chunk.writes))),
    );
    throw new PartitionApplyError(failedAt, failures[0], settled(failedAt));
  }

  async #applyGroup(
    batch: PartitionEvents,
    chunk: PlannedChunk,
    slot: number | undefined,
    groupWrites: readonly KeyWrite[],
    stats: PartitionStats,
    owedOffsets: readonly number[],
  ): Promise<void> {
    const watermarkKey = this.#naming.watermarkKey(batch.topic, batch.partition, slot);
    const refusalsKey = this.#naming.refusalsKey(batch.topic, batch.partition, slot);
    const owedKey = this.#naming.owedKey(batch.topic, batch.partition, slot);
    let writes = groupWrites;
    for (let replans = 0; writes.length > 0; replans++) {
      const commands: PlannedCommand[] = [];
      const owners: KeyWrite[] = [];
      for (const write of writes) {
        for (const command of write.commands()) {
          commands.push(command);
          owners.push(write);
        }
      }
      const firstOffset = lowestOffset(writes);
      if (commands.length === 0) return;
      const call = encodeScriptCall({
        watermarkKey,
        refusalsKey,
        owedKey,
        firstOffset,
        lastOffset: chunk.lastOffset,
        batchFirstOffset: batch.firstOffset,
        owedOffsets,
        commands,
        tombstoneTtlSeconds: this.#limits.tombstoneTtlSeconds,
      });
      const reply = await this.#runScript(call, firstOffset);
      stats.calls++;
      if (reply.status === 'ok') {
        stats.commands += commands.length;
        stats.keys += writes.length;
        stats.stale += reply.stale;
        for (const { index, error } of reply.refused) {
          const command = commands[index] as PlannedCommand;
          this.#refused(command.name, command.key, error, (owners[index] as KeyWrite).records, stats, {
            key: refusalsKey,
            field: refusalField(firstOffset, chunk.lastOffset, index),
            owedKey,
          });
        }
        return;
      }
      if (reply.status === 'unowed')
        throw new ScriptCallError(firstOffset, new Error('unexpected unowed reply'));
      for (const write of writes) {
        for (const record of write.records) {
          if (record.offset <= reply.watermark) stats.duplicates.add(record.offset);
        }
      }
      this.#recordedRefusals(reply.refusals, writes, reply.watermark, stats, refusalsKey, owedKey);
      if (reply.status === 'dup') return;
      if (replans >= SINK_LOOP.maxReplans) {
        throw new ScriptCallError(firstOffset, new Error(`watermark ${watermarkKey} keeps moving`));
      }
      const later = chunk.events.filter((e) => e.record.offset > reply.watermark);
      const replanned = planPartition(later, chunk.lastOffset, {
        mappings: this.#mappings,
        naming: this.#naming,
        limits: { maxArgsPerCall: Number.POSITIVE_INFINITY, maxBytesPerCall: Number.POSITIVE_INFINITY },
      });
      writes = replanned.chunks.flatMap((c) => c.writes).filter((w) => this.#naming.slotOf(w.key) === slot);
    }
  }

  /** Dead-letters the records folded into a refused command (each record once per partition). */
  #refused(
    command: string,
    key: string,
    error: string,
    records: readonly KafkaRecord[],
    stats: PartitionStats,
    receipt: RefusalReceipt,
  ): void {
    this.#logger?.warn('Redis refused a write', { command, key, error });
    const seen = new Set(stats.refused.map((p) => p.record));
    for (const record of records) {
      if (seen.has(record)) continue;
      seen.add(record);
      stats.duplicates.delete(record.offset);
      const finding: PoisonFinding = {
        record,
        error: new PoisonRecordError(
          POISON_KINDS.wrongType,
          `Redis refused ${command} on key "${key}": ${error}`,
        ),
      };
      this.#receipts.set(finding, receipt);
      stats.refused.push(finding);
    }
  }

  /**
   * The refusals an earlier delivery recorded for records this one redelivers (at or below the watermark):
   * their dead letters may not have been sent, so they are sent now.
   */
  #recordedRefusals(
    refusals: readonly RecordedRefusal[],
    writes: readonly KeyWrite[],
    watermark: number,
    stats: PartitionStats,
    refusalsKey: string,
    owedKey: string,
  ): void {
    for (const refusal of refusals) {
      const last = Math.min(refusal.lastOffset, watermark);
      const records = writes
        .filter((write) => write.key === refusal.key)
        .flatMap((write) => write.records)
        .filter((record) => record.offset >= refusal.firstOffset && record.offset <= last);
      if (records.length === 0) continue;
      this.#refused(refusal.command, refusal.key, refusal.error, records, stats, {
        key: refusalsKey,
        field: refusal.field,
        owedKey,
      });
    }
  }

  /**
   * Called once the findings' dead letters are sent (or, in a replay, once they stay in their failure
   * record): their records become owed and their refusals leave the outbox, in one script call per outbox,
   * so a replay after the cause is fixed applies them. A failure here only leaves the refusals to expire
   * (and to be dead-lettered again if that range is ever redelivered).
   */
  async deadLettered(findings: readonly PoisonFinding[]): Promise<void> {
    const receipts = new Map<string, { owedKey: string; fields: Set<string>; offsets: Set<number> }>();
    for (const finding of findings) {
      const receipt = this.#receipts.get(finding);
      if (!receipt) continue;
      let entry = receipts.get(receipt.key);
      if (!entry) {
        entry = { owedKey: receipt.owedKey, fields: new Set(), offsets: new Set() };
        receipts.set(receipt.key, entry);
      }
      entry.fields.add(receipt.field);
      entry.offsets.add(finding.record.offset);
    }
    await Promise.all(
      [...receipts].map(([key, entry]) =>
        this.#redis.call('EVAL', [
          OWE_SCRIPT,
          '2',
          entry.owedKey,
          key,
          [...entry.offsets].join(','),
          ...entry.fields,
        ]),
      ),
    );
  }

  async deadLetteredThrough(topic: string, partition: number): Promise<number | undefined> {
    const stored = await this.#redis.get(this.#naming.deadLetteredKey(topic, partition));
    return stored === null ? undefined : Number(stored);
  }

  async markDeadLettered(topic: string, partition: number, offset: number): Promise<void> {
    // Only ever up: a late invocation of an older batch must not lower it.
    await this.#redis.eval(
      RAISE_WATERMARK,
      1,
      this.#naming.deadLetteredKey(topic, partition),
      String(offset),
    );
  }

  #record(batch: PartitionEvents, stats: PartitionStats): void {
    const metrics = this.#metrics;
    if (metrics) {
      metrics.add(REDIS_SINK_METRICS.scriptCalls, 'Count', stats.calls);
      metrics.add(REDIS_SINK_METRICS.commands, 'Count', stats.commands);
      metrics.add(REDIS_SINK_METRICS.keysWritten, 'Count', stats.keys);
      metrics.add(REDIS_SINK_METRICS.cacheVersionsStale, 'Count', stats.stale);
    }
    this.#logger?.debug('partition applied', {
      topic: batch.topic,
      partition: batch.partition,
      events: batch.events.length,
      scriptCalls: stats.calls,
      commands: stats.commands,
      keys: stats.keys,
      duplicates: stats.duplicates.size,
      staleVersions: stats.stale,
    });
  }
}
