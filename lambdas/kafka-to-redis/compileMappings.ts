/**
 * The Redis sink's mappings (key templates, filters) compiled once per cold start into planners that turn
 * one event into its contribution to a chunk's compacted writes; an event poison for any of its mappings
 * contributes nothing (docs/handlers.md, "Redis sink").
 */

import { matchesPattern } from '../../config/filterPattern';
import type { CompiledTemplate, TemplateContext } from '../../config/keyTemplate';
import { compileTemplate, readField, TemplateFieldError, toEpochMillis } from '../../config/keyTemplate';
import type {
  CacheMapping,
  CounterMapping,
  FilterPattern,
  LeaderboardMapping,
  ListMapping,
  RedisMapping,
  SessionMapping,
  StreamMapping,
  ThresholdMapping,
  UniqueMapping,
} from '../../config/types';
import type { KafkaRecord } from '../core/kafkaRecords';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';
import { readNumber } from '../core/sink/sinkEvent';
import type { CacheChange, Expiry, Fields, SessionChange } from './compactedWrites';
import { REDIS_LIMITS } from './constants';
import { eventVersion } from './versions';
import type { WriteSet } from './WriteSet';

/**
 * A mapping's planner, in two steps: `prepare` reads an event's contribution and keeps it, `add` adds the
 * kept contribution to a chunk's writes. The planner keeps the contribution itself (rather than returning a
 * closure per event and mapping, which made a fifth of a batch's allocations), so it is not re-entrant: `add`
 * belongs to the last `prepare`, and planning a partition is synchronous.
 */
export interface CompiledMapping {
  readonly name: string;
  readonly topic: string;
  readonly operation: RedisMapping['operation'];
  /** Reads and keeps the event's contribution; false when the mapping does not apply. Throws a poison error. */
  prepare(event: SinkEvent, context: TemplateContext): boolean;
  /** Adds the contribution the last `prepare` that returned true kept. */
  add(writes: WriteSet): void;
}

type Planner = Pick<CompiledMapping, 'prepare' | 'add'>;

function render(template: CompiledTemplate, context: TemplateContext): string {
  try {
    return template.render(context);
  } catch (error) {
    if (!(error instanceof TemplateFieldError)) throw error;
    const missing = error.field.startsWith('$') || readField(context.fields, error.field) == null;
    throw new PoisonRecordError(missing ? POISON_KINDS.missingField : POISON_KINDS.wrongType, error.message);
  }
}

function requiredNumber(event: SinkEvent, field: string, role: string): number {
  const value = readNumber(event.fields, field);
  if (value === undefined)
    throw new PoisonRecordError(POISON_KINDS.missingField, `${role} field "${field}" is missing`);
  return value;
}

function isDelete(event: SinkEvent): boolean {
  return event.kind === 'tombstone' || event.op === 'd';
}

function passes(filter: FilterPattern | undefined, event: SinkEvent): boolean {
  return filter === undefined || matchesPattern(event.fields, filter);
}

function counter(m: CounterMapping): Planner {
  const key = compileTemplate(m.key);
  const hashField = m.hashField === undefined ? undefined : compileTemplate(m.hashField);
  let record: KafkaRecord;
  let target = '';
  let field: string | null = null;
  let increment = 0;
  return {
    prepare(event, context) {
      if (isDelete(event) || !passes(m.filter, event)) return false;
      target = render(key, context);
      field = hashField ? render(hashField, context) : null;
      increment = m.incrementField === undefined ? 1 : requiredNumber(event, m.incrementField, 'increment');
      record = event.record;
      return true;
    },
    add: (writes) => writes.counter(target).add(record, field, increment, m.ttlSeconds),
  };
}

function leaderboard(m: LeaderboardMapping): Planner {
  const key = compileTemplate(m.key);
  const member = compileTemplate(m.member);
  let record: KafkaRecord;
  let target = '';
  let name = '';
  let score = 0;
  return {
    prepare(event, context) {
      if (isDelete(event) || !passes(m.filter, event)) return false;
      target = render(key, context);
      name = render(member, context);
      score = requiredNumber(event, m.scoreField, 'score');
      record = event.record;
      return true;
    },
    add: (writes) => writes.leaderboard(target).add(record, name, m.mode, score, m.ttlSeconds),
  };
}

function unique(m: UniqueMapping): Planner {
  const key = compileTemplate(m.key);
  const element = compileTemplate(m.element);
  let record: KafkaRecord;
  let target = '';
  let value = '';
  return {
    prepare(event, context) {
      if (isDelete(event) || !passes(m.filter, event)) return false;
      target = render(key, context);
      value = render(element, context);
      record = event.record;
      return true;
    },
    add: (writes) => writes.unique(target).add(record, value, m.ttlSeconds),
  };
}

const SESSION_DELETE: SessionChange = { kind: 'delete' };

function sessionExpiry(m: SessionMapping, event: SinkEvent, sliding: Expiry | undefined): Expiry {
  if (m.expiresAtField !== undefined) {
    const raw = readField(event.fields, m.expiresAtField);
    if (raw !== undefined && raw !== null) {
      // Epoch seconds beyond 2^53 do not exist, but a number attribute may still arrive tagged (`$N`).
      const unwrapped =
        typeof raw === 'object' && typeof (raw as { $N?: unknown }).$N === 'string'
          ? (raw as { $N: string }).$N
          : raw;
      const millis = toEpochMillis(unwrapped);
      if (millis === undefined) {
        throw new PoisonRecordError(
          POISON_KINDS.wrongType,
          `session expiry field "${m.expiresAtField}" is not a time (got ${JSON.stringify(raw)})`,
        );
      }
      return { at: Math.floor(millis / 1000) };
    }
  }
  if (sliding !== undefined) return sliding;
  throw new PoisonRecordError(
    POISON_KINDS.missingField,
    `session expiry field "${m.expiresAtField}" is missing and the mapping has no ttlSeconds`,
  );
}

function session(m: SessionMapping): Planner {
  const key = compileTemplate(m.key);
  const store = m.store ?? 'hash';
  // One expiry object for every event of the mapping (writes only read it).
  const sliding: Expiry | undefined = m.ttlSeconds === undefined ? undefined : { seconds: m.ttlSeconds };
  let record: KafkaRecord;
  let target = '';
  let change: SessionChange = SESSION_DELETE;
  return {
    prepare(event, context) {
      if (!passes(m.filter, event)) return false;
      target = render(key, context);
      if (isDelete(event) || (m.deleteWhen !== undefined && matchesPattern(event.fields, m.deleteWhen))) {
        change = SESSION_DELETE;
      } else {
        const expiry = sessionExpiry(m, event, sliding);
        // A change carries the entity's whole image; a plain event adds to what the session holds.
        change = { kind: event.kind === 'change' ? 'replace' : 'merge', fields: event.fields, expiry };
      }
      record = event.record;
      return true;
    },
    add: (writes) => writes.session(target, store).add(record, change),
  };
}

const CACHE_PURGE: CacheChange = { kind: 'purge' };

function cache(m: CacheMapping): Planner {
  const key = compileTemplate(m.key);
  const store = m.store ?? 'string';
  let record: KafkaRecord;
  let target = '';
  let change: CacheChange = CACHE_PURGE;
  return {
    prepare(event, context) {
      if (!passes(m.filter, event)) return false;
      target = render(key, context);
      if (event.kind === 'tombstone') change = CACHE_PURGE;
      else {
        const version = eventVersion(event, m.versionField);
        change =
          event.op === 'd'
            ? { kind: 'delete', version, inclusive: m.versionField !== undefined }
            : { kind: 'set', version, fields: event.fields };
      }
      record = event.record;
      return true;
    },
    add: (writes) => writes.cache(target, store, m.ttlSeconds).add(record, change),
  };
}

function stream(m: StreamMapping): Planner {
  const key = compileTemplate(m.key);
  let record: KafkaRecord;
  let target = '';
  let fields: Fields = {};
  let count = 0;
  let changeId: string | undefined;
  return {
    prepare(event, context) {
      if (isDelete(event) || !passes(m.filter, event)) return false;
      target = render(key, context);
      count = Object.keys(event.fields).length;
      if (count === 0) {
        throw new PoisonRecordError(
          POISON_KINDS.wrongType,
          'an event without fields cannot be a stream entry',
        );
      }
      if (count > REDIS_LIMITS.maxArgsPerCommand * 2) {
        throw new PoisonRecordError(
          POISON_KINDS.tooLarge,
          `an event with ${count} fields is too large for one stream entry`,
        );
      }
      fields = event.fields;
      changeId = event.envelope
        ? `${event.envelope.source.table}#${event.envelope.source.eventId}`
        : undefined;
      record = event.record;
      return true;
    },
    add: (writes) => writes.stream(target).add(record, fields, count, m.maxLength, changeId),
  };
}

function list(m: ListMapping): Planner {
  const key = compileTemplate(m.key);
  let record: KafkaRecord;
  let target = '';
  let fields: Fields = {};
  return {
    prepare(event, context) {
      if (isDelete(event) || !passes(m.filter, event)) return false;
      target = render(key, context);
      fields = event.fields;
      record = event.record;
      return true;
    },
    add: (writes) => writes.list(target).add(record, fields, m.maxLength, m.ttlSeconds),
  };
}

function compile(m: Exclude<RedisMapping, ThresholdMapping>): Planner {
  switch (m.operation) {
    case 'counter':
      return counter(m);
    case 'leaderboard':
      return leaderboard(m);
    case 'unique':
      return unique(m);
    case 'session':
      return session(m);
    case 'cache':
      return cache(m);
    case 'stream':
      return stream(m);
    case 'list':
      return list(m);
  }
}

/**
 * Compiles the mappings, grouped by topic in config order.
 *
 * @example
 * ```ts
 * const byTopic = compileMappings(config.mappings);
 * const mapping = byTopic.get('clicks')?.[0];
 * if (mapping?.prepare(event, templateContext(event))) mapping.add(writes); // prepare throws poison
 * ```
 */
export function compileMappings(mappings: readonly RedisMapping[]): Map<string, CompiledMapping[]> {
  const byTopic = new Map<string, CompiledMapping[]>();
  for (const m of mappings) {
    // Thresholds keep per-key state of their own (thresholds/ThresholdPartitionSink.ts), not planned writes.
    if (m.operation === 'threshold') continue;
    const compiled: CompiledMapping = { name: m.name, topic: m.topic, operation: m.operation, ...compile(m) };
    const list = byTopic.get(m.topic) ?? [];
    list.push(compiled);
    byTopic.set(m.topic, list);
  }
  return byTopic;
}
