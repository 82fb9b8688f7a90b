/**
 * The compacted writes of one key, one class per kind of write: a chunk's events folded in offset order
 * (increments summed, newest state kept, unique elements deduplicated, entries kept in order), then the few
 * Redis commands that have the effect of all of them.
 */
import type { KafkaRecord } from '../core/kafkaRecords';
import { REDIS_LIMITS } from './constants';
import { fieldPairs, fieldText } from './redisValues';
import type { KeyWrite, PlannedCommand, WriteSizes } from './types';
import { isNewerVersion } from './versions';

/** Name, key index and argument count that each command adds in front of its arguments. */
const COMMAND_OVERHEAD = 3;

function split(args: readonly string[], size: number): string[][] {
  const parts: string[][] = [];
  for (let i = 0; i < args.length; i += size) parts.push(args.slice(i, i + size));
  return parts;
}

function numberText(value: number): string {
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}

abstract class CompactedWrite implements KeyWrite {
  readonly key: string;
  firstOffset = Number.POSITIVE_INFINITY;
  readonly records: KafkaRecord[] = [];
  protected readonly sizes: WriteSizes;

  constructor(key: string, sizes: WriteSizes) {
    this.key = key;
    this.sizes = sizes;
    this.grow(1, key.length);
  }

  abstract commands(): PlannedCommand[];

  protected touch(record: KafkaRecord): void {
    if (this.records[this.records.length - 1] !== record) this.records.push(record);
    if (record.offset < this.firstOffset) this.firstOffset = record.offset;
  }

  protected grow(args: number, bytes: number): void {
    this.sizes.args += args;
    this.sizes.bytes += bytes;
  }

  protected expire(ttlSeconds: number | undefined): PlannedCommand[] {
    return ttlSeconds === undefined ? [] : [{ name: 'EXPIRE', key: this.key, args: [String(ttlSeconds)] }];
  }

  protected keepTtl(current: number | undefined, ttlSeconds: number | undefined): number | undefined {
    if (ttlSeconds === undefined) return current;
    if (current === undefined) this.grow(COMMAND_OVERHEAD + 1, 10);
    return Math.max(current ?? 0, ttlSeconds);
  }
}

/**
 * INCRBY / HINCRBY (or their FLOAT forms when an increment has a fraction), then EXPIRE.
 *
 * @example
 * ```ts
 * const write = new CounterWrite('views:home', sizes);
 * write.add(record1, null, 1);
 * write.add(record2, null, 1);
 * write.commands(); // [{ name: 'INCRBY', key: 'views:home', args: ['2'] }]
 * ```
 */
export class CounterWrite extends CompactedWrite {
  readonly #sums = new Map<string | null, { sum: number; integer: boolean }>();
  #ttl: number | undefined;

  add(record: KafkaRecord, field: string | null, increment: number, ttlSeconds?: number): void {
    this.touch(record);
    const entry = this.#sums.get(field);
    if (entry) {
      entry.sum += increment;
      entry.integer &&= Number.isInteger(increment);
    } else {
      this.#sums.set(field, { sum: increment, integer: Number.isInteger(increment) });
      this.grow(COMMAND_OVERHEAD + 2, (field?.length ?? 0) + 8);
    }
    this.#ttl = this.keepTtl(this.#ttl, ttlSeconds);
  }

  commands(): PlannedCommand[] {
    const commands: PlannedCommand[] = [];
    for (const [field, { sum, integer }] of this.#sums) {
      const whole = integer && Number.isSafeInteger(sum);
      const amount = numberText(sum);
      if (field === null)
        commands.push({ name: whole ? 'INCRBY' : 'INCRBYFLOAT', key: this.key, args: [amount] });
      else commands.push({ name: whole ? 'HINCRBY' : 'HINCRBYFLOAT', key: this.key, args: [field, amount] });
    }
    return [...commands, ...this.expire(this.#ttl)];
  }
}

/**
 * A sorted set: per member, the last set score (ZADD) plus the increments after it (ZINCRBY when no
 * score was set), then EXPIRE.
 */
export class LeaderboardWrite extends CompactedWrite {
  readonly #members = new Map<string, { base: number | undefined; delta: number }>();
  #ttl: number | undefined;

  add(record: KafkaRecord, member: string, mode: 'increment' | 'set', score: number, ttlSeconds?: number) {
    this.touch(record);
    let entry = this.#members.get(member);
    if (!entry) {
      entry = { base: undefined, delta: 0 };
      this.#members.set(member, entry);
      this.grow(COMMAND_OVERHEAD + 2, member.length + 8);
    }
    if (mode === 'set') {
      entry.base = score;
      entry.delta = 0;
    } else {
      entry.delta += score;
    }
    this.#ttl = this.keepTtl(this.#ttl, ttlSeconds);
  }

  commands(): PlannedCommand[] {
    const commands: PlannedCommand[] = [];
    const scores: string[] = [];
    for (const [member, { base, delta }] of this.#members) {
      if (base === undefined)
        commands.push({ name: 'ZINCRBY', key: this.key, args: [numberText(delta), member] });
      else scores.push(numberText(base + delta), member);
    }
    for (const part of split(scores, REDIS_LIMITS.maxArgsPerCommand))
      commands.push({ name: 'ZADD', key: this.key, args: part });
    return [...commands, ...this.expire(this.#ttl)];
  }
}

/** One PFADD with every distinct element, then EXPIRE. */
export class UniqueWrite extends CompactedWrite {
  readonly #elements = new Set<string>();
  #ttl: number | undefined;

  add(record: KafkaRecord, element: string, ttlSeconds?: number): void {
    this.touch(record);
    if (!this.#elements.has(element)) {
      if (this.#elements.size % REDIS_LIMITS.maxArgsPerCommand === 0) this.grow(COMMAND_OVERHEAD, 0);
      this.#elements.add(element);
      this.grow(1, element.length);
    }
    this.#ttl = this.keepTtl(this.#ttl, ttlSeconds);
  }

  commands(): PlannedCommand[] {
    const parts = split([...this.#elements], REDIS_LIMITS.maxArgsPerCommand);
    return [...parts.map((args) => ({ name: 'PFADD', key: this.key, args })), ...this.expire(this.#ttl)];
  }
}

/** An expiry: sliding seconds (EXPIRE) or an absolute epoch-seconds time (EXPIREAT). */
export type Expiry = { readonly seconds: number } | { readonly at: number };

/** An event's fields, serialized only if they survive compaction. */
export type Fields = Readonly<Record<string, unknown>>;

export type SessionChange =
  | { readonly kind: 'delete' }
  /** `merge` adds the fields to the session; `replace` makes them its whole state (a change's image). */
  | { readonly kind: 'merge' | 'replace'; readonly fields: Fields; readonly expiry: Expiry };

/** Bytes an event's value will take in the script's arguments, estimated from the record's payload. */
function payloadBytes(record: KafkaRecord): number {
  return record.valueSize;
}

/** A session as a hash (HSET of the fields) or a string (SET of the JSON), its expiry refreshed. */
export class SessionWrite extends CompactedWrite {
  readonly #store: 'hash' | 'string';
  #reset = false;
  #deleted = false;
  readonly #fields = new Map<string, unknown>();
  #latest: Fields | undefined;
  #expiry: Expiry | undefined;

  constructor(key: string, sizes: WriteSizes, store: 'hash' | 'string') {
    super(key, sizes);
    this.#store = store;
    this.grow(2 * COMMAND_OVERHEAD + 2, 10);
  }

  add(record: KafkaRecord, change: SessionChange): void {
    this.touch(record);
    if (change.kind === 'delete') {
      this.#reset = true;
      this.#deleted = true;
      this.#fields.clear();
      this.#latest = undefined;
      this.#expiry = undefined;
      return;
    }
    this.#deleted = false;
    if (change.kind === 'replace') {
      this.#reset = true;
      this.#fields.clear();
    }
    if (this.#store === 'hash') {
      const fields = change.fields;
      for (const field of Object.keys(fields)) {
        const value = fields[field];
        if (value === undefined) continue;
        if (!this.#fields.has(field)) this.grow(2, field.length);
        this.#fields.set(field, value);
      }
    }
    this.#latest = change.fields;
    this.grow(0, payloadBytes(record));
    this.#expiry = change.expiry;
  }

  commands(): PlannedCommand[] {
    const key = this.key;
    if (this.#deleted) return [{ name: 'DEL', key, args: [] }];
    const commands: PlannedCommand[] = [];
    const expiry = this.#expiry;
    if (this.#store === 'string') {
      const json = JSON.stringify(this.#latest);
      if (expiry && 'seconds' in expiry) {
        return [{ name: 'SET', key, args: [json, 'EX', String(expiry.seconds)] }];
      }
      commands.push({ name: 'SET', key, args: [json] });
    } else {
      if (this.#reset) commands.push({ name: 'DEL', key, args: [] });
      const pairs: string[] = [];
      for (const [field, value] of this.#fields) pairs.push(field, fieldText(value));
      for (const part of split(pairs, REDIS_LIMITS.maxArgsPerCommand))
        commands.push({ name: 'HSET', key, args: part });
    }
    if (expiry && 'seconds' in expiry) commands.push({ name: 'EXPIRE', key, args: [String(expiry.seconds)] });
    else if (expiry) commands.push({ name: 'EXPIREAT', key, args: [String(expiry.at)] });
    return commands;
  }
}

export type CacheChange =
  | { readonly kind: 'set'; readonly version: string; readonly fields: Fields }
  /**
   * `inclusive`: the version is the deleted state's own (a `versionField` read from the before image), so
   * the delete wins over an entry of that same version; a change envelope's sequence number is newer.
   */
  | { readonly kind: 'delete'; readonly version: string; readonly inclusive: boolean }
  /** A tombstone: no version; deletes whatever is there, keeping the highest version known as the marker. */
  | { readonly kind: 'purge' };

type CacheState =
  | { readonly kind: 'set'; readonly version: string; readonly fields: Fields }
  | { readonly kind: 'delete'; readonly version: string; readonly inclusive: boolean }
  | { readonly kind: 'purge'; readonly floor: string | undefined };

/**
 * A cache entry: only the newest version of the batch is written, and the script writes it only when it
 * is newer than the stored version (`SB.VSET` / `SB.VHSET` / `SB.VDEL`).
 */
export class CacheWrite extends CompactedWrite {
  readonly #versionKey: string;
  readonly #ttl: number | undefined;
  readonly #store: 'string' | 'hash';
  #state: CacheState | undefined;
  /** Events of the batch dropped because a newer version of the key was already in it. */
  staleInBatch = 0;

  constructor(
    key: string,
    sizes: WriteSizes,
    versionKey: string,
    store: 'string' | 'hash',
    ttlSeconds: number | undefined,
  ) {
    super(key, sizes);
    this.#versionKey = versionKey;
    this.#store = store;
    this.#ttl = ttlSeconds;
    this.grow(COMMAND_OVERHEAD + 5, versionKey.length + 50);
  }

  add(record: KafkaRecord, change: CacheChange): void {
    this.touch(record);
    const state = this.#state;
    const known = state === undefined ? undefined : state.kind === 'purge' ? state.floor : state.version;
    if (change.kind === 'purge') {
      this.#state = { kind: 'purge', floor: known };
      return;
    }
    const wins =
      known === undefined ||
      isNewerVersion(change.version, known) ||
      (change.kind === 'delete' && change.inclusive && change.version === known);
    if (!wins) {
      this.staleInBatch++;
      return;
    }
    this.#state = change;
    if (change.kind === 'set') {
      this.grow(this.#store === 'string' ? 1 : 2 * Object.keys(change.fields).length, payloadBytes(record));
    }
  }

  commands(): PlannedCommand[] {
    const state = this.#state;
    if (!state) return [];
    const key = this.key;
    const versionKey = this.#versionKey;
    if (state.kind === 'purge') return [{ name: 'SB.VDEL', key, versionKey, args: [state.floor ?? '', '0'] }];
    if (state.kind === 'delete') {
      return [{ name: 'SB.VDEL', key, versionKey, args: [state.version, state.inclusive ? '2' : '1'] }];
    }
    const ttl = String(this.#ttl ?? 0);
    if (this.#store === 'string') {
      return [{ name: 'SB.VSET', key, versionKey, args: [state.version, ttl, JSON.stringify(state.fields)] }];
    }
    return [{ name: 'SB.VHSET', key, versionKey, args: [state.version, ttl, ...fieldPairs(state.fields)] }];
  }
}

/**
 * XADD of each entry in order, capped with MAXLEN ~. An entry made from a change carries the change's id
 * and is appended only if the stream's seen-set lacks it (`SB.XADD1`): a change bridge retried after a
 * crash produces the same change again at a new offset, which the offset watermark cannot recognise.
 */
export class StreamWrite extends CompactedWrite {
  readonly #entries: { fields: Fields; changeId?: string }[] = [];
  readonly #seenKey: string;
  #maxLength = 0;

  constructor(key: string, sizes: WriteSizes, seenKey: string) {
    super(key, sizes);
    this.#seenKey = seenKey;
  }

  add(record: KafkaRecord, fields: Fields, fieldCount: number, maxLength: number, changeId?: string): void {
    this.touch(record);
    this.#entries.push({ fields, changeId });
    this.#maxLength = Math.max(this.#maxLength, maxLength);
    this.grow(COMMAND_OVERHEAD + 6 + 2 * fieldCount, payloadBytes(record) + (changeId?.length ?? 0));
  }

  commands(): PlannedCommand[] {
    const maxLength = String(this.#maxLength);
    return this.#entries.map(({ fields, changeId }) =>
      changeId === undefined
        ? { name: 'XADD', key: this.key, args: ['MAXLEN', '~', maxLength, '*', ...fieldPairs(fields)] }
        : {
            name: 'SB.XADD1',
            key: this.key,
            versionKey: this.#seenKey,
            args: [changeId, maxLength, ...fieldPairs(fields)],
          },
    );
  }
}

/** LPUSH of the entries in order (the newest ends up first), LTRIM to the newest `maxLength`, EXPIRE. */
export class ListWrite extends CompactedWrite {
  /** The newest entries only: older ones would be trimmed right away, so they are never sent. */
  #entries: Fields[] = [];
  #maxLength = 0;
  #ttl: number | undefined;

  constructor(key: string, sizes: WriteSizes) {
    super(key, sizes);
    this.grow(2 * COMMAND_OVERHEAD + 2, 10);
  }

  add(record: KafkaRecord, fields: Fields, maxLength: number, ttlSeconds?: number): void {
    this.touch(record);
    this.#maxLength = Math.max(this.#maxLength, maxLength);
    if (this.#entries.length < this.#maxLength) {
      if (this.#entries.length % REDIS_LIMITS.maxArgsPerCommand === 0) this.grow(COMMAND_OVERHEAD, 0);
      this.grow(1, payloadBytes(record));
    }
    this.#entries.push(fields);
    if (this.#entries.length >= 2 * this.#maxLength) this.#entries = this.#entries.slice(-this.#maxLength);
    this.#ttl = this.keepTtl(this.#ttl, ttlSeconds);
  }

  commands(): PlannedCommand[] {
    const kept = this.#entries.slice(-this.#maxLength).map((fields) => JSON.stringify(fields));
    return [
      ...split(kept, REDIS_LIMITS.maxArgsPerCommand).map((args) => ({ name: 'LPUSH', key: this.key, args })),
      { name: 'LTRIM', key: this.key, args: ['0', String(this.#maxLength - 1)] },
      ...this.expire(this.#ttl),
    ];
  }
}
