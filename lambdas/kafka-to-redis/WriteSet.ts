/**
 * The compacted writes of one chunk, one per (kind, key), with the running size of the script arguments
 * they will take.
 *
 * @example
 * ```ts
 * const writes = new WriteSet(naming);
 * writes.counter('views:home').add(record, null, 1);
 * writes.sizes.args; // grows with distinct keys and fields, not with events
 * ```
 */
import {
  CacheWrite,
  CounterWrite,
  LeaderboardWrite,
  ListWrite,
  SessionWrite,
  StreamWrite,
  UniqueWrite,
} from './compactedWrites';
import type { KeyNaming } from './keyNaming';
import type { KeyWrite, WriteSizes } from './types';

export class WriteSet {
  readonly sizes: WriteSizes = { args: 0, bytes: 0 };
  readonly #naming: KeyNaming;
  // One Map per kind of write, by key: a lookup is one Map.get on the key (no composite key per event).
  readonly #counters = new Map<string, CounterWrite>();
  readonly #leaderboards = new Map<string, LeaderboardWrite>();
  readonly #uniques = new Map<string, UniqueWrite>();
  readonly #hashSessions = new Map<string, SessionWrite>();
  readonly #stringSessions = new Map<string, SessionWrite>();
  readonly #hashCaches = new Map<string, CacheWrite>();
  readonly #stringCaches = new Map<string, CacheWrite>();
  readonly #streams = new Map<string, StreamWrite>();
  readonly #lists = new Map<string, ListWrite>();
  /** The kinds' Maps in the order of their first write, the order `writes` lists them in. */
  readonly #used: ReadonlyMap<string, KeyWrite>[] = [];

  constructor(naming: KeyNaming) {
    this.#naming = naming;
  }

  get writes(): KeyWrite[] {
    const writes: KeyWrite[] = [];
    for (const byKey of this.#used) for (const write of byKey.values()) writes.push(write);
    return writes;
  }

  /** Events dropped because a newer version of their cache entry was in the same chunk. */
  get staleInBatch(): number {
    let stale = 0;
    for (const byKey of [this.#hashCaches, this.#stringCaches]) {
      for (const write of byKey.values()) stale += write.staleInBatch;
    }
    return stale;
  }

  counter(key: string): CounterWrite {
    return this.#counters.get(key) ?? this.#add(this.#counters, key, new CounterWrite(key, this.sizes));
  }

  leaderboard(key: string): LeaderboardWrite {
    const found = this.#leaderboards.get(key);
    return found ?? this.#add(this.#leaderboards, key, new LeaderboardWrite(key, this.sizes));
  }

  unique(key: string): UniqueWrite {
    return this.#uniques.get(key) ?? this.#add(this.#uniques, key, new UniqueWrite(key, this.sizes));
  }

  session(key: string, store: 'hash' | 'string'): SessionWrite {
    const byKey = store === 'hash' ? this.#hashSessions : this.#stringSessions;
    return byKey.get(key) ?? this.#add(byKey, key, new SessionWrite(key, this.sizes, store));
  }

  cache(key: string, store: 'string' | 'hash', ttlSeconds: number | undefined): CacheWrite {
    const byKey = store === 'hash' ? this.#hashCaches : this.#stringCaches;
    const found = byKey.get(key);
    if (found) return found;
    return this.#add(
      byKey,
      key,
      new CacheWrite(key, this.sizes, this.#naming.versionKey(key), store, ttlSeconds),
    );
  }

  stream(key: string): StreamWrite {
    return (
      this.#streams.get(key) ??
      this.#add(this.#streams, key, new StreamWrite(key, this.sizes, this.#naming.seenKey(key)))
    );
  }

  list(key: string): ListWrite {
    return this.#lists.get(key) ?? this.#add(this.#lists, key, new ListWrite(key, this.sizes));
  }

  #add<T extends KeyWrite>(byKey: Map<string, T>, key: string, write: T): T {
    if (byKey.size === 0) this.#used.push(byKey);
    byKey.set(key, write);
    return write;
  }
}
