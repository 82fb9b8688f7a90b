/**
 * Compiles the sink's mappings once per cold start (key templates, filters) into planners that turn one
 * event into its contribution to a chunk's compacted writes. A contribution is computed in full before it
 * is added, so a record that is poison for one of its mappings (missing key field, wrong type) changes
 * nothing at all and goes to the dead-letter queue whole.
 *
 * Counters, leaderboards, unique counts, streams and lists count events: deletes and tombstones carry no
 * event and are skipped. Sessions and cache entries hold state: a change's delete (or a tombstone)
 * deletes them.
 *
 * @example
 * ```ts
 * const byTopic = compileMappings(config.mappings);
 * const add = byTopic.get('clicks')?.[0]?.prepare(event, templateContext(event)); // throws poison
 * add?.(writes);
 * ```
 */
import type {
  CacheMapping,
  CounterMapping,
  FilterPattern,
  LeaderboardMapping,
  ListMapping,
  RedisMapping,
  SessionMapping,
  StreamMapping,
  UniqueMapping,
} from '../core/config/types';
import { matchesPattern } from '../core/filterPattern';
import type { CompiledTemplate, TemplateContext } from '../core/keyTemplate';
import { compileTemplate, readField, TemplateFieldError, toEpochMillis } from '../core/keyTemplate';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';
import { readNumber } from '../core/sink/sinkEvent';
import type { Expiry, SessionChange } from './compactedWrites';
import { MAX_ARGS_PER_COMMAND } from './constants';
import { eventVersion } from './versions';
import type { WriteSet } from './WriteSet';

/** Adds one event's effect to a chunk's writes. */
export type Contribution = (writes: WriteSet) => void;

export interface CompiledMapping {
  readonly name: string;
  readonly topic: string;
  readonly operation: RedisMapping['operation'];
  /** The event's contribution, `undefined` when the mapping does not apply; throws a poison error. */
  prepare(event: SinkEvent, context: TemplateContext): Contribution | undefined;
}

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

function counter(m: CounterMapping): CompiledMapping['prepare'] {
  const key = compileTemplate(m.key);
  const hashField = m.hashField === undefined ? undefined : compileTemplate(m.hashField);
  return (event, context) => {
    if (isDelete(event) || !passes(m.filter, event)) return undefined;
    const target = render(key, context);
    const field = hashField ? render(hashField, context) : null;
    const increment =
      m.incrementField === undefined ? 1 : requiredNumber(event, m.incrementField, 'increment');
    return (writes) => writes.counter(target).add(event.record, field, increment, m.ttlSeconds);
  };
}

function leaderboard(m: LeaderboardMapping): CompiledMapping['prepare'] {
  const key = compileTemplate(m.key);
  const member = compileTemplate(m.member);
  return (event, context) => {
    if (isDelete(event) || !passes(m.filter, event)) return undefined;
    const target = render(key, context);
    const name = render(member, context);
    const score = requiredNumber(event, m.scoreField, 'score');
    return (writes) => writes.leaderboard(target).add(event.record, name, m.mode, score, m.ttlSeconds);
  };
}

function unique(m: UniqueMapping): CompiledMapping['prepare'] {
  const key = compileTemplate(m.key);
  const element = compileTemplate(m.element);
  return (event, context) => {
    if (isDelete(event) || !passes(m.filter, event)) return undefined;
    const target = render(key, context);
    const value = render(element, context);
    return (writes) => writes.unique(target).add(event.record, value, m.ttlSeconds);
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

function session(m: SessionMapping): CompiledMapping['prepare'] {
  const key = compileTemplate(m.key);
  const store = m.store ?? 'hash';
  // One expiry object for every event of the mapping (writes only read it).
  const sliding: Expiry | undefined = m.ttlSeconds === undefined ? undefined : { seconds: m.ttlSeconds };
  return (event, context) => {
    if (!passes(m.filter, event)) return undefined;
    const target = render(key, context);
    if (isDelete(event) || (m.deleteWhen !== undefined && matchesPattern(event.fields, m.deleteWhen))) {
      return (writes) => writes.session(target, store).add(event.record, SESSION_DELETE);
    }
    const expiry = sessionExpiry(m, event, sliding);
    // A change carries the entity's whole image; a plain event adds to what the session holds.
    const kind = event.kind === 'change' ? 'replace' : 'merge';
    const fields = event.fields;
    return (writes) => writes.session(target, store).add(event.record, { kind, fields, expiry });
  };
}

function cache(m: CacheMapping): CompiledMapping['prepare'] {
  const key = compileTemplate(m.key);
  const store = m.store ?? 'string';
  return (event, context) => {
    if (!passes(m.filter, event)) return undefined;
    const target = render(key, context);
    if (event.kind === 'tombstone') {
      return (writes) => writes.cache(target, store, m.ttlSeconds).add(event.record, { kind: 'purge' });
    }
    const version = eventVersion(event, m.versionField);
    if (event.op === 'd') {
      const inclusive = m.versionField !== undefined;
      return (writes) =>
        writes.cache(target, store, m.ttlSeconds).add(event.record, { kind: 'delete', version, inclusive });
    }
    const fields = event.fields;
    return (writes) =>
      writes.cache(target, store, m.ttlSeconds).add(event.record, { kind: 'set', version, fields });
  };
}

function stream(m: StreamMapping): CompiledMapping['prepare'] {
  const key = compileTemplate(m.key);
  return (event, context) => {
    if (isDelete(event) || !passes(m.filter, event)) return undefined;
    const target = render(key, context);
    const fields = event.fields;
    const count = Object.keys(fields).length;
    if (count === 0) {
      throw new PoisonRecordError(POISON_KINDS.wrongType, 'an event without fields cannot be a stream entry');
    }
    if (count > MAX_ARGS_PER_COMMAND * 2) {
      throw new PoisonRecordError(
        POISON_KINDS.tooLarge,
        `an event with ${count} fields is too large for one stream entry`,
      );
    }
    const changeId = event.envelope
      ? `${event.envelope.source.table}#${event.envelope.source.eventId}`
      : undefined;
    return (writes) => writes.stream(target).add(event.record, fields, count, m.maxLength, changeId);
  };
}

function list(m: ListMapping): CompiledMapping['prepare'] {
  const key = compileTemplate(m.key);
  return (event, context) => {
    if (isDelete(event) || !passes(m.filter, event)) return undefined;
    const target = render(key, context);
    const fields = event.fields;
    return (writes) => writes.list(target).add(event.record, fields, m.maxLength, m.ttlSeconds);
  };
}

function compile(m: RedisMapping): CompiledMapping['prepare'] {
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

/** Compiles the mappings, grouped by topic in config order. */
export function compileMappings(mappings: readonly RedisMapping[]): Map<string, CompiledMapping[]> {
  const byTopic = new Map<string, CompiledMapping[]>();
  for (const m of mappings) {
    const compiled: CompiledMapping = {
      name: m.name,
      topic: m.topic,
      operation: m.operation,
      prepare: compile(m),
    };
    const list = byTopic.get(m.topic) ?? [];
    list.push(compiled);
    byTopic.set(m.topic, list);
  }
  return byTopic;
}
