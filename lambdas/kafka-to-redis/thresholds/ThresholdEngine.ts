/**
 * Threshold mappings on Redis: a partition's readings compacted per key, evaluated (evaluateThreshold.ts)
 * from the stored states, and committed with the partition's watermark in one script call; the silence
 * sweep the same way without a watermark; then the alert outbox flushed to the alert topic and emptied only
 * after the send, and with `alertSns` the sent alerts published to SNS from a pending hash emptied only
 * after the publish (docs/sinks/redis.md, "Thresholds and alerts").
 */
import type { TopicMessages } from 'kafkajs';
import { matchesPattern } from '../../../config/filterPattern';
import type { CompiledTemplate } from '../../../config/keyTemplate';
import { compileTemplate, readField, TemplateFieldError, toEpochMillis } from '../../../config/keyTemplate';
import type { RedisSinkConfig, ThresholdMapping } from '../../../config/types';
import type { Logger } from '../../core/Logger';
import type { Metrics } from '../../core/Metrics';
import { SINK_LOOP } from '../../core/sink/constants';
import type { PoisonFinding } from '../../core/sink/errors';
import { PartitionApplyError, POISON_KINDS, PoisonRecordError } from '../../core/sink/errors';
import type { PartitionEvents, PartitionOutcome } from '../../core/sink/KafkaSinkProcessor';
import type { SinkEvent } from '../../core/sink/sinkEvent';
import { readNumber, templateContext } from '../../core/sink/sinkEvent';
import type { RedisClient } from '../redisConnection';
import { commitThresholds, type KeyCommit } from './commitScript';
import {
  ALERT_ID_HEADER,
  THRESHOLD_DEFAULTS,
  THRESHOLD_METRICS,
  type ThresholdKeys,
  thresholdKeys,
} from './constants';
import { SnsPublishError } from './errors';
import { evaluateReadings, evaluateSilence } from './evaluateThreshold';
import type { AlertPublisher } from './SnsAlertPublisher';
import type { AlertEvent, Evaluation, Reading, ThresholdRule, ThresholdState } from './types';

/** Where alerts are produced (the sink's Kafka producer). */
export interface AlertProducer {
  send(batch: TopicMessages[], deadlineMs: number): Promise<void>;
}

export interface ThresholdEngineOptions {
  readonly redis: RedisClient;
  readonly config: Pick<RedisSinkConfig, 'consumerGroup' | 'mappings'>;
  readonly producer: AlertProducer;
  readonly logger?: Logger;
  /** Where failed SNS publishes are counted. */
  readonly metrics?: Metrics;
  /** Longest a flush of the outbox may take, ms. Default 10 s. */
  readonly sendDeadlineMs?: number;
  /** Publishes the alerts of mappings with `alertSns`; required when one has it. */
  readonly sns?: AlertPublisher;
  /** Mapping name → ARN of its SNS topic (`ALERT_SNS_TOPIC_ARNS`); one for each mapping with `alertSns`. */
  readonly snsTopicArns?: Readonly<Record<string, string>>;
}

interface CompiledThreshold {
  readonly mapping: ThresholdMapping;
  readonly rule: ThresholdRule;
  readonly key: CompiledTemplate;
  readonly keys: ThresholdKeys;
  /** The SNS topic the alerts are also published to. */
  readonly snsTopicArn?: string;
}

/** A reading with the offset of its record: readings at or below the watermark are not applied again. */
interface OffsetReading extends Reading {
  readonly offset: number;
}

/** The result of a sweep: keys found silent and alerts produced. */
export interface SweepResult {
  readonly mapping: string;
  readonly silenced: number;
  readonly produced: number;
}

/**
 * A key's stored state: the evaluation's, plus the outbox of the partition its readings come from (written
 * by the event path), which the silence sweep reads to hold a key back while an alert of it waits there.
 */
type StoredState = ThresholdState & { readonly outbox?: string };

function parseState(json: string | null | undefined): StoredState | undefined {
  return json ? (JSON.parse(json) as StoredState) : undefined;
}

function currentAlert(key: string, state: ThresholdState): string {
  if (state.status === 'ok') return '';
  return JSON.stringify({ key, status: state.status, since: state.since, value: state.lastValue });
}

function compile(
  mapping: ThresholdMapping,
  snsTopicArns: Readonly<Record<string, string>>,
): CompiledThreshold {
  const snsTopicArn = snsTopicArns[mapping.name];
  if (mapping.alertSns && !snsTopicArn) {
    throw new Error(
      `threshold mapping ${mapping.name} has alertSns: ALERT_SNS_TOPIC_ARNS names no topic for it`,
    );
  }
  return {
    mapping,
    ...(mapping.alertSns && snsTopicArn ? { snsTopicArn } : {}),
    key: compileTemplate(mapping.key),
    keys: thresholdKeys(mapping.name),
    rule: {
      mapping: mapping.name,
      ...(mapping.above === undefined ? {} : { above: mapping.above }),
      ...(mapping.below === undefined ? {} : { below: mapping.below }),
      ...(mapping.recoverBelow === undefined ? {} : { recoverBelow: mapping.recoverBelow }),
      ...(mapping.recoverAbove === undefined ? {} : { recoverAbove: mapping.recoverAbove }),
      ...(mapping.silenceSeconds === undefined ? {} : { silenceSeconds: mapping.silenceSeconds }),
      forReadings: mapping.forReadings ?? THRESHOLD_DEFAULTS.forReadings,
      forSeconds: mapping.forSeconds ?? THRESHOLD_DEFAULTS.forSeconds,
    },
  };
}

/** Per key, in sequence order. */
function bySequence(a: AlertEvent, b: AlertEvent): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq;
}

/** The alerts of an outbox or pending hash (HGETALL's field/value list), per key in sequence order. */
function alertsOf(entries: readonly string[]): AlertEvent[] {
  const alerts: AlertEvent[] = [];
  for (let i = 1; i < entries.length; i += 2) alerts.push(JSON.parse(entries[i] as string) as AlertEvent);
  return alerts.sort(bySequence);
}

/** The key an alert id (`<mapping>:<key>:<seq>`) is of. */
function keyOfAlertId(mapping: string, alertId: string): string {
  return alertId.slice(mapping.length + 1, alertId.lastIndexOf(':'));
}

/**
 * The threshold mappings of one Redis sink.
 *
 * @example
 * ```ts
 * const engine = new ThresholdEngine({ redis, config, producer: kafkaProducerProvider });
 * await engine.applyPartition(partitionEvents); // states, alerts and watermark, then the outbox flushed
 * await engine.sweep('device-temp', Date.now()); // keys silent for silenceSeconds
 * ```
 */
export class ThresholdEngine {
  readonly #redis: RedisClient;
  readonly #consumerGroup: string;
  readonly #producer: AlertProducer;
  readonly #logger: Logger | undefined;
  readonly #metrics: Metrics | undefined;
  readonly #sns: AlertPublisher | undefined;
  readonly #sendDeadlineMs: number;
  readonly #mappings: CompiledThreshold[];
  /** The flush in progress per outbox key. */
  readonly #flushes = new Map<string, Promise<number>>();

  constructor(options: ThresholdEngineOptions) {
    this.#redis = options.redis;
    this.#consumerGroup = options.config.consumerGroup;
    this.#producer = options.producer;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#sns = options.sns;
    this.#sendDeadlineMs = options.sendDeadlineMs ?? 10_000;
    this.#mappings = options.config.mappings
      .filter((mapping): mapping is ThresholdMapping => mapping.operation === 'threshold')
      .map((mapping) => compile(mapping, options.snsTopicArns ?? {}));
    if (!this.#sns && this.#mappings.some((m) => m.snsTopicArn)) {
      throw new Error('threshold mappings with alertSns need an SNS publisher');
    }
  }

  /** Names of the threshold mappings with a silence sweep (each gets a timer). */
  get sweptMappings(): string[] {
    return this.#mappings.filter((m) => m.rule.silenceSeconds !== undefined).map((m) => m.mapping.name);
  }

  /** True when some threshold mapping reads `topic`. */
  reads(topic: string): boolean {
    return this.#mappings.some((m) => m.mapping.topic === topic);
  }

  /**
   * Applies a partition's events to every threshold mapping of its topic. Poison readings are returned;
   * a failure (Redis, or the alert send) fails the partition from its first event, and the watermark
   * makes the redelivery change nothing but the flush.
   */
  async applyPartition(batch: PartitionEvents): Promise<PartitionOutcome> {
    const poison: PoisonFinding[] = [];
    let duplicates = 0;
    const firstOffset = batch.events[0]?.record.offset ?? batch.lastOffset;
    for (const compiled of this.#mappings) {
      if (compiled.mapping.topic !== batch.topic) continue;
      const byKey = this.#readings(compiled, batch.events, poison);
      try {
        const committed = await this.#commitPartition(compiled, batch, byKey);
        duplicates += committed.duplicates;
        // The sweep's outbox too when alerts wait there (unknown after a redelivery the watermark skipped):
        // an alert of one of these keys may be among them, and it goes first.
        const partitionOutbox = this.#partitionOutbox(compiled, batch);
        await this.#flush(
          compiled,
          committed.sweepWaiting === 0 ? [partitionOutbox] : [compiled.keys.outbox, partitionOutbox],
        );
      } catch (error) {
        const settled = poison.filter((finding) => finding.record.offset < firstOffset);
        throw new PartitionApplyError(firstOffset, error, settled);
      }
    }
    const poisonRecords = new Set(poison.map((finding) => finding.record));
    return { poison, applied: batch.events.length - poisonRecords.size, duplicates };
  }

  /** Turns the keys of `mappingName` without a reading for `silenceSeconds` silent, then flushes the outbox. */
  async sweep(mappingName: string, now: number): Promise<SweepResult> {
    const compiled = this.#mappings.find((m) => m.mapping.name === mappingName);
    if (!compiled || compiled.rule.silenceSeconds === undefined) {
      throw new RangeError(`no threshold mapping ${mappingName} with silenceSeconds`);
    }
    const cutoff = now - compiled.rule.silenceSeconds * 1000;
    let silenced = 0;
    for (let attempt = 0; ; attempt++) {
      const candidates = (await this.#redis.call('ZRANGEBYSCORE', [
        compiled.keys.lastSeen,
        '-inf',
        String(cutoff),
      ])) as string[];
      const stored = await this.#states(compiled, candidates);
      const waiting = await this.#keysWaiting(compiled, stored);
      const commits: KeyCommit[] = [];
      const alerts: AlertEvent[] = [];
      for (const key of candidates) {
        const before = stored.get(key) ?? '';
        const state = parseState(before);
        // A key with an alert still in its partition's outbox (its send failed) waits for the next sweep:
        // its silence alert must not reach the topic before that one.
        if (!state || waiting.has(key)) continue;
        const evaluation = evaluateSilence(compiled.rule, key, state, now);
        if (evaluation.alerts.length === 0) continue;
        commits.push(this.#keyCommit(key, before, evaluation, state.outbox));
        alerts.push(...evaluation.alerts);
      }
      if (commits.length === 0) break;
      const result = await commitThresholds(this.#redis, compiled.keys, {
        keys: commits,
        outbox: alerts.map((alert) => ({ id: alert.alertId, json: JSON.stringify(alert) })),
      });
      if (result.status === 'ok') {
        silenced = commits.length;
        break;
      }
      if (attempt >= SINK_LOOP.maxReplans) throw new Error(`threshold states of ${mappingName} keep moving`);
    }
    const produced = await this.#flush(compiled, [compiled.keys.outbox]);
    return { mapping: mappingName, silenced, produced };
  }

  /** The keys among `stored` with an alert waiting in the partition outbox their state names. */
  async #keysWaiting(compiled: CompiledThreshold, stored: ReadonlyMap<string, string>): Promise<Set<string>> {
    const outboxes = new Set<string>();
    for (const json of stored.values()) {
      const outbox = parseState(json)?.outbox;
      if (outbox) outboxes.add(outbox);
    }
    const ids = await Promise.all(
      [...outboxes].map(async (outbox) => (await this.#redis.call('HKEYS', [outbox])) as string[]),
    );
    return new Set(ids.flat().map((id) => keyOfAlertId(compiled.mapping.name, id)));
  }

  #partitionOutbox(compiled: CompiledThreshold, batch: PartitionEvents): string {
    return compiled.keys.partitionOutbox(this.#consumerGroup, batch.topic, batch.partition);
  }

  /**
   * Flushes `outboxes` together, one such flush at a time in this environment (overlapping sweeps would read
   * the same entries). A partition outbox is written by its partition's invocation only; the sweep's outbox
   * is flushed by the sweep and by every partition flush (an alert sent twice that way has one id).
   */
  #flush(compiled: CompiledThreshold, outboxes: readonly string[]): Promise<number> {
    const id = outboxes.join('\n');
    const previous = this.#flushes.get(id) ?? Promise.resolve(0);
    const next = previous.catch(() => 0).then(() => this.#flushOutboxes(compiled, outboxes));
    this.#flushes.set(id, next);
    return next.finally(() => {
      if (this.#flushes.get(id) === next) this.#flushes.delete(id);
    });
  }

  /**
   * Produces every alert in the outboxes to the mapping's alert topic in one send (per key in sequence order
   * across the outboxes, keyed by the key, the alert id in a header), then deletes exactly those from each
   * outbox. A send that fails leaves them there for the next flush; one that succeeded but whose delete
   * failed sends them again (same ids: consumers de-duplicate). With `alertSns`, the sent alerts move to
   * each outbox's SNS pending hash (written before the outbox delete) and are published from there.
   * Returns how many were produced.
   */
  async #flushOutboxes(compiled: CompiledThreshold, outboxes: readonly string[]): Promise<number> {
    const mappingName = compiled.mapping.name;
    const held = await Promise.all(
      outboxes.map(async (outbox) => ({
        outbox,
        alerts: alertsOf((await this.#redis.call('HGETALL', [outbox])) as string[]),
      })),
    );
    const alerts = held.flatMap((h) => h.alerts).sort(bySequence);
    if (alerts.length > 0) {
      await this.#producer.send(
        [
          {
            topic: compiled.mapping.alertTopic,
            messages: alerts.map((alert) => ({
              key: alert.key,
              value: JSON.stringify(alert),
              headers: { [ALERT_ID_HEADER]: alert.alertId },
            })),
          },
        ],
        this.#sendDeadlineMs,
      );
      for (const { outbox, alerts: sent } of held) {
        if (sent.length === 0) continue;
        if (compiled.snsTopicArn) {
          const pending = sent.flatMap((alert) => [alert.alertId, JSON.stringify(alert)]);
          await this.#redis.call('HSET', [compiled.keys.snsPending(outbox), ...pending]);
        }
        await this.#redis.call('HDEL', [outbox, ...sent.map((alert) => alert.alertId)]);
      }
      this.#logger?.debug('alerts produced', { mapping: mappingName, alerts: alerts.length });
    }
    if (compiled.snsTopicArn) {
      for (const outbox of outboxes) await this.#publishPending(compiled, compiled.snsTopicArn, outbox);
    }
    return alerts.length;
  }

  /**
   * Publishes the outbox's pending alerts to SNS (per key in sequence order) and deletes those SNS took. A
   * failed publish is logged with the outbox (group, topic, partition) and counted, not thrown: the alerts
   * are on Kafka already and stay pending for the next flush; the partition is not held back for SNS.
   */
  async #publishPending(compiled: CompiledThreshold, topicArn: string, outbox: string): Promise<void> {
    const pendingKey = compiled.keys.snsPending(outbox);
    const alerts = alertsOf((await this.#redis.call('HGETALL', [pendingKey])) as string[]);
    if (alerts.length === 0) return;
    let failed = new Set<string>();
    try {
      await (this.#sns as AlertPublisher).publish(
        topicArn,
        alerts.map((alert) => ({ id: alert.alertId, json: JSON.stringify(alert) })),
      );
    } catch (error) {
      if (!(error instanceof SnsPublishError)) throw error;
      failed = new Set(error.alertIds);
      this.#metrics?.add(THRESHOLD_METRICS.snsPublishFailed, 'Count', failed.size);
      this.#logger?.warn('alerts not published to SNS; kept for the next flush', {
        mapping: compiled.mapping.name,
        outbox,
        topicArn,
        alertIds: [...failed],
        error,
      });
    }
    const published = alerts.filter((alert) => !failed.has(alert.alertId)).map((alert) => alert.alertId);
    if (published.length > 0) await this.#redis.call('HDEL', [pendingKey, ...published]);
  }

  /** The mapping's readings of this partition, per key in offset order; poison readings collected. */
  #readings(
    compiled: CompiledThreshold,
    events: readonly SinkEvent[],
    poison: PoisonFinding[],
  ): Map<string, OffsetReading[]> {
    const byKey = new Map<string, OffsetReading[]>();
    const { mapping } = compiled;
    for (const event of events) {
      if (event.kind === 'tombstone') continue;
      if (mapping.filter && !matchesPattern(event.fields, mapping.filter)) continue;
      try {
        const key = this.#key(compiled, event);
        const value = readNumber(event.fields, mapping.valueField);
        if (value === undefined) {
          throw new PoisonRecordError(POISON_KINDS.missingField, `field "${mapping.valueField}" is missing`);
        }
        const at = this.#time(mapping, event);
        const reading = { value, at, offset: event.record.offset };
        const readings = byKey.get(key);
        if (readings) readings.push(reading);
        else byKey.set(key, [reading]);
      } catch (error) {
        if (!(error instanceof PoisonRecordError)) throw error;
        poison.push({ record: event.record, error });
      }
    }
    return byKey;
  }

  #key(compiled: CompiledThreshold, event: SinkEvent): string {
    const context = templateContext(event);
    try {
      return compiled.key.render(context);
    } catch (error) {
      if (!(error instanceof TemplateFieldError)) throw error;
      const missing = error.field.startsWith('$') || readField(context.fields, error.field) == null;
      throw new PoisonRecordError(
        missing ? POISON_KINDS.missingField : POISON_KINDS.wrongType,
        error.message,
      );
    }
  }

  #time(mapping: ThresholdMapping, event: SinkEvent): number {
    if (mapping.timeField === undefined) return event.record.timestamp;
    const at = toEpochMillis(readField(event.fields, mapping.timeField));
    if (at === undefined) {
      throw new PoisonRecordError(POISON_KINDS.wrongType, `field "${mapping.timeField}" is not a time`);
    }
    return at;
  }

  async #states(compiled: CompiledThreshold, keys: readonly string[]): Promise<Map<string, string>> {
    const states = new Map<string, string>();
    if (keys.length === 0) return states;
    const values = (await this.#redis.call('HMGET', [compiled.keys.state, ...keys])) as (string | null)[];
    keys.forEach((key, index) => {
      const value = values[index];
      if (value) states.set(key, value);
    });
    return states;
  }

  #keyCommit(key: string, before: string, evaluation: Evaluation, outbox: string | undefined): KeyCommit {
    const state: StoredState = outbox === undefined ? evaluation.state : { ...evaluation.state, outbox };
    return {
      key,
      before,
      after: JSON.stringify(state),
      lastAt: evaluation.state.lastAt,
      alert: currentAlert(key, evaluation.state),
    };
  }

  /**
   * Evaluates and commits one mapping's readings of a partition; returns the readings already applied and
   * how many alerts wait in the sweep's outbox (undefined when the watermark skipped the whole batch).
   */
  async #commitPartition(
    compiled: CompiledThreshold,
    batch: PartitionEvents,
    byKey: ReadonlyMap<string, readonly OffsetReading[]>,
  ): Promise<{ duplicates: number; sweepWaiting?: number }> {
    const field = `${this.#consumerGroup}:${batch.topic}:${batch.partition}`;
    for (let attempt = 0; ; attempt++) {
      const stored = await this.#redis.call('HGET', [compiled.keys.watermarks, field]);
      const watermark = stored === null ? -1 : Number(stored);
      if (watermark >= batch.lastOffset) return { duplicates: batch.events.length };
      const keys = [...byKey.keys()];
      const states = await this.#states(compiled, keys);
      const outbox = this.#partitionOutbox(compiled, batch);
      const commits: KeyCommit[] = [];
      const alerts: AlertEvent[] = [];
      let skipped = 0;
      for (const key of keys) {
        const readings = byKey.get(key) ?? [];
        // Readings at or below the watermark were applied by an earlier delivery of this range.
        const fresh = readings.filter((reading) => reading.offset > watermark);
        skipped += readings.length - fresh.length;
        if (fresh.length === 0) continue;
        const before = states.get(key) ?? '';
        const evaluation = evaluateReadings(compiled.rule, key, parseState(before), fresh);
        commits.push(this.#keyCommit(key, before, evaluation, outbox));
        alerts.push(...evaluation.alerts);
      }
      const redisKeys = { ...compiled.keys, outbox, sweepOutbox: compiled.keys.outbox };
      const result = await commitThresholds(this.#redis, redisKeys, {
        watermark: { field, expected: watermark, next: batch.lastOffset },
        keys: commits,
        outbox: alerts.map((alert) => ({ id: alert.alertId, json: JSON.stringify(alert) })),
      });
      if (result.status === 'ok')
        return {
          duplicates: skipped,
          ...(result.sweepWaiting === undefined ? {} : { sweepWaiting: result.sweepWaiting }),
        };
      if (attempt >= SINK_LOOP.maxReplans) throw new Error(`threshold watermark ${field} keeps moving`);
    }
  }
}
