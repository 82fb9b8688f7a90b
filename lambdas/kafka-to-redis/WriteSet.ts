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

type AnyWrite =
  | CacheWrite
  | CounterWrite
  | LeaderboardWrite
  | ListWrite
  | SessionWrite
  | StreamWrite
  | UniqueWrite;

export class WriteSet {
  readonly sizes: WriteSizes = { args: 0, bytes: 0 };
  readonly #naming: KeyNaming;
  /** Per kind of write, the writes by key (no composite key string to build per event). */
  readonly #byKind = new Map<string, Map<string, AnyWrite>>();

  constructor(naming: KeyNaming) {
    this.#naming = naming;
  }

  get writes(): KeyWrite[] {
    const writes: KeyWrite[] = [];
    for (const byKey of this.#byKind.values()) for (const write of byKey.values()) writes.push(write);
    return writes;
  }

  /** Events dropped because a newer version of their cache entry was in the same chunk. */
  get staleInBatch(): number {
    let stale = 0;
    for (const byKey of this.#byKind.values()) {
      for (const write of byKey.values()) if (write instanceof CacheWrite) stale += write.staleInBatch;
    }
    return stale;
  }

  counter(key: string): CounterWrite {
    return (
      (this.#find('counter', key) as CounterWrite | undefined) ??
      this.#add('counter', key, new CounterWrite(key, this.sizes))
    );
  }

  leaderboard(key: string): LeaderboardWrite {
    const found = this.#find('leaderboard', key) as LeaderboardWrite | undefined;
    return found ?? this.#add('leaderboard', key, new LeaderboardWrite(key, this.sizes));
  }

  unique(key: string): UniqueWrite {
    return (
      (this.#find('unique', key) as UniqueWrite | undefined) ??
      this.#add('unique', key, new UniqueWrite(key, this.sizes))
    );
  }

  session(key: string, store: 'hash' | 'string'): SessionWrite {
    const kind = store === 'hash' ? 'session-hash' : 'session-string';
    const found = this.#find(kind, key) as SessionWrite | undefined;
    return found ?? this.#add(kind, key, new SessionWrite(key, this.sizes, store));
  }

  cache(key: string, store: 'string' | 'hash', ttlSeconds: number | undefined): CacheWrite {
    const kind = store === 'hash' ? 'cache-hash' : 'cache-string';
    const found = this.#find(kind, key) as CacheWrite | undefined;
    if (found) return found;
    return this.#add(
      kind,
      key,
      new CacheWrite(key, this.sizes, this.#naming.versionKey(key), store, ttlSeconds),
    );
  }

  stream(key: string): StreamWrite {
    return (
      (this.#find('stream', key) as StreamWrite | undefined) ??
      this.#add('stream', key, new StreamWrite(key, this.sizes, this.#naming.seenKey(key)))
    );
  }

  list(key: string): ListWrite {
    return (
      (this.#find('list', key) as ListWrite | undefined) ??
      this.#add('list', key, new ListWrite(key, this.sizes))
    );
  }

  #find(kind: string, key: string): AnyWrite | undefined {
    const byKey = this.#byKind.get(kind);
    return byKey === undefined ? undefined : byKey.get(key);
  }

  #add<T extends AnyWrite>(kind: string, key: string, write: T): T {
    let byKey = this.#byKind.get(kind);
    if (!byKey) {
      byKey = new Map();
      this.#byKind.set(kind, byKey);
    }
    byKey.set(key, write);
    return write;
  }
}
